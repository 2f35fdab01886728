from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cx_whatsapp_nps_template_id = fields.Many2one(related="company_id.cx_whatsapp_nps_template_id", readonly=False)
