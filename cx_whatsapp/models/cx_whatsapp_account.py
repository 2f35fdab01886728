from datetime import timedelta, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.cx_whatsapp.tools.graph import DEFAULT_BASE_URL, GraphClient, GraphError

DEFAULT_OPTOUT_KEYWORDS = "STOP, UNSUBSCRIBE, STOP ALL, إيقاف, ايقاف, إلغاء الاشتراك, الغاء الاشتراك"


class CxWhatsappAccount(models.Model):
    """A WhatsApp Business phone number of the Cloud API."""

    _name = "cx.whatsapp.account"
    _description = "WhatsApp Account"
    _order = "name"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

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
    notify_user_ids = fields.Many2many(
        "res.users", string="Notified Users", domain=[("share", "=", False)],
        help="Follow every new conversation of this number (they get its messages in their inbox).",
    )
    ticket_rule = fields.Selection(
        [("always", "Always"), ("outside_hours", "Outside business hours only"), ("never", "Never")],
        string="Open Tickets", default="always", required=True,
        help="When a customer starts a conversation: a ticket in the default team (or the customer's open "
        "ticket, which the conversation joins). Business hours are the team's working hours.",
    )
    optout_keywords = fields.Char(
        string="Opt-out Keywords", default=DEFAULT_OPTOUT_KEYWORDS, translate=False,
        help="A message that is exactly one of these words (comma separated, any case) puts the number on "
        "the blacklist for marketing templates. Service replies stay possible inside the 24-hour window.",
    )
    away_message_enabled = fields.Boolean(
        string="Away Message",
        help="Customers who write while the default team is closed (outside its working hours) get this "
        "message at once, once per closed period.",
    )
    away_message = fields.Text(
        string="Away Message Text",
        translate=True,
        help="Sent in the customer's language: translate it (Arabic, English...) with the language button.",
    )
    max_media_mb = fields.Integer(string="Largest Media (MB)", default=16, help="Larger media are not downloaded.")
    graph_state = fields.Selection(
        [("ok", "Working"), ("token_expired", "Access token expired")], default="ok", required=True, readonly=True,
        copy=False,
    )
    last_error = fields.Char(readonly=True, copy=False)
    webhook_url = fields.Char(string="Webhook URL", compute="_compute_webhook_url", help="Give this address to Meta as the callback URL.")

    _phone_number_id_unique = models.Constraint("UNIQUE(phone_number_id)", "This WhatsApp number is already configured.")

    @api.constrains("away_message_enabled", "away_message")
    def _check_away_message(self):
        for account in self:
            if account.away_message_enabled and not (account.away_message or "").strip():
                raise ValidationError(self.env._("Write the away message of %s, or turn it off.", account.name))

    @api.depends_context("uid")
    def _compute_webhook_url(self):
        base = self.get_base_url()
        for account in self:
            account.webhook_url = f"{base}/cx_whatsapp/webhook/{account.id}" if account.id else False

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def write(self, vals):
        if "access_token" in vals:
            vals = dict(vals, graph_state="ok", last_error=False)  # a new token: sending resumes
        result = super().write(vals)
        if "access_token" in vals:
            self.env.ref("cx_whatsapp.ir_cron_send_messages")._trigger()
        return result

    # ------------------------------------------------------------
    # BUSINESS: Graph API
    # ------------------------------------------------------------

    def _cx_graph(self):
        self.ensure_one()
        base_url = self.env["ir.config_parameter"].sudo().get_param("cx_whatsapp.graph_url") or DEFAULT_BASE_URL
        return GraphClient(self.sudo().access_token, self.graph_version, base_url)

    def _cx_graph_call(self, method, path, payload=None, params=None):
        """A Graph API call for this number; an expired token flags the
        account (its messages wait) and raises like any other error."""
        self.ensure_one()
        if not self.sudo().access_token:
            raise GraphError(self.env._("The account %s has no access token.", self.name), code=190)
        try:
            return self._cx_graph().request(method, path, payload, params)
        except GraphError as error:
            if error.token_expired:
                self.sudo().write({"graph_state": "token_expired", "last_error": str(error)[:250]})
            raise

    def action_test(self):
        """Ask Meta about this number and show what it says."""
        self.ensure_one()
        try:
            data = self._cx_graph_call("GET", self.phone_number_id,
                                       params={"fields": "display_phone_number,verified_name,quality_rating"})
        except GraphError as error:
            raise UserError(self.env._("Meta refused: %s", error)) from error
        self.sudo().write({"graph_state": "ok", "last_error": False})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Connected: %(name)s, %(number)s, quality %(quality)s.",
                    name=data.get("verified_name") or "?",
                    number=data.get("display_phone_number") or self.display_phone_number,
                    quality=data.get("quality_rating") or "?",
                ),
                "sticky": False,
            },
        }

    def action_sync_templates(self):
        """Templates and their approval status, as Meta has them."""
        for account in self:
            self.env["cx.whatsapp.template"]._cx_sync(account)
        return self.env["ir.actions.act_window"]._for_xml_id("cx_whatsapp.cx_whatsapp_template_action")

    # ------------------------------------------------------------
    # BUSINESS: rules
    # ------------------------------------------------------------

    def _cx_is_optout(self, text):
        self.ensure_one()
        words = {word.strip().casefold() for word in (self.optout_keywords or "").split(",") if word.strip()}
        return bool(text) and text.strip().strip(".!").casefold() in words

    def _cx_opens_ticket(self, at):
        """Whether a new conversation opens a ticket at ``at`` (naive UTC)."""
        self.ensure_one()
        if self.ticket_rule == "never" or not self.team_id:
            return False
        if self.ticket_rule == "always":
            return True
        calendar = self.team_id.resource_calendar_id
        if not calendar:
            return False  # no business hours: never "outside" them
        start = fields.Datetime.to_datetime(at).replace(tzinfo=timezone.utc)
        intervals = calendar._work_intervals_batch(start, start + timedelta(minutes=1))[False]
        return not list(intervals)
