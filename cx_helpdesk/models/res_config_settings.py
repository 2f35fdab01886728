from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cx_portal_company_tickets = fields.Boolean(
        related="company_id.cx_portal_company_tickets", readonly=False
    )
    cx_loop_threshold = fields.Integer(
        string="Emails Per Sender Before Blocking",
        config_parameter="mail.gateway.loop.threshold",
        default=20,
        help="Odoo ignores a sender who opens more tickets than this in the period below (mail loops).",
    )
    cx_loop_minutes = fields.Integer(
        string="Loop Detection Period (minutes)",
        config_parameter="mail.gateway.loop.minutes",
        default=120,
    )
