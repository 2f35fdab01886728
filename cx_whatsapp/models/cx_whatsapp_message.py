import json
import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cx_helpdesk.tools.phone import international_e164
from odoo.addons.cx_whatsapp.tools.graph import GraphError
from odoo.addons.cx_whatsapp.tools.webhook import MEDIA_TYPES, status_advances

_logger = logging.getLogger(__name__)

MESSAGE_STATES = [
    ("queued", "Queued"),
    ("received", "Received"),
    ("accepted", "Accepted"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("read", "Read"),
    ("failed", "Failed"),
]
MAX_TRIES = 8
# Meta's size limits per media type (MB)
MEDIA_LIMITS_MB = {"image": 5, "audio": 16, "video": 16, "document": 100, "sticker": 0.1}
MEDIA_MIMETYPES = {
    "image": {"image/jpeg", "image/png"},
    "sticker": {"image/webp"},
    "audio": {"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"},
    "video": {"video/mp4", "video/3gpp"},
    "document": {
        "application/pdf", "text/plain", "text/csv", "application/msword", "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    },
}


class CxWhatsappMessage(models.Model):
    _name = "cx.whatsapp.message"
    _description = "WhatsApp Message"
    _order = "message_date desc, id desc"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    account_id = fields.Many2one("cx.whatsapp.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    conversation_id = fields.Many2one("cx.whatsapp.conversation", index="btree_not_null", ondelete="cascade")
    team_id = fields.Many2one(related="conversation_id.team_id", store=True, index="btree_not_null")
    wamid = fields.Char(string="WhatsApp Message ID", readonly=True, copy=False)
    direction = fields.Selection([("inbound", "From the customer"), ("outbound", "To the customer")], required=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null")
    user_id = fields.Many2one("res.users", string="Sent By")
    automatic = fields.Boolean(string="Automatic Reply", readonly=True,
                               help="Sent by Odoo (the away message), not an agent's answer.")
    wa_id = fields.Char(string="WhatsApp Number")
    message_type = fields.Selection(
        [("text", "Text"), ("image", "Image"), ("video", "Video"), ("audio", "Audio"), ("document", "Document"),
         ("sticker", "Sticker"), ("location", "Location"), ("interactive", "Interactive reply"),
         ("button", "Button reply"), ("reaction", "Reaction"), ("contacts", "Shared contacts"), ("order", "Order"),
         ("system", "System"), ("unsupported", "Unsupported"), ("template", "Template"), ("other", "Other")],
        string="Type", required=True, default="text",
    )
    body = fields.Text()
    extra = fields.Json(help="What the message type carries (media id, location, reply id...).")
    context_wamid = fields.Char(string="Reply To")
    mail_message_id = fields.Many2one("mail.message", string="Chatter Message", index="btree_not_null", ondelete="set null")
    attachment_id = fields.Many2one("ir.attachment", string="Media", ondelete="set null")
    media_state = fields.Selection(
        [("pending", "To download"), ("done", "Downloaded"), ("failed", "Not downloaded")], index="btree_not_null",
    )
    message_date = fields.Datetime(string="Date", required=True, default=fields.Datetime.now)
    status = fields.Selection(MESSAGE_STATES, required=True, default="received", index=True)
    status_date = fields.Datetime()
    error_code = fields.Integer()
    error_details = fields.Text()
    raw_json = fields.Text(string="As Meta Sent It", readonly=True,
                           help="The message as it came, kept when Odoo cannot show its type.")
    shared_partner_ids = fields.Many2many(
        "res.partner", "cx_whatsapp_message_shared_partner_rel", "message_id", "partner_id",
        string="Saved Contacts", readonly=True, help="The contacts made or found from the vCards the customer shared.")
    # what Meta bills for the outgoing message (from its statuses)
    pricing_category = fields.Char(readonly=True, help="marketing, utility, authentication, service...")
    pricing_billable = fields.Boolean(string="Billable", readonly=True)
    pricing_model = fields.Char(readonly=True, help="CBP (per conversation) or PMP (per message).")
    pricing_type = fields.Char(readonly=True)
    meta_conversation_id = fields.Char(string="Meta Conversation", readonly=True, index="btree_not_null")
    meta_conversation_origin = fields.Char(string="Conversation Origin", readonly=True)
    meta_conversation_expires_at = fields.Datetime(string="Conversation Expires", readonly=True)
    try_count = fields.Integer(string="Attempts", readonly=True)
    next_try_at = fields.Datetime(string="Next Attempt", readonly=True)

    # retries and concurrent deliveries of the same message cannot double it
    _wamid_unique = models.Constraint("UNIQUE(wamid)", "A WhatsApp message is recorded once.")
    _queue_idx = models.Index("(next_try_at, id) WHERE status = 'queued'")

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_retry(self):
        """Send failed messages again (now)."""
        failed = self.filtered(lambda m: m.direction == "outbound" and m.status == "failed")
        if not failed:
            raise UserError(self.env._("Only outbound messages that failed can be sent again."))
        failed.sudo().write({"status": "queued", "next_try_at": False, "try_count": 0, "error_code": 0,
                             "error_details": False})
        self.env.ref("cx_whatsapp.ir_cron_send_messages")._trigger()
        return True

    def action_save_contacts(self):
        """The vCards the customer shared, as contacts: each one found by
        its phone or e-mail (linked, unchanged), else created; told in the
        conversation. Open to whoever may answer the conversation."""
        self.ensure_one()
        if self.message_type != "contacts" or not (self.extra or {}).get("contacts"):
            raise UserError(self.env._("This message carries no shared contact."))
        if self.conversation_id:
            self.conversation_id.check_access("write")
        Partner = self.env["res.partner"]
        # made from what the customer sent, not from what the agent types: an
        # agent without the right to create contacts may still save the card
        Creator = Partner if Partner.has_access("create") else Partner.sudo()
        # a number without its country code is read as one of the sender's country
        region = Partner._cx_number_region(self.wa_id)
        cards = []
        for card in self.extra["contacts"]:
            numbers = [international_e164(phone["wa_id"]) if phone.get("wa_id") else Partner._cx_e164(phone.get("phone"), region)
                       for phone in card.get("phones") or []]
            emails = [email["email"].strip().lower() for email in card.get("emails") or [] if email.get("email")]
            cards.append((card, [number for number in numbers if number], emails))
        all_numbers = [number for _card, numbers, _emails in cards for number in numbers]
        all_emails = [email for _card, _numbers, emails in cards for email in emails]
        by_phone = Partner._cx_partners_by_phone(all_numbers) if all_numbers else {}
        by_email = {}
        if all_emails:
            for partner in Partner.sudo().search_fetch([("email_normalized", "in", all_emails)], ["email_normalized"], order="id"):
                by_email.setdefault(partner.email_normalized, partner)
        linked, made = Partner, Partner
        for card, numbers, emails in cards:
            partner = next((by_phone[n] for n in numbers if n in by_phone), None) or next(
                (by_email[e] for e in emails if e in by_email), None)
            if partner:
                linked |= partner
                continue
            values = {
                "name": card.get("name") or (numbers[:1] or emails[:1] or [self.env._("Shared contact")])[0],
                "phone": numbers[0] if numbers else ((card.get("phones") or [{}])[0].get("phone") or False),
                "email": emails[0] if emails else False,
                "company_name": card.get("company") or False,
                "function": card.get("title") or False,
            }
            values.update(Partner.sudo()._cx_locale_values(numbers[0][1:] if numbers else None))
            made |= Creator.create(values).with_env(self.env)
        saved = linked | made
        self.sudo().shared_partner_ids = [(6, 0, saved.ids)]
        if self.conversation_id:
            lines = [self.env._("Created the contact %s", partner.display_name) for partner in made]
            lines += [self.env._("Linked the existing contact %s", partner.sudo().display_name) for partner in linked]
            self.conversation_id.message_post(body=Markup("<br/>").join(lines), subtype_xmlid="mail.mt_note")
        if len(saved) == 1 and saved.with_env(self.env).has_access("read"):
            return saved.with_env(self.env)._get_records_action()
        return True

    # ------------------------------------------------------------
    # BUSINESS: inbound
    # ------------------------------------------------------------

    @api.model
    def _cx_receive(self, account, events):
        """Record inbound messages (deduplicated on their id) with their
        customer (Meta's user id, then phone number, else a new contact), in
        their conversation's chatter; a new conversation opens or joins a
        ticket as the account says; opt-out keywords blacklist the number;
        the ad a message came from goes on its conversation; a changed
        number moves the conversation and the contact's phone.
        Batched: the same handful of queries for one message or a hundred,
        plus the chatter's notification per conversation."""
        known = set(self.sudo().search([("wamid", "in", [event["wamid"] for event in events])]).mapped("wamid"))
        fresh, seen = [], set()
        for event in events:
            if event["wamid"] not in known and event["wamid"] not in seen:
                seen.add(event["wamid"])
                fresh.append(event)
        if not fresh:
            return self.browse()
        fresh.sort(key=lambda event: event["at"] or fields.Datetime.now())
        Conversation = self.env["cx.whatsapp.conversation"].sudo()
        if without_number := [event for event in fresh if not event.get("from")]:
            Conversation._cx_find_senders(account, without_number)
            unknown = [event for event in fresh if not event.get("from")]
            fresh = [event for event in fresh if event.get("from")]
        else:
            unknown = []
        orphans = self._cx_keep_unplaced(account, unknown) if unknown else self.browse()
        if not fresh:
            return orphans
        partners = self.env["res.partner"].sudo()._cx_whatsapp_senders(account, fresh)
        no_partner = self.env["res.partner"]
        senders = {event["from"]: partners.get(event["wamid"], no_partner) for event in fresh}
        conversations, created = Conversation._cx_for_senders(account, senders)
        moves = Conversation._cx_number_changes(account, fresh)
        posts = [(conversations[event["from"]], event, partners.get(event["wamid"], no_partner)) for event in fresh]
        posted = Conversation._cx_post_inbound(posts)
        messages = self.sudo().create([
            self._cx_inbound_values(account, event, conversation, partner, mail_message)
            for (conversation, event, partner), mail_message in zip(posts, posted, strict=True)
        ])
        latest, referrals = {}, {}
        for message, (conversation, event, _partner) in zip(messages, posts, strict=True):
            if message.message_type != "system":  # Meta's notices open no window
                latest[conversation] = message
            if event.get("referral"):
                referrals[conversation] = (event["referral"], message.message_date)
        # before this batch: idle conversations start again (routed afresh)
        now = fields.Datetime.now()
        idle = Conversation.union(*[c for c in latest if not c._cx_is_open(now)])
        for conversation, message in latest.items():
            if not conversation.last_inbound_at or message.message_date >= conversation.last_inbound_at:
                conversation.write({
                    "last_inbound_at": message.message_date,
                    "last_inbound_wamid": message.wamid,
                    "read_receipt_sent": False,
                    "last_message_at": message.message_date,
                })
        for conversation, (referral, at) in referrals.items():
            conversation.write(conversation._cx_referral_values(referral, at))
        if moves:
            Conversation._cx_apply_number_changes(account, {old: (conversations[old], new) for old, new in moves.items()})
        optouts = messages.filtered(lambda m: m.message_type == "text" and account._cx_is_optout(m.body))
        if optouts:
            self.env["phone.blacklist"].sudo()._add(list({m.conversation_id.phone for m in optouts}), message=self.env._(
                "Opted out on WhatsApp (%s).", optouts[0].body.strip()))
            for message in optouts:
                message.conversation_id.message_post(
                    body=self.env._("The customer opted out: no more marketing templates to %s. Service replies "
                                    "stay possible inside the 24-hour window.", message.conversation_id.phone),
                    subtype_xmlid="mail.mt_note")
        messages.filtered(lambda m: m.message_type == "button")._cx_apply_ratings()
        written = Conversation.union(*latest)
        starting = (created & written) | written.filtered(lambda c: c.ticket_id.is_closed)
        (starting | (idle & written))._cx_route()
        starting._cx_open_or_join_tickets()
        self._cx_tell_tickets(latest)
        # no away message for a reaction, a survey's answer or an opt-out
        chatty = {m.conversation_id for m in latest.values()
                  if m.message_type != "reaction" and m not in optouts
                  and not ((m.extra or {}).get("payload") or "").startswith("cx_rating:")}
        Conversation.union(*chatty)._cx_send_away_messages()
        if messages.filtered(lambda m: m.media_state == "pending"):
            self.env.ref("cx_whatsapp.ir_cron_download_media")._trigger()
        return messages | orphans

    @api.model
    def _cx_tell_tickets(self, latest):
        """The customer wrote on the conversations linked to a ticket
        (``latest``: their latest message of the batch): their tickets come
        off 'waiting on customer'. Tickets with the same message date are told
        together. No query for the tickets that are not waiting (their date
        goes out with the batch's flush); a waiting ticket costs its stage
        change (tracking, clocks resumed)."""
        by_date = defaultdict(lambda: self.env["cx.whatsapp.conversation"])
        for conversation, message in latest.items():
            if conversation.ticket_id:
                by_date[message.message_date] |= conversation
        for at, conversations in by_date.items():
            conversations._cx_customer_wrote(at)

    @api.model
    def _cx_inbound_values(self, account, event, conversation, partner, mail_message):
        types = dict(self._fields["message_type"].selection)
        kind = event["type"] if event["type"] in types else "other"
        extra = dict(event["extra"] or {})
        if event.get("referral"):
            extra["referral"] = event["referral"]
        errors = extra.get("errors") or []
        raw = extra.pop("raw", None)
        return {
            "account_id": account.id,
            "conversation_id": conversation.id,
            "mail_message_id": mail_message.id,
            "wamid": event["wamid"],
            "direction": "inbound",
            "partner_id": partner.id,
            "wa_id": event.get("from") or False,
            "message_type": kind,
            "body": event["body"],
            "extra": extra or False,
            "raw_json": json.dumps(raw, indent=1, ensure_ascii=False) if raw and kind in ("unsupported", "other") else False,
            "error_code": errors[0]["code"] if errors and isinstance(errors[0].get("code"), int) else 0,
            "error_details": _error_text(errors[0]) if errors else False,
            "context_wamid": event["context_wamid"],
            "message_date": event["at"] or fields.Datetime.now(),
            "status": "received",
            "media_state": "pending" if kind in MEDIA_TYPES and extra.get("media_id") else False,
        }

    @api.model
    def _cx_keep_unplaced(self, account, events):
        """Messages whose customer cannot be told (no number, an unknown
        user id): kept, without a conversation, never dropped."""
        _logger.warning("WhatsApp account %s: %s message(s) without a known sender kept apart (%s)",
                        account.id, len(events), ", ".join(event["wamid"] for event in events))
        no_partner = self.env["res.partner"]
        return self.sudo().create([
            self._cx_inbound_values(account, event, self.env["cx.whatsapp.conversation"], no_partner,
                                    self.env["mail.message"])
            for event in events
        ])

    def _cx_apply_ratings(self):
        """Quick replies to a satisfaction survey rate its ticket: the payload
        carries the rating's token (secret, like the email's links) and score."""
        for message in self:
            payload = (message.extra or {}).get("payload") or ""
            parts = payload.split(":")
            if len(parts) != 3 or parts[0] != "cx_rating" or not parts[2].isdigit():
                continue
            rating = self.env["rating.rating"].sudo().search([("access_token", "=", parts[1])], limit=1)
            if rating and rating.res_model and rating.res_id:
                record = self.env[rating.res_model].sudo().browse(rating.res_id)
                record.rating_apply(min(int(parts[2]), 5), token=parts[1])

    @api.model
    def _cx_apply_statuses(self, account, events):
        """Statuses of our messages, applied in rank order: a late 'delivered'
        never takes a 'read' message back; 'failed' keeps Meta's code and
        details, shown to the agent in the conversation."""
        messages = {m.wamid: m for m in self.sudo().search([("wamid", "in", [event["wamid"] for event in events])])}
        for event in events:
            message = messages.get(event["wamid"])
            if not message:
                continue
            if cost := message._cx_cost_values(event):
                message.write(cost)  # whatever the status's order: the bill is the bill
            current = message.status if message.status not in ("received", "queued") else False
            if not status_advances(current, event["status"]):
                continue
            values = {"status": event["status"], "status_date": event["at"] or fields.Datetime.now()}
            if event["status"] == "failed" and event["errors"]:
                error = event["errors"][0]
                values["error_code"] = int(error.get("code") or 0)
                values["error_details"] = (error.get("error_data") or {}).get("details") or error.get("message") or error.get("title")
            message.write(values)
            if event["status"] == "failed":
                message._cx_tell_failure()

    def _cx_cost_values(self, event):
        """What a status says of the message's cost (Meta's ``pricing`` and
        ``conversation``), when it changes anything."""
        self.ensure_one()
        values = {}
        if pricing := event.get("pricing"):
            values.update({
                "pricing_category": pricing.get("category") or False,
                "pricing_billable": bool(pricing.get("billable")),
                "pricing_model": pricing.get("pricing_model") or False,
                "pricing_type": pricing.get("type") or False,
            })
        if conversation := event.get("conversation"):
            values.update({
                "meta_conversation_id": conversation.get("id") or False,
                "meta_conversation_origin": conversation.get("origin") or False,
                "meta_conversation_expires_at": conversation.get("expires_at") or False,
            })
        return {name: value for name, value in values.items() if self[name] != value and (value or self[name])}

    def _cx_tell_failure(self):
        for message in self.filtered("conversation_id"):
            message.conversation_id.message_post(
                body=self.env._("Not delivered to the customer: “%(text)s” — Meta error %(code)s: %(details)s",
                                text=(message.body or "")[:80], code=message.error_code or "?",
                                details=message.error_details or "?"),
                subtype_xmlid="mail.mt_note",
                partner_ids=message.user_id.partner_id.ids,
            )

    # ------------------------------------------------------------
    # BUSINESS: media
    # ------------------------------------------------------------

    @api.model
    def _cron_download_media(self, limit=50):
        """Inbound media into attachments of the conversation (after the
        webhook was answered): Meta's URL, then its bytes, within the
        account's size limit and the type's."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        for message in self.search([("media_state", "=", "pending")], limit=limit, order="id"):
            try:
                with self.env.cr.savepoint():
                    message._cx_download_media()
            except GraphError as error:
                again = error.retry_later and message.try_count + 1 < MAX_TRIES
                message.write({"media_state": "pending" if again else "failed", "try_count": message.try_count + 1,
                               "error_details": str(error)})
            if in_cron:
                self.env["ir.cron"]._commit_progress(1)

    def _cx_download_media(self):
        self.ensure_one()
        account = self.account_id.sudo()
        info = account._cx_graph_call("GET", self.extra["media_id"])
        limit_mb = min(account.max_media_mb or 16, MEDIA_LIMITS_MB.get(self.message_type, 100))
        max_bytes = int(limit_mb * 1024 * 1024)
        if int(info.get("file_size") or 0) > max_bytes:
            raise GraphError(f"media of {int(info['file_size']) // 1024} KB is over the {limit_mb} MB limit", code=-1)
        mimetype = (info.get("mime_type") or self.extra.get("mime_type") or "application/octet-stream").split(";")[0].strip()
        allowed = MEDIA_MIMETYPES.get(self.message_type)
        if allowed and mimetype not in allowed:
            raise GraphError(f"a {self.message_type} of type {mimetype} is not accepted", code=-1)
        content = account._cx_graph().download(info["url"], max_bytes)
        extension = mimetype.split("/")[-1].split(";")[0]
        attachment = self.env["ir.attachment"].sudo().create({
            "name": self.extra.get("filename") or f"whatsapp-{self.message_type}-{self.id}.{extension}",
            "raw": content,
            "mimetype": mimetype,
            "res_model": "cx.whatsapp.conversation" if self.conversation_id else False,
            "res_id": self.conversation_id.id,
        })
        self.write({"attachment_id": attachment.id, "media_state": "done"})
        if self.mail_message_id:
            self.mail_message_id.sudo().attachment_ids = [(4, attachment.id)]

    # ------------------------------------------------------------
    # BUSINESS: the sending queue
    # ------------------------------------------------------------

    @api.model
    def _cron_send(self, limit=100):
        """Send the queued messages whose time has come, oldest first. Rate
        limits (130429, 131056), Meta's temporary errors and network failures
        wait and retry with a growing delay; an expired token (190) flags the
        account and its messages wait for a new one; other errors fail the
        message with Meta's code and details, told to the agent."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        now = fields.Datetime.now()
        self.flush_model(["status", "next_try_at", "account_id"])
        self.env["cx.whatsapp.account"].flush_model(["graph_state", "active"])
        self.env.cr.execute(
            """SELECT m.id FROM cx_whatsapp_message m JOIN cx_whatsapp_account a ON a.id = m.account_id
                WHERE m.status = 'queued' AND (m.next_try_at IS NULL OR m.next_try_at <= %s)
                  AND a.graph_state = 'ok' AND a.active
                ORDER BY m.next_try_at NULLS FIRST, m.id LIMIT %s FOR UPDATE OF m SKIP LOCKED""",
            [now, limit],
        )
        messages = self.browse([row[0] for row in self.env.cr.fetchall()])
        for message in messages:
            if message.account_id.graph_state != "ok":
                continue  # flagged by an earlier message of this batch
            message._cx_send_one()
            if in_cron:
                self.env["ir.cron"]._commit_progress(1)
        later = self.search([("status", "=", "queued"), ("next_try_at", ">", now)], order="next_try_at", limit=1)
        if later:
            self.env.ref("cx_whatsapp.ir_cron_send_messages")._trigger(later.next_try_at)
        return messages

    def _cx_send_one(self):
        self.ensure_one()
        account = self.account_id.sudo()
        conversation = self.conversation_id
        try:
            # an automatic reply is not a person reading: no blue ticks for it
            if conversation.last_inbound_wamid and not conversation.read_receipt_sent and not self.automatic:
                try:
                    conversation._cx_send_read_receipt()  # answering is reading
                except GraphError as error:
                    if error.token_expired:
                        raise
                    _logger.info("WhatsApp read receipt for %s not sent: %s", conversation.last_inbound_wamid, error)
            payload = self._cx_payload()
            response = account._cx_graph_call("POST", f"{account.phone_number_id}/messages", payload)
        except GraphError as error:
            self._cx_send_failed(error)
            return
        wamid = ((response.get("messages") or [{}])[0]).get("id")
        self.write({"wamid": wamid, "status": "accepted", "status_date": fields.Datetime.now(), "try_count": self.try_count + 1,
                    "next_try_at": False, "error_code": 0, "error_details": False})

    def _cx_send_failed(self, error):
        tries = self.try_count + 1
        if error.token_expired:
            # the account is flagged (see _cx_graph_call): the message waits for a new token
            self.write({"try_count": tries, "error_code": error.code or 0, "error_details": str(error)})
            return
        if error.retry_later and tries < MAX_TRIES:
            delay = min(5 * 2 ** (tries - 1), 900)
            self.write({"try_count": tries, "next_try_at": fields.Datetime.now() + timedelta(seconds=delay),
                        "error_code": error.code or 0, "error_details": str(error)})
            return
        self.write({"status": "failed", "try_count": tries, "next_try_at": False, "error_code": error.code or 0,
                    "error_details": str(error), "status_date": fields.Datetime.now()})
        self._cx_tell_failure()

    def _cx_payload(self):
        """The Cloud API's message for this record."""
        self.ensure_one()
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": self.wa_id}
        if self.context_wamid:
            payload["context"] = {"message_id": self.context_wamid}
        if self.message_type == "text":
            payload.update(type="text", text={"body": self.body, "preview_url": False})
        elif self.message_type == "template":
            payload.update(type="template", template=self.extra)
        elif self.message_type in MEDIA_TYPES:
            media_id = self._cx_upload_media()
            media = {"id": media_id}
            if self.message_type == "document":
                media["filename"] = self.attachment_id.name
            payload.update(type=self.message_type, **{self.message_type: media})
        else:
            raise GraphError(f"messages of type {self.message_type} cannot be sent", code=-1)
        return payload

    def _cx_upload_media(self):
        attachment = self.attachment_id.sudo()
        if not attachment:
            raise GraphError("the media file is gone", code=-1)
        limit = MEDIA_LIMITS_MB.get(self.message_type, 100) * 1024 * 1024
        if attachment.file_size > limit:
            raise GraphError(f"{attachment.name} is larger than WhatsApp allows for a {self.message_type}", code=-1)
        allowed = MEDIA_MIMETYPES.get(self.message_type)
        if allowed and attachment.mimetype not in allowed:
            raise GraphError(f"{attachment.name} ({attachment.mimetype}) is not a type WhatsApp accepts", code=-1)
        graph = self.account_id.sudo()._cx_graph()
        return graph.upload(self.account_id.sudo().phone_number_id, attachment.name, attachment.raw, attachment.mimetype)


def _error_text(error):
    """Meta's error as an agent reads it: title and details."""
    parts = [error.get("title") or error.get("message"), error.get("details")]
    return ": ".join(str(part) for part in parts if part) or str(error.get("code") or "?")
