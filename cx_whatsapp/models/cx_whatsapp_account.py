from odoo import api, fields, models


class CxWhatsappAccount(models.Model):
    """A WhatsApp Business phone number of the Cloud API."""

    _name = "cx.whatsapp.account"
    _description = "WhatsApp Account"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    display_phone_number = fields.Char(string="Number", required=True)
    phone_number_id = fields.Char(string="Phone Number ID", required=True, index=True)
    waba_id = fields.Char(string="WhatsApp Business Account ID")
    access_token = fields.Char(groups="base.group_system", copy=False)
    app_secret = fields.Char(groups="base.group_system", copy=False, help="Checks the signature of Meta's webhooks.")
    verify_token = fields.Char(groups="base.group_system", copy=False, help="The token Meta sends to verify the webhook.")
    graph_version = fields.Char(string="Graph API Version", default="v21.0", required=True)
    team_id = fields.Many2one("cx.team", string="Default Team")
    webhook_url = fields.Char(string="Webhook URL", compute="_compute_webhook_url", help="Give this address to Meta as the callback URL.")

    _phone_number_id_unique = models.Constraint("UNIQUE(phone_number_id)", "This WhatsApp number is already configured.")

    @api.depends_context("uid")
    def _compute_webhook_url(self):
        base = self.get_base_url()
        for account in self:
            account.webhook_url = f"{base}/cx_whatsapp/webhook/{account.id}" if account.id else False
