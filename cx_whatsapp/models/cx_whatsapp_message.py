from odoo import api, fields, models

from odoo.addons.cx_whatsapp.tools.webhook import status_advances

MESSAGE_STATES = [
    ("received", "Received"),
    ("accepted", "Accepted"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("read", "Read"),
    ("failed", "Failed"),
]


class CxWhatsappMessage(models.Model):
    _name = "cx.whatsapp.message"
    _description = "WhatsApp Message"
    _order = "message_date desc, id desc"

    account_id = fields.Many2one("cx.whatsapp.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    wamid = fields.Char(string="WhatsApp Message ID", required=True, readonly=True)
    direction = fields.Selection([("inbound", "From the customer"), ("outbound", "To the customer")], required=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null")
    wa_id = fields.Char(string="WhatsApp Number")
    message_type = fields.Selection(
        [("text", "Text"), ("image", "Image"), ("video", "Video"), ("audio", "Audio"), ("document", "Document"),
         ("sticker", "Sticker"), ("location", "Location"), ("interactive", "Interactive reply"),
         ("button", "Button reply"), ("reaction", "Reaction"), ("template", "Template"), ("other", "Other")],
        string="Type", required=True, default="text",
    )
    body = fields.Text()
    extra = fields.Json(help="What the message type carries (media id, location, reply id...).")
    context_wamid = fields.Char(string="Reply To")
    message_date = fields.Datetime(string="Date", required=True, default=fields.Datetime.now)
    status = fields.Selection(MESSAGE_STATES, required=True, default="received")
    status_date = fields.Datetime()
    error_code = fields.Integer()
    error_details = fields.Text()

    # retries and concurrent deliveries of the same message cannot double it
    _wamid_unique = models.Constraint("UNIQUE(wamid)", "A WhatsApp message is recorded once.")

    @api.model
    def _cx_receive(self, account, events):
        """Record inbound messages (deduplicated on their id) with their
        customer: by Meta's user id, then by phone number, else a new contact."""
        wamids = [event["wamid"] for event in events]
        known = set(self.sudo().search([("wamid", "in", wamids)]).mapped("wamid"))
        fresh, seen = [], set()
        for event in events:
            if event["wamid"] not in known and event["wamid"] not in seen:
                seen.add(event["wamid"])
                fresh.append(event)
        if not fresh:
            return self.browse()
        partners = self.env["res.partner"].sudo()._cx_whatsapp_senders(account, fresh)
        types = dict(self._fields["message_type"].selection)
        values = [
            {
                "account_id": account.id,
                "wamid": event["wamid"],
                "direction": "inbound",
                "partner_id": partners.get(event["wamid"], self.env["res.partner"]).id,
                "wa_id": event["from"],
                "message_type": event["type"] if event["type"] in types else "other",
                "body": event["body"],
                "extra": event["extra"] or False,
                "context_wamid": event["context_wamid"],
                "message_date": event["at"] or fields.Datetime.now(),
                "status": "received",
            }
            for event in fresh
        ]
        return self.sudo().create(values)

    @api.model
    def _cx_apply_statuses(self, account, events):
        """Statuses of our messages, applied in rank order: a late 'delivered'
        never takes a 'read' message back; 'failed' keeps Meta's code and details."""
        messages = {m.wamid: m for m in self.sudo().search([("wamid", "in", [event["wamid"] for event in events])])}
        for event in events:
            message = messages.get(event["wamid"])
            if not message or not status_advances(message.status if message.status != "received" else False, event["status"]):
                continue
            values = {"status": event["status"], "status_date": event["at"] or fields.Datetime.now()}
            if event["status"] == "failed" and event["errors"]:
                error = event["errors"][0]
                values["error_code"] = int(error.get("code") or 0)
                values["error_details"] = (error.get("error_data") or {}).get("details") or error.get("message") or error.get("title")
            message.write(values)
