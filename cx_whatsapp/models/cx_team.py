from odoo import fields, models


class CxTeam(models.Model):
    _inherit = "cx.team"

    cx_whatsapp_rating_template_id = fields.Many2one(
        "cx.whatsapp.template", string="WhatsApp Satisfaction Survey",
        domain="[('is_csat', '=', True), ('res_model', '=', 'cx.ticket')]",
        help="Customers who wrote on WhatsApp get the rating request as this approved template; its "
        "quick-reply buttons rate the ticket. The others get the email.",
    )
