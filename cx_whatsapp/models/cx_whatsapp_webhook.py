import json
import logging

import psycopg2.errors

from odoo import api, fields, models

from odoo.addons.cx_helpdesk.tools.phone import international_e164
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
    meta_error_code = fields.Integer(string="Meta Error", readonly=True, index="btree_not_null",
                                     help="The code of the error Meta sent in this delivery (for a whole change).")
    meta_errors = fields.Text(string="Meta's Errors", readonly=True)

    @api.model
    def _cx_trigger_processing(self):
        """Wake the processing cron, unless a wake-up is already due: in a
        burst the first delivery wakes it, the others ride along. (Each
        trigger costs Odoo a new connection to notify the cron workers, 6 ms
        of a 20 ms acknowledgement.) The cron clears its due triggers when it
        starts and loops until nothing is pending, so a delivery stored during
        a run is still taken; the cron's own interval catches any other."""
        cron = self.env.ref("cx_whatsapp.ir_cron_process_webhooks").sudo()
        self.env.cr.execute(
            "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= NOW() AT TIME ZONE 'UTC' LIMIT 1", [cron.id])
        if not self.env.cr.fetchone():
            cron._trigger()

    @api.model
    def _cron_process(self, limit=200):
        """Process pending deliveries in arrival order, ``limit`` at a time in
        one batch (one dedup query, one customer lookup, one insert...). A
        batch that fails is processed again one delivery at a time, each in a
        savepoint: the bad one is marked failed with its error, the others go
        on."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        deferred = []  # raced by another transaction: taken again by the next run
        while deliveries := self.search([("state", "=", "pending"), ("id", "not in", deferred)], limit=limit):
            try:
                with self.env.cr.savepoint():
                    deliveries._process()
                    deliveries.write({"state": "done"})
            except Exception:
                for delivery in deliveries:
                    try:
                        with self.env.cr.savepoint():
                            delivery._process()
                            delivery.state = "done"
                    except psycopg2.errors.UniqueViolation:
                        # the same message or customer stored meanwhile by another
                        # transaction: seen as known once this one's snapshot is new
                        _logger.info("WhatsApp webhook %s raced another delivery: deferred", delivery.id)
                        deferred.append(delivery.id)
                    except Exception as error:  # recorded on the delivery, never lost
                        _logger.exception("WhatsApp webhook %s failed", delivery.id)
                        delivery.write({"state": "failed", "error": str(error)})
            if in_cron:
                self.env["ir.cron"]._commit_progress(len(deliveries))
        if deferred:
            self.env.ref("cx_whatsapp.ir_cron_process_webhooks")._trigger()

    def _process(self):
        """The events of these deliveries, account by account, in order."""
        by_account = {}
        for delivery in self:
            events = parse_payload(json.loads(delivery.payload))
            if errors := [error for event in events if event["kind"] == "error" for error in event["errors"]]:
                delivery._cx_record_meta_errors(errors)
            by_account.setdefault(delivery.account_id, []).extend(events)
        Message = self.env["cx.whatsapp.message"]
        for account, events in by_account.items():
            messages = [event for event in events if event["kind"] == "message"]
            statuses = [event for event in events if event["kind"] == "status"]
            if messages:
                Message._cx_receive(account, messages)
            if statuses:
                Message._cx_apply_statuses(account, statuses)
            template_events = [event for event in events if event["kind"] == "template_status"]
            if template_events:
                self.env["cx.whatsapp.template"]._cx_apply_status_events(template_events)
            preferences = [event for event in events if event["kind"] == "user_preferences" and event.get("wa_id")]
            if preferences:
                self._cx_apply_preferences(preferences)

    def _cx_record_meta_errors(self, errors):
        """Errors Meta sent for a whole change (``value.errors``, no message
        to hang them on): kept on the delivery with Meta's code, logged."""
        self.ensure_one()
        text = "\n".join(
            f"{error.get('code') or '?'} {error.get('title') or error.get('message') or ''}: {error.get('details') or ''}".strip(" :")
            for error in errors
        )
        _logger.warning("WhatsApp webhook %s: Meta reported %s", self.id, text)
        code = errors[0].get("code")
        self.write({"meta_error_code": code if isinstance(code, int) and code else -1, "meta_errors": text})

    def _cx_apply_preferences(self, events):
        """The customer stopped (or resumed) marketing messages in WhatsApp:
        the number goes on (or off) Odoo's phone blacklist."""
        Blacklist = self.env["phone.blacklist"].sudo()
        for event in events:
            number = international_e164(event["wa_id"])
            if not number:
                _logger.warning("WhatsApp webhook %s: a preference for %r, not a phone number", self.id, event["wa_id"])
                continue
            if event.get("value") == "stop":
                Blacklist._add([number], message=self.env._("Stopped marketing messages in WhatsApp."))
            elif event.get("value") == "resume":
                Blacklist._remove([number], message=self.env._("Resumed marketing messages in WhatsApp."))
