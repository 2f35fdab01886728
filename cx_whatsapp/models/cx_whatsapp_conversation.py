import json
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html2plaintext

from odoo.addons.cx_helpdesk.tools.phone import international_e164
from odoo.addons.cx_whatsapp.tools.graph import GraphError

WINDOW = timedelta(hours=24)
# a conversation answered and quiet for this long is idle: it no longer counts
# toward its agent's limit, and the customer's next message starts it again
IDLE_AFTER = timedelta(hours=1)
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
    _inherit = ["mail.thread.phone", "mail.activity.mixin", "cx.channel.mixin"]
    _order = "last_message_at desc, id desc"
    _cx_channel = "whatsapp"
    _cx_work_fields = frozenset({"last_inbound_at", "last_message_at", "user_id", "team_id", "ticket_id", "partner_id"})
    # a message answers another only when the agent says so (the chatter's
    # Reply): it becomes a WhatsApp reply quoting it
    _mail_flat_thread = False

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one("cx.whatsapp.account", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, tracking=True)
    wa_id = fields.Char(string="WhatsApp Number", required=True, readonly=True,
                        help="The customer's number as WhatsApp gives it (international, without +).")
    # the number in E.164: the blacklist (phone.blacklist), the contact
    # lookups and the tickets and leads made from the conversation use it
    phone = fields.Char(string="Phone", compute="_compute_phone", store=True, precompute=True, readonly=True)
    # written with the conversation, not in a second query per batch
    phone_sanitized = fields.Char(compute="_compute_phone_sanitized", store=True, precompute=True)
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
    last_answer_at = fields.Datetime(string="Agent's Last Answer", readonly=True)
    window_expires_at = fields.Datetime(string="Window Closes", compute="_compute_window", store=True)
    window_open = fields.Boolean(string="Window Open", compute="_compute_window_open",
                                 search="_search_window_open")
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
    away_sent_at = fields.Datetime(string="Away Message Sent On", readonly=True,
                                   help="Once per closed period of the team: again after it was open.")

    _account_wa_id_unique = models.Constraint("UNIQUE(account_id, wa_id)", "One conversation per customer and number.")
    # "My work" (cx.work.item): the conversations awaiting an answer in
    # deadline order, all or an agent's, and an item found again by its id
    _work_deadline_idx = models.Index("(window_expires_at) WHERE last_message_at <= last_inbound_at")
    _work_user_deadline_idx = models.Index("(user_id, window_expires_at) WHERE last_message_at <= last_inbound_at")
    _work_item_idx = models.Index("((id * 16 + 2)) WHERE last_message_at <= last_inbound_at")

    @api.depends("wa_id")
    def _compute_phone(self):
        for conversation in self:
            conversation.phone = international_e164(conversation.wa_id) or False

    @api.depends("partner_id.name", "phone", "account_id.name")
    def _compute_name(self):
        for conversation in self:
            who = conversation.partner_id.name or conversation.phone or conversation.wa_id
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

    def _phone_get_number_fields(self):
        return ["phone"]

    def _phone_get_country(self):
        # the number is international: no country reads it, and the
        # customer's is not fetched for that on every inbound batch
        return {}

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

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

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

    # ------------------------------------------------------------
    # BUSINESS: inbound
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
        for conversation, new in moves.values():
            old_phone = conversation.phone
            conversation.sudo().wa_id = new
            partner = conversation.partner_id.sudo()
            if partner and partner.phone_sanitized == old_phone:
                partner.phone = conversation.phone

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

    # ------------------------------------------------------------
    # CHANNEL CONTRACT (cx.channel.mixin): the actions are the mixin's
    # ------------------------------------------------------------

    @api.model
    def _cx_customer_phone_fields(self):
        return ["phone"]

    def _cx_default_team(self):
        self.ensure_one()
        return self.team_id or self.account_id.team_id or self.env.user.cx_team_ids[:1]

    def _cx_no_team_message(self):
        return self.env._("Give the WhatsApp account a default team, or join a team, to open a ticket.")

    def _cx_opens_ticket(self):
        self.ensure_one()
        return self.account_id._cx_opens_ticket(self.last_inbound_at or fields.Datetime.now())

    def _cx_link_values(self, ticket):
        return {"ticket_id": ticket.id, "team_id": ticket.team_id.id, "user_id": ticket.user_id.id or self.user_id.id}

    def _cx_ticket_name(self):
        self.ensure_one()
        first = self.cx_message_ids.filtered(lambda m: m.direction == "inbound").sorted("message_date")[:1]
        return first.body or self.env._("WhatsApp from %s", self.partner_id.name or self.phone)

    def _cx_ticket_description(self):
        self.ensure_one()
        return Markup("<p>{} <a href='/odoo/cx-whatsapp/{}'>{}</a></p>").format(
            self.env._("Opened from the WhatsApp conversation"), self.id, self.name)

    def _cx_lead_values(self):
        self.ensure_one()
        transcript = "\n".join(
            f"{'>' if m.direction == 'inbound' else '<'} {m.body or ''}"
            for m in self.cx_message_ids.sorted("message_date")[-20:]
        )
        utm = self._cx_lead_utm_values()
        return {
            "name": self.env._("WhatsApp from %s", self.partner_id.name or self.phone),
            "description": Markup("<pre>{}</pre>").format(transcript) + self._cx_referral_html(),
            # the ad brought the customer: its UTM and the report's "ad referral"
            **utm,
            **({"cx_source_channel": "ad"} if utm else {}),
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
                "email_from": False if partner or system else conversation.phone,
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
    # BUSINESS: routing, conversations assigned to agents
    # ------------------------------------------------------------

    def _cx_is_open(self, now):
        """Open (it counts toward its agent's limit of open conversations):
        the customer wrote in the last 24 hours and awaits an answer, or a
        message went either way less than an hour ago. Idle otherwise."""
        self.ensure_one()
        return bool(
            self.window_expires_at and self.window_expires_at > now
            and (self._cx_awaits_answer() or (self.last_message_at and self.last_message_at > now - IDLE_AFTER))
        )

    def _cx_awaits_answer(self):
        self.ensure_one()
        return bool(self.last_inbound_at and (not self.last_answer_at or self.last_inbound_at > self.last_answer_at))

    @api.model
    def _cx_open_counts(self, agents, exclude=()):
        """``{user id: open conversations}`` of ``agents`` (as
        :meth:`_cx_is_open` says), without those of ``exclude``. One query."""
        self.flush_model(["user_id", "window_expires_at", "last_inbound_at", "last_answer_at", "last_message_at"])
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """SELECT user_id, count(*) FROM cx_whatsapp_conversation
                WHERE user_id = ANY(%(agents)s) AND NOT id = ANY(%(exclude)s) AND window_expires_at > %(now)s
                  AND (last_answer_at IS NULL OR last_inbound_at > last_answer_at OR last_message_at > %(idle)s)
             GROUP BY user_id""",
            agents=agents.ids, exclude=list(exclude), now=now, idle=now - IDLE_AFTER,
        ))
        return dict(self.env.cr.fetchall())

    def _cx_route(self):
        """Give these conversations (starting, or waiting for an agent) an
        agent by their team's routing (its method, busy agents skipped when
        the team says so, the agents' limit of open conversations): their
        agent again when they can take it, else the one routing picks, else
        none (the conversation waits; see ``cx.team._cx_offer_waiting``).
        Teams assigning by hand keep the agent they chose. A ticket of the
        conversation without an agent gets the same one. A few queries per
        team, whatever the number of conversations."""
        for team, conversations in self.grouped("team_id").items():
            if not team or team.assignment_method == "manual":
                continue
            assignment = team._cx_route_items(
                conversations, "cx_conversation_capacity",
                lambda agents, conversations=conversations: self._cx_open_counts(agents, conversations.ids),
                lambda agent, conversation: 0 if agent._cx_speaks(conversation.partner_id.lang) else None,
                preferred=lambda conversation: conversation.user_id,
            )
            by_agent = {}
            for conversation in conversations:
                by_agent.setdefault(assignment.get(conversation, self.env["res.users"]), []).append(conversation.id)
            for agent, ids in by_agent.items():
                routed = self.browse(ids).filtered(lambda c, agent=agent: c.user_id != agent)
                # the system assigns; the agent finds it in their inbox, as with tickets
                routed.sudo().with_context(mail_auto_subscribe_no_notify=True).write({"user_id": agent.id})
                if agent and (tickets := routed.ticket_id.filtered(lambda t: not t.user_id and not t.is_closed)):
                    tickets.sudo().with_context(mail_auto_subscribe_no_notify=True).write({"user_id": agent.id})

    # ------------------------------------------------------------
    # BUSINESS: the away message, outside the team's business hours
    # ------------------------------------------------------------

    def _cx_send_away_messages(self):
        """The account's away message to the customers who just wrote while
        their conversation's team is closed (its working hours say so), once
        per closed period: again only when the team was open since the last
        one. In the customer's language (the message is translatable: an
        Arabic-speaking customer gets the Arabic text), inside the 24-hour
        window, through the sending queue as agents' messages go. It is not
        an answer: the conversation still awaits its agent. Per batch: the
        team's calendar once, the chatter messages and the queued messages
        in one create each."""
        todo = self.filtered(lambda c: c.account_id.away_message_enabled and c.window_open and c.last_inbound_at)
        due = self.browse()
        for team, conversations in todo.grouped(lambda c: c.team_id or c.account_id.team_id).items():
            if not team.resource_calendar_id:
                continue  # no business hours: never closed
            last = max(conversations.mapped("last_inbound_at"))
            first = min(conversations.mapped("last_inbound_at"))
            # a month closed counts as a new period (and bounds the calendar read)
            horizon = first - timedelta(days=30)
            sent = [c.away_sent_at for c in conversations if c.away_sent_at and c.away_sent_at > horizon]
            start = min([first, *sent])
            schedule = team._cx_schedule(start - timedelta(minutes=1), last + timedelta(minutes=2))
            for conversation in conversations:
                at = conversation.last_inbound_at
                if schedule.between(at, at + timedelta(minutes=1)):
                    continue  # open
                since = conversation.away_sent_at
                if since and since > horizon and (since >= at or not schedule.between(since, at)):
                    continue  # already told in this closed period
                due |= conversation
        if not due:
            return
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        odoobot = self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root")
        texts = {}
        for (account, lang), conversations in due.grouped(lambda c: (c.account_id, c.partner_id.lang or False)).items():
            text = account.with_context(lang=lang).away_message if lang else account.away_message
            texts.update(dict.fromkeys(conversations, (text or "").strip()))
        due = due.filtered(lambda c: texts[c])
        reply_to = due._notify_get_reply_to(default=False)  # once for the batch, not per message
        posted = self.sudo()._message_create([{
            "model": self._name, "res_id": conversation.id, "body": Markup("<p>{}</p>").format(texts[conversation]),
            "author_id": odoobot, "message_type": "comment", "subtype_id": comment,
            "record_company_id": conversation.company_id.id, "reply_to": reply_to.get(conversation.id) or False,
        } for conversation in due])
        self.env["cx.whatsapp.message"].sudo().create([{
            "account_id": conversation.account_id.id, "conversation_id": conversation.id, "direction": "outbound",
            "partner_id": conversation.partner_id.id, "wa_id": conversation.wa_id, "status": "queued",
            "message_type": "text", "body": texts[conversation], "mail_message_id": message.id, "automatic": True,
        } for conversation, message in zip(due, posted, strict=True)])
        due.away_sent_at = fields.Datetime.now()  # one value: one UPDATE for the batch
        if due:
            self.env.ref("cx_whatsapp.ir_cron_send_messages")._trigger()

    # ------------------------------------------------------------
    # MAIL: what agents send from the chatter
    # ------------------------------------------------------------

    def message_post(self, **kwargs):
        xmlid = kwargs.get("subtype_xmlid")
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(xmlid) if xmlid else kwargs.get("subtype_id")
        if self._cx_goes_to_whatsapp(kwargs.get("message_type", "notification"), subtype_id):
            self.ensure_one()
            if error := self._cx_window_error() or self._cx_answered_since(self.env.context.get("cx_whatsapp_seen_message_id")):
                raise UserError(error)
        return super().message_post(**kwargs)

    def _cx_answered_since(self, seen_message_id):
        """Why the current agent should not send yet, or None: another agent
        answered the customer after ``seen_message_id``, the last chatter
        message the agent's screen showed (the web client passes it in the
        context, see static/src/seen_message.js). Two agents sending at the
        same moment both write the conversation's row (last_message_at): the
        second transaction fails to serialize, is retried, and then sees the
        first answer. One query."""
        self.ensure_one()
        if not isinstance(seen_message_id, int) or isinstance(seen_message_id, bool):
            return None
        answer = self.env["cx.whatsapp.message"].sudo().search(
            [("conversation_id", "=", self.id), ("direction", "=", "outbound"), ("mail_message_id", ">", seen_message_id),
             ("user_id", "!=", False), ("user_id", "!=", self.env.uid)],
            order="mail_message_id desc", limit=1,
        )
        if not answer:
            return None
        seconds = max(int((fields.Datetime.now() - answer.mail_message_id.date).total_seconds()), 0)
        return self.env._(
            "%(agent)s answered this customer %(seconds)s seconds ago: read their answer, then send yours again "
            "(your draft is kept).",
            agent=answer.user_id.name, seconds=seconds,
        )

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
        self.last_message_at = self.last_answer_at = fields.Datetime.now()
        # the agent answered when they posted, as an email reply counts when
        # written, not when the queue delivers it
        self._cx_answered(message.date or fields.Datetime.now())
        self.env.ref("cx_whatsapp.ir_cron_send_messages")._trigger()
        return queued


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
        details = [number for phone in contact.get("phones") or []
                   if (number := phone.get("phone") or international_e164(phone.get("wa_id")))]
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
