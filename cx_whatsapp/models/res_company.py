from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    cx_whatsapp_nps_template_id = fields.Many2one(
        "cx.whatsapp.template",
        string="WhatsApp NPS Survey",
        domain="[('res_model', '=', 'cx.nps.survey')]",
        help="Customers who wrote on WhatsApp get the NPS survey as this approved template (a variable "
        "reads the field survey_url); the others get the email.",
    )
