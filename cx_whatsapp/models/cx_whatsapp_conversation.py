import json
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from odoo.addons.cx_whatsapp.tools.graph import GraphError

WINDOW = timedelta(hours=24)
# fields whose change moves the conversation in or out of someone's "My work"
WORK_FIELDS = {"last_inbound_at", "last_message_at", "user_id", "team_id", "ticket_id", "partner_id"}
# the customer's message types the chatter knows how to show
KNOWN_TYPES = {
    "text", "image", "video", "audio", "document", "sticker", "location", "interactive", "button", "reaction",
    "contacts", "order", "system",
}
TYPE_LABELS = {
    "image": "📷", "video": "🎬", "audio": "🎤", "document": "📄", "sticker": "🏷", "location": "📍",
}


class CxWhatsappConversation(models.Model):
    """The WhatsApp conversation of a customer with one of our numbers. Its
    chatter is the conversation: the customer's messages are posted there by
    the customer, and what agents send from it ("Send message") goes to
    WhatsApp; internal notes stay internal."""

    _name = "cx.whatsapp.conversation"
    _description = "WhatsApp Conversation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "last_message_at desc, id desc"
    # a message answers another only when the agent says so (the chatter's
    # Reply): it becomes a WhatsApp reply quoting it
    _mail_flat_thread = False

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one("cx.whatsapp.account", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, tracking=True)
    wa_id = fields.Char(string="WhatsApp Number", required=True, readonly=True,
                        help="The customer's number as WhatsApp gives it (international, without +).")
    team_id = fields.Many2one("cx.team", string="Team", index="btree_not_null", tracking=True)
    user_id = fields.Many2one("res.users", string="Agent", index="btree_not_null", tracking=True,
                              domain=[("share", "=", False)])
    ticket_id = fields.Many2one("cx.ticket", string="Ticket", index="btree_not_null", tracking=True)
    lead_id = fields.Many2one("crm.lead", string="Lead", index="btree_not_null", readonly=True, copy=False,
                              groups="sales_team.group_sale_salesman")
    cx_message_ids = fields.One2many("cx.whatsapp.message", "conversation_id", string="WhatsApp Messages")
    last_inbound_at = fields.Datetime(string="Customer's Last Message", readonly=True)
    last_inbound_wamid = fields.Char(readonly=True)
    read_receipt_sent = fields.Boolean(readonly=True, help="The customer's last message was marked as read.")
    last_message_at = fields.Datetime(readonly=True, index=True)
    window_expires_at = fields.Datetime(string="Window Closes", compute="_compute_window", store=True)
    window_open = fields.Boolean(string="Window Open", compute="_compute_window_open",
                                 search="_search_window_open")
    optout = fields.Boolean(string="Opted Out", compute="_compute_optout",
                            help="The number is on the blacklist for marketing templates.")
    # the click-to-WhatsApp ad (or post) the customer came from, latest first
    referral_headline = fields.Char(string="Ad Headline", readonly=True)
    referral_body = fields.Text(string="Ad Text", readonly=True)
    referral_source_type = fields.Char(string="Ad Source Type", readonly=True, help="ad or post")
    referral_source_id = fields.Char(string="Ad ID", readonly=True)
    referral_source_url = fields.Char(string="Ad URL", readonly=True)
    referral_media_url = fields.Char(string="Ad Media", readonly=True)
    referral_ctwa_clid = fields.Char(string="Click ID", readonly=True,
                                     help="Meta's click id (ctwa_clid): reports the conversion back to the ad.")
    referral_at = fields.Datetime(string="Came From the Ad On", readonly=True)

    _account_wa_id_unique = models.Constraint("UNIQUE(account_id, wa_id)", "One conversation per customer and number.")
    # "My work" (cx.work.item): the conversations awaiting an answer in
    # deadline order, all or an agent's, and an item found again by its id
    _work_deadline_idx = models.Index("(window_expires_at) WHERE last_message_at <= last_inbound_at")
    _work_user_deadline_idx = models.Index("(user_id, window_expires_at) WHERE last_message_at <= last_inbound_at")
    _work_item_idx = models.Index("((id * 16 + 2)) WHERE last_message_at <= last_inbound_at")

    @api.depends("partner_id.name", "wa_id", "account_id.name")
    def _compute_name(self):
        for conversation in self:
            who = conversation.partner_id.name or f"+{conversation.wa_id}"
            conversation.name = f"{who} · {conversation.account_id.name}" if conversation.account_id else who

    @api.depends("last_inbound_at")
    def _compute_window(self):
        for conversation in self:
            conversation.window_expires_at = conversation.last_inbound_at + WINDOW if conversation.last_inbound_at else False

    @api.depends("window_expires_at")  # and the time: not stored, computed when read
    def _compute_window_open(self):
        now = fields.Datetime.now()
        for conversation in self:
            conversation.window_open = bool(conversation.window_expires_at and conversation.window_expires_at > now)

    def _search_window_open(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the window."))
        is_open = (operator == "=") == value
        now = fields.Datetime.now()
        return [("window_expires_at", ">", now)] if is_open else ["|", ("window_expires_at", "=", False), ("window_expires_at", "<=", now)]

    def _compute_optout(self):
        blacklisted = set(self.env["phone.blacklist"].sudo().search(
            [("number", "in", [f"+{c.wa_id}" for c in self if c.wa_id])]).mapped("number"))
        for conversation in self:
            conversation.optout = f"+{conversation.wa_id}" in blacklisted

    def _cx_window_error(self):
        """Why free text cannot be sent now, or None."""
        self.ensure_one()
        if self.window_open:
            return None
        if not self.last_inbound_at:
            return self.env._("The customer has not written to this number yet: only an approved template can "
                              "start the conversation.")
        return self.env._(
            "The 24-hour window closed on %(date)s (the customer's last message was on %(last)s): only an "
            "approved template can be sent until the customer writes again.",
            date=fields.Datetime.to_string(self.window_expires_at)[:16],
            last=fields.Datetime.to_string(self.last_inbound_at)[:16],
        )

    def write(self, vals):
        # "My work" of the agents and teams before and after: a customer's
        # message, an answer, an assignment
        before = (self.user_id, self.team_id) if WORK_FIELDS & vals.keys() else None
        result = super().write(vals)
        if before:
            self.env["cx.work.item"]._cx_work_notify(
                before[0] | self.user_id, before[1] | self.team_id, self._name, self.ids)
        return result

    # ------------------------------------------------------------
    # Inbound
    # ------------------------------------------------------------

    @api.model
    def _cx_for_senders(self, account, senders):
        """The conversations of ``senders`` (``{wa_id: partner}``) with this
        number, created when new: ``({wa_id: conversation}, created)``."""
        existing = {c.wa_id: c for c in self.sudo().search([("account_id", "=", account.id), ("wa_id", "in", list(senders))])}
        new_values = [
            {"account_id": account.id, "wa_id": wa_id, "partner_id": partner.id, "team_id": account.team_id.id}
            for wa_id, partner in senders.items() if wa_id not in existing
        ]
        created = self.sudo().with_context(mail_create_nosubscribe=True, mail_create_nolog=True).create(new_values)
        if created and account.notify_user_ids:
            created.message_subscribe(partner_ids=account.notify_user_ids.partner_id.ids)
        existing.update({conversation.wa_id: conversation for conversation in created})
        return existing, created

    @api.model
    def _cx_find_senders(self, account, events):
        """Messages without a number (Meta's identity changes): their
        number is that of the conversation of the customer with their user
        id, when there is one. One query."""
        user_ids = {event["user_id"] for event in events if event.get("user_id")}
        if not user_ids:
            return
        by_user = {}
        for conversation in self.sudo().search(
            [("account_id", "=", account.id), ("partner_id.cx_whatsapp_user_id", "in", list(user_ids))],
            order="last_message_at desc, id desc",
        ):
            by_user.setdefault(conversation.partner_id.cx_whatsapp_user_id, conversation)
        for event in events:
            if conversation := by_user.get(event.get("user_id")):
                event["from"] = conversation.wa_id

    @api.model
    def _cx_number_changes(self, account, events):
        """``{old: new}``: the customers who changed their WhatsApp number
        (Meta's ``system`` messages). Each event says, as ``number_change``,
        whether its conversation can follow (``moved``) or another one with
        the new number exists (``taken``). One query when there are some."""
        changes = {}
        for event in events:
            new = event["type"] == "system" and (event["extra"] or {}).get("new_wa_id")
            if new and new != event["from"]:
                changes[event["from"]] = new
                event["number_change"] = "moved"
        if changes:
            taken = set(self.sudo().search([("account_id", "=", account.id), ("wa_id", "in", list(changes.values()))]).mapped("wa_id"))
            for event in events:
                if event.get("number_change") and event["extra"]["new_wa_id"] in taken:
                    event["number_change"] = "taken"
            changes = {old: new for old, new in changes.items() if new not in taken}
        return changes

    @api.model
    def _cx_apply_number_changes(self, account, moves):
        """``moves``: ``{old: (conversation, new)}``. The conversation takes
        the new number, and so does its customer when the old one was
        theirs."""
        for old, (conversation, new) in moves.items():
            conversation.sudo().wa_id = new
            partner = conversation.partner_id.sudo()
            if partner and partner.phone_sanitized == f"+{old}":
                partner.phone = f"+{new}"

    def _cx_referral_values(self, referral, at):
        return {
            "referral_headline": referral.get("headline") or False,
            "referral_body": referral.get("body") or False,
            "referral_source_type": referral.get("source_type") or False,
            "referral_source_id": referral.get("source_id") or False,
            "referral_source_url": referral.get("source_url") or False,
            "referral_media_url": referral.get("image_url") or referral.get("video_url") or False,
            "referral_ctwa_clid": referral.get("ctwa_clid") or False,
            "referral_at": at,
        }

    def _cx_lead_utm_values(self):
        """The lead's UTM source, medium and campaign from the ad the
        customer came from (found or created by name, as utm.mixin does):
        the platform of the ad's link, "Click-to-WhatsApp ad" (or post),
        the ad's headline (else its id)."""
        self.ensure_one()
        if not (self.referral_source_id or self.referral_source_url or self.referral_headline):
            return {}
        url = (self.referral_source_url or "").lower()
        platform = "Instagram" if "instagram." in url else "Facebook" if ("facebook." in url or "fb.me" in url) else "Meta"
        medium = "Click-to-WhatsApp post" if self.referral_source_type == "post" else "Click-to-WhatsApp ad"
        campaign = self.referral_headline or (f"Ad {self.referral_source_id}" if self.referral_source_id else False)
        Lead = self.env["crm.lead"].sudo()
        values = {
            "source_id": Lead._find_or_create_record("utm.source", platform).id,
            "medium_id": Lead._find_or_create_record("utm.medium", medium).id,
        }
        if campaign:
            values["campaign_id"] = Lead._find_or_create_record("utm.campaign", campaign).id
        return values

    def _cx_open_ticket(self):
        """Conversations starting (new, or their ticket closed): each joins
        its customer's open ticket, else opens one in the account's team when
        the account's rule says so. New tickets are created in one batch."""
        commercial_ids = self.partner_id.commercial_partner_id.ids
        open_tickets = {}
        if commercial_ids:
            for ticket in self.env["cx.ticket"].sudo().search(
                [("commercial_partner_id", "in", commercial_ids), ("is_closed", "=", False)], order="id desc"
            ):
                open_tickets.setdefault((ticket.commercial_partner_id.id, ticket.company_id.id), ticket)
        to_open = self.browse()
        for conversation in self:
            ticket = open_tickets.get((conversation.partner_id.commercial_partner_id.id, conversation.company_id.id))
            if ticket:
                conversation._cx_link_ticket(ticket)
                ticket.message_post(
                    body=Markup("{} <a href='/odoo/cx-whatsapp/{}'>{}</a>").format(
                        self.env._("The customer wrote on WhatsApp:"), conversation.id, conversation.name),
                    subtype_xmlid="mail.mt_note")
            elif conversation.account_id._cx_opens_ticket(conversation.last_inbound_at or fields.Datetime.now()):
                to_open |= conversation
        if to_open:
            tickets = self.env["cx.ticket"].sudo().create([conversation._cx_ticket_values(conversation.account_id.team_id)
                                                          for conversation in to_open])
            for conversation, ticket in zip(to_open, tickets, strict=True):
                conversation._cx_link_ticket(ticket)

    def _cx_link_ticket(self, ticket):
        # the ticket already told its agent: following the conversation is enough
        self.with_context(mail_auto_subscribe_no_notify=True).write(
            {"ticket_id": ticket.id, "team_id": ticket.team_id.id, "user_id": ticket.user_id.id or self.user_id.id})

    def _cx_ticket_values(self, team):
        if not team:
            raise UserError(self.env._("Give the WhatsApp account a default team, or join a team, to open a ticket."))
        first = self.cx_message_ids.filtered(lambda m: m.direction == "inbound").sorted("message_date")[:1]
        return {
            "name": (first.body or self.env._("WhatsApp from %s", self.partner_id.name or self.wa_id))[:120],
            "team_id": team.id,
            "partner_id": self.partner_id.id,
            "partner_phone": f"+{self.wa_id}",
            "channel": "whatsapp",
            "company_id": self.company_id.id,
            "description": Markup("<p>{} <a href='/odoo/cx-whatsapp/{}'>{}</a></p>").format(
                self.env._("Opened from the WhatsApp conversation"), self.id, self.name),
        }

    @api.model
    def _cx_post_inbound(self, posts):
        """The customers' messages in their conversations' chatters, by the
        customers, in one go: ``posts`` is a list of ``(conversation, event,
        partner)`` in time order. The conversation's followers are notified
        when it needs an answer: of the first message since the last answer
        (or read receipt), not of every line of a burst. Returns the chatter
        messages, in the order of ``posts``."""
        if not posts:
            return self.env["mail.message"]
        comment = self.env.ref("mail.mt_comment").id
        # cached ids: not a query per batch, as env.ref's existence check would be
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        odoobot = self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root")
        replied = {
            m.wamid: m.body for m in self.env["cx.whatsapp.message"].sudo().search(
                [("wamid", "in", [event["context_wamid"] for _c, event, _p in posts if event["context_wamid"]])])
        }
        conversations = self.union(*[conversation for conversation, _event, _partner in posts])
        reply_to = conversations._notify_get_reply_to(default=False)  # once per conversation, not per message
        values = []
        for conversation, event, partner in posts:
            # Meta's notices (a changed number) are notes of the system, not the customer's words
            system = event["type"] == "system"
            values.append({
                "reply_to": reply_to.get(conversation.id) or False,
                "model": self._name,
                "res_id": conversation.id,
                "body": _inbound_body(self.env, event, replied),
                "author_id": odoobot if system else partner.id or False,
                "email_from": False if partner or system else f"+{event['from']}",
                "message_type": "notification" if system else "comment",
                "subtype_id": note if system else comment,
                "date": event["at"] or fields.Datetime.now(),
                "record_company_id": conversation.company_id.id,
            })
        messages = self.sudo()._message_create(values)
        first_unread = {}
        for (conversation, event, _partner), message, value in zip(posts, messages, values, strict=True):
            answered = conversation.read_receipt_sent or not conversation.last_inbound_wamid
            if answered and conversation not in first_unread and event["type"] != "system":
                first_unread[conversation] = (message, value)
        for conversation, (message, value) in first_unread.items():
            # followers who want emails get them from the mail queue, not
            # while the webhook's batch waits
            conversation.with_context(cx_whatsapp_inbound=True)._notify_thread(message, value, force_send=False)
        return messages

    # ------------------------------------------------------------
    # Outbound: what agents send from the chatter
    # ------------------------------------------------------------

    def message_post(self, **kwargs):
        xmlid = kwargs.get("subtype_xmlid")
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(xmlid) if xmlid else kwargs.get("subtype_id")
        if self._cx_goes_to_whatsapp(kwargs.get("message_type", "notification"), subtype_id):
            self.ensure_one()
            if error := self._cx_window_error():
                raise UserError(error)
        return super().message_post(**kwargs)

    def _get_allowed_message_params(self):
        # the chatter's Reply (see static/src); checked to be of this thread by
        # mail.thread._message_compute_parent_id
        return super()._get_allowed_message_params() | {"parent_id"}

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """The customer gets WhatsApp, never the chatter's email (a mention
        of them in an answer would otherwise send it twice)."""
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        customers = set(self.partner_id.ids)
        return [recipient for recipient in recipients if recipient["id"] not in customers]

    def _cx_goes_to_whatsapp(self, message_type, subtype_id):
        """Agents' messages (*Send message*) go to WhatsApp; notes,
        notifications and the customer's own messages do not."""
        return (
            not self.env.context.get("cx_whatsapp_inbound")
            and message_type == "comment"
            and subtype_id == self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        )

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if self._cx_goes_to_whatsapp(msg_values.get("message_type"), msg_values.get("subtype_id")):
            self._cx_queue_from_chatter(message)
        return result

    def _cx_queue_from_chatter(self, message):
        """An agent's message: its text, then each attachment as media, queued
        for sending (replying to the customer's message it answers)."""
        self.ensure_one()
        Message = self.env["cx.whatsapp.message"].sudo()
        reply_to = False
        if message.parent_id:
            reply_to = Message.search([("mail_message_id", "=", message.parent_id.id), ("direction", "=", "inbound")],
                                      limit=1).wamid
        values = []
        text = html2plaintext(message.body or "").strip()
        if text:
            values.append({"message_type": "text", "body": text})
        for attachment in message.attachment_ids:
            values.append({"message_type": _media_type(attachment.mimetype), "attachment_id": attachment.id,
                           "body": attachment.name})
        if not values:
            return Message
        if len(text) > 4096:
            raise UserError(self.env._("WhatsApp messages are at most 4,096 characters (this one has %s).", len(text)))
        queued = Message.create([
            dict(value, account_id=self.account_id.id, conversation_id=self.id, direction="outbound",
                 partner_id=self.partner_id.id, wa_id=self.wa_id, status="queued", mail_message_id=message.id,
                 context_wamid=reply_to, user_id=self.env.user.id)
            for value in values
        ])
        self.last_message_at = fields.Datetime.now()
        self.env.ref("cx_whatsapp.ir_cron_send_messages")._trigger()
        return queued

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_create_ticket(self):
        """A ticket of the conversation's team for the customer, linked."""
        self.ensure_one()
        if not self.ticket_id:
            team = self.team_id or self.account_id.team_id or self.env.user.cx_team_ids[:1]
            self._cx_link_ticket(self.env["cx.ticket"].sudo().create(self._cx_ticket_values(team)))
        return self.ticket_id._get_records_action()

    def action_create_lead(self):
        """A lead for the sales team from this conversation."""
        self.ensure_one()
        self.check_access("write")
        conversation = self.sudo()
        if not conversation.lead_id:
            can_create = self.env["crm.lead"].has_access("create")
            Lead = self.env["crm.lead"] if can_create else self.env["crm.lead"].sudo()
            transcript = "\n".join(
                f"{'>' if m.direction == 'inbound' else '<'} {m.body or ''}"
                for m in conversation.cx_message_ids.sorted("message_date")[-20:]
            )
            conversation.lead_id = Lead.create({
                "name": self.env._("WhatsApp from %s", conversation.partner_id.name or f"+{conversation.wa_id}"),
                "partner_id": conversation.partner_id.id,
                "phone": f"+{conversation.wa_id}",
                "description": Markup("<pre>{}</pre>").format(transcript) + conversation._cx_referral_html(),
                "user_id": self.env.uid if can_create else False,
                **conversation._cx_lead_utm_values(),
            })
            self.message_post(body=self.env._("Lead “%s” handed to sales.", conversation.lead_id.name))
        lead = conversation.lead_id
        if lead.with_env(self.env).has_access("read"):
            return lead.with_env(self.env)._get_records_action()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "sticky": False,
                       "message": self.env._("Lead “%s” is with the sales team.", lead.name)},
        }

    def _cx_referral_html(self):
        self.ensure_one()
        if not (self.referral_headline or self.referral_source_url or self.referral_source_id):
            return Markup()
        return Markup("<p>{}</p>").format(_referral_line(self.env, {
            "headline": self.referral_headline, "source_url": self.referral_source_url,
            "source_type": self.referral_source_type, "source_id": self.referral_source_id,
            "ctwa_clid": self.referral_ctwa_clid}))

    def action_mark_read(self):
        """Tell the customer their last message was read (blue ticks)."""
        for conversation in self.filtered(lambda c: c.last_inbound_wamid and not c.read_receipt_sent):
            try:
                conversation._cx_send_read_receipt()
            except GraphError as error:
                raise UserError(self.env._("Meta refused the read receipt: %s", error)) from error
        return True

    def _cx_send_read_receipt(self):
        self.ensure_one()
        account = self.account_id.sudo()
        account._cx_graph_call("POST", f"{account.phone_number_id}/messages", {
            "messaging_product": "whatsapp", "status": "read", "message_id": self.last_inbound_wamid})
        self.sudo().read_receipt_sent = True


