from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cx_portal_company_tickets = fields.Boolean(
        related="company_id.cx_portal_company_tickets", readonly=False
    )
    cx_nps_schedule = fields.Selection(related="company_id.cx_nps_schedule", readonly=False)
    cx_nps_days = fields.Integer(related="company_id.cx_nps_days", readonly=False)
    cx_nps_after_tickets = fields.Integer(related="company_id.cx_nps_after_tickets", readonly=False)
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
    cx_web_form_limit_per_address = fields.Integer(
        string="Requests Per Client Address",
        config_parameter="cx_helpdesk.web_form_limit_per_address",
        default=5,
        help="Requests the public form takes from one client address in the period below; 0: no limit.",
    )
    cx_web_form_limit_per_email = fields.Integer(
        string="Requests Per Email Address",
        config_parameter="cx_helpdesk.web_form_limit_per_email",
        default=3,
        help="Requests the public form takes for one typed email address in the period below; 0: no limit.",
    )
    cx_web_form_limit_minutes = fields.Integer(
        string="Request Limit Period (minutes)",
        config_parameter="cx_helpdesk.web_form_limit_minutes",
        default=60,
    )
    cx_web_form_max_upload_mb = fields.Integer(
        string="Files Per Request (MB)",
        config_parameter="cx_helpdesk.web_form_max_upload_mb",
        default=20,
        help="Total size of the files attached to one request in the portal and the public form; 0: no limit.",
    )
