import json
import logging

from odoo import api, fields, models

from odoo.addons.cx_whatsapp.tools.webhook import parse_payload

_logger = logging.getLogger(__name__)


class CxWhatsappWebhook(models.Model):
    """A webhook delivery, stored as received (durable queue): the HTTP answer
    is given at once, the work is done by a cron triggered right after."""

    _name = "cx.whatsapp.webhook"
    _description = "WhatsApp Webhook Delivery"
    _order = "id"

    account_id = fields.Many2one("cx.whatsapp.account", required=True, ondelete="cascade", index=True)
    payload = fields.Text(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")], default="pending", required=True, index=True
    )
    error = fields.Text()

    @api.model
    def _cron_process(self, limit=200):
        """Process pending deliveries in arrival order, each in a savepoint: a
        bad one is marked failed with its error, the others go on."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        while deliveries := self.search([("state", "=", "pending")], limit=limit):
            for delivery in deliveries:
                try:
                    with self.env.cr.savepoint():
                        delivery._process()
                        delivery.state = "done"
                except Exception as error:  # recorded on the delivery, never lost
                    _logger.exception("WhatsApp webhook %s failed", delivery.id)
                    delivery.write({"state": "failed", "error": str(error)})
            if in_cron:
                self.env["ir.cron"]._commit_progress(len(deliveries))

    def _process(self):
        self.ensure_one()
        events = parse_payload(json.loads(self.payload))
        messages = [event for event in events if event["kind"] == "message"]
        statuses = [event for event in events if event["kind"] == "status"]
        Message = self.env["cx.whatsapp.message"]
        if messages:
            Message._cx_receive(self.account_id, messages)
        if statuses:
            Message._cx_apply_statuses(self.account_id, statuses)
        preferences = [event for event in events if event["kind"] == "user_preferences" and event.get("wa_id")]
        if preferences:
            self._cx_apply_preferences(preferences)

    def _cx_apply_preferences(self, events):
        """The customer stopped (or resumed) marketing messages in WhatsApp:
        the number goes on (or off) Odoo's phone blacklist."""
        Blacklist = self.env["phone.blacklist"].sudo()
        for event in events:
            number = f"+{event['wa_id']}"
            if event.get("value") == "stop":
                Blacklist._add([number], message=self.env._("Stopped marketing messages in WhatsApp."))
            elif event.get("value") == "resume":
                Blacklist._remove([number], message=self.env._("Resumed marketing messages in WhatsApp."))