def _inbound_body(env, event, replied):
    """What the chatter shows of a customer's message (``replied``: the text
    of the messages replied to, by id)."""
    kind = event["type"]
    extra = event["extra"] or {}
    if kind == "reaction":
        body = Markup(escape(env._("reacted %s", event["body"] or "")))
    elif kind == "contacts":
        body = _contacts_body(env, extra.get("contacts") or [])
    elif kind == "order":
        body = _order_body(env, event)
    elif kind == "system":
        body = _system_body(env, event)
    elif kind == "interactive" and extra.get("reply_type") == "nfm_reply":
        body = _flow_body(env, event)
    elif kind == "unsupported" or kind not in KNOWN_TYPES:
        body = _unsupported_body(env, event)
    else:
        body = Markup("{icon} {text}").format(icon=TYPE_LABELS.get(kind, ""), text=event["body"] or "").strip()
    if event.get("referral"):
        body = Markup("{}<br/>{}").format(_referral_line(env, event["referral"]), body)
    if event["context_wamid"] and event["context_wamid"] in replied:
        # not a <blockquote>: the chatter folds those away as quoted emails
        quote = (replied[event["context_wamid"]] or "")[:80]
        body = Markup('<span class="text-muted">↩ {}</span><br/>{}').format(quote, body)
    return body


def _contacts_body(env, contacts):
    lines = []
    for contact in contacts:
        details = [phone.get("phone") or f"+{phone.get('wa_id')}" for phone in contact.get("phones") or []
                   if phone.get("phone") or phone.get("wa_id")]
        details += [email["email"] for email in contact.get("emails") or []]
        organisation = " - ".join(part for part in (contact.get("company"), contact.get("title")) if part)
        lines.append(Markup("👤 <b>{name}</b>{org}{details}").format(
            name=contact.get("name") or env._("Contact"),
            org=Markup(" · {}").format(organisation) if organisation else "",
            details=Markup("<br/>{}").format(", ".join(details)) if details else "",
        ))
    return Markup("<br/>").join(lines) if lines else Markup(escape(env._("👤 A contact card with nothing in it")))


def _amount(value):
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _order_body(env, event):
    extra = event["extra"] or {}
    items = extra.get("items") or []
    totals = {}
    lines = []
    for item in items:
        quantity, price = _amount(item.get("quantity")), _amount(item.get("item_price"))
        currency = item.get("currency") or ""
        totals[currency] = totals.get(currency, 0.0) + quantity * price
        lines.append(Markup("<li>{quantity:g} × {product} — {price:g} {currency}</li>").format(
            quantity=quantity, product=item.get("product_retailer_id") or "?", price=price, currency=currency))
    total = ", ".join(f"{amount:g} {currency}".strip() for currency, amount in totals.items())
    head = env._("🛒 Order from catalog %(catalog)s, total %(total)s", catalog=extra.get("catalog_id") or "?",
                 total=total or "0")
    body = Markup("{}<ul>{}</ul>").format(head, Markup().join(lines))
    if event["body"]:
        body += Markup("{}").format(event["body"])
    return body


def _system_body(env, event):
    extra = event["extra"] or {}
    change = event.get("number_change")
    if change == "moved":
        text = env._("The customer changed their WhatsApp number from +%(old)s to +%(new)s: this conversation "
                     "and the customer's number follow.", old=event["from"], new=extra["new_wa_id"])
    elif change == "taken":
        text = env._("The customer changed their WhatsApp number from +%(old)s to +%(new)s, which has a "
                     "conversation of its own: continue there.", old=event["from"], new=extra["new_wa_id"])
    elif extra.get("system_type") == "user_identity_changed":
        text = env._("The customer's WhatsApp identity changed (a new phone, or WhatsApp installed again): make "
                     "sure you talk to the same person before sharing personal details.")
    else:
        text = env._("WhatsApp notice: %s", extra.get("system_type") or "?")
    if event["body"]:
        return Markup("ℹ {}<br/><i>{}</i>").format(text, event["body"])
    return Markup("ℹ {}").format(text)


def _flow_body(env, event):
    extra = event["extra"] or {}
    answers = {key: value for key, value in (extra.get("flow_response") or {}).items() if key != "flow_token"}
    lines = Markup().join(
        Markup("<li>{}: {}</li>").format(
            key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in answers.items()
    )
    head = env._("📝 Form “%s” answered", extra.get("flow_name") or event["body"] or "?")
    return Markup("{}<ul>{}</ul>").format(head, lines) if lines else Markup("{}").format(head)


def _unsupported_body(env, event):
    errors = (event["extra"] or {}).get("errors") or []
    if errors:
        error = errors[0]
        return Markup("⚠ {}").format(env._(
            "WhatsApp could not pass this message on (Meta error %(code)s: %(title)s). What Meta sent is kept on "
            "the message.", code=error.get("code") or "?", title=error.get("title") or error.get("message") or "?"))
    return Markup("⚠ {}").format(env._(
        "A message of a type Odoo does not show yet (%s). What Meta sent is kept on the message.",
        event["type"] or "?"))


def _referral_line(env, referral):
    what = env._("a post") if referral.get("source_type") == "post" else env._("an ad")
    title = referral.get("headline") or referral.get("source_id") or referral.get("source_url") or "?"
    line = Markup("📣 {}").format(env._("Came from %(what)s: “%(title)s”", what=what, title=title))
    if (url := referral.get("source_url") or "").startswith(("https://", "http://")):
        line += Markup(' <a href="{}" target="_blank" rel="noopener noreferrer">{}</a>').format(url, url)
    return line


def _media_type(mimetype):
    mimetype = mimetype or ""
    if mimetype == "image/webp":
        return "sticker"
    for kind in ("image", "video", "audio"):
        if mimetype.startswith(f"{kind}/"):
            return kind
    return "document"
