from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import html2plaintext


class CxLivechatSession(models.Model):
    """A website live chat (a ``discuss.channel`` of type livechat) as a
    helpdesk channel: it implements the channel contract
    (``cx.channel.mixin``) and nothing else.

    A record of its own, one per chat, rather than the mixin on
    ``discuss.channel``: that model holds every discussion of the database
    (direct messages, groups, meetings, chats), and the contract's stored
    fields (customer, company, team, agent, ticket, direction, times) would
    be columns of all of them, with names (``partner_id``, ``user_id``,
    ``team_id``) that mean nothing there or clash with what other addons add
    to it. Its access is also not ours: channel members see a channel,
    where the helpdesk's rules (own, team, all) decide who sees a chat. The
    session carries the contract and the helpdesk rules; the chat itself
    stays im_livechat's (its messages, operators, chatbot, ratings).

    A session is created with the chat's first message (im_livechat drops
    chats nobody wrote in): the customer's messages open or join their
    ticket when the live chat channel has a helpdesk team and no chatbot is
    talking (a chatbot's "Create Ticket" step does it then, with the
    customer's answer as the subject); the operator's answers meet the
    ticket's first response."""

    _name = "cx.livechat.session"
    _description = "Live Chat Session"
    _inherit = ["cx.channel.mixin"]
    _order = "start_time desc, id desc"
    _cx_channel = "chat"
    _cx_work_fields = frozenset({"last_customer_message_at", "last_answer_at", "user_id", "team_id", "ticket_id"})

    channel_id = fields.Many2one("discuss.channel", string="Chat", required=True, readonly=True,
                                 ondelete="cascade", index=True)
    name = fields.Char(related="channel_id.name")
    livechat_channel_id = fields.Many2one(related="channel_id.livechat_channel_id", string="Live Chat Channel")
    subject = fields.Char(help="What the customer said the chat is about (a chatbot's question): the ticket's subject.")
    end_time = fields.Datetime(related="channel_id.livechat_end_dt", store=True)
    last_customer_message_at = fields.Datetime(string="Customer's Last Message", readonly=True)
    last_answer_at = fields.Datetime(
        string="Answered On", readonly=True, help="The operator's answer to the customer's last message; empty while it awaits one.")
    # the sales side: operators hand leads over without reading the pipeline
    lead_id = fields.Many2one("crm.lead", string="Lead", index="btree_not_null", readonly=True, copy=False,
                              groups="sales_team.group_sale_salesman")
    has_lead = fields.Boolean(compute="_compute_has_lead")

    _channel_unique = models.Constraint("UNIQUE(channel_id)", "A chat has one session.")
    # "My work" (cx.work.item): the open chats awaiting an answer, the longest
    # waiting first, all or an agent's, and an item found again by its id
    _work_deadline_idx = models.Index(
        "(last_customer_message_at) WHERE end_time IS NULL AND last_customer_message_at IS NOT NULL "
        "AND last_answer_at IS NULL")
    _work_user_deadline_idx = models.Index(
        "(user_id, last_customer_message_at) WHERE end_time IS NULL AND last_customer_message_at IS NOT NULL "
        "AND last_answer_at IS NULL")
    _work_item_idx = models.Index(
        "((id * 16 + 4)) WHERE end_time IS NULL AND last_customer_message_at IS NOT NULL "
        "AND last_answer_at IS NULL")

    def _compute_has_lead(self):
        for session in self:
            session.has_lead = bool(session.sudo().lead_id)

    # ------------------------------------------------------------
    # CHANNEL CONTRACT (cx.channel.mixin)
    # ------------------------------------------------------------

    def _cx_customer_phone(self):
        self.ensure_one()
        return self.partner_id.phone_sanitized or self.partner_id.phone or False

    def _cx_default_team(self):
        self.ensure_one()
        return self.team_id or self.livechat_channel_id.cx_team_id or self.env.user.cx_team_ids[:1]

    def _cx_no_team_message(self):
        return self.env._("Give the live chat channel a helpdesk team, or join a team, to open a ticket.")

    def _cx_opens_ticket(self):
        self.ensure_one()
        return bool(self.team_id or self.livechat_channel_id.cx_team_id)

    def _cx_ticket_name(self):
        self.ensure_one()
        if self.subject:
            return self.subject
        first = self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", self.channel_id.id), ("message_type", "=", "comment"),
             ("author_id", "not in", self._cx_staff_partners().ids)], order="id", limit=1)
        return html2plaintext(first.body or "").strip() or self.env._("Chat with %s", self._cx_customer_label())

    def _cx_ticket_description(self):
        self.ensure_one()
        return Markup("<p>{} {}</p>").format(self.env._("Opened from the live chat:"), self.channel_id.name or "")

    def _cx_lead_values(self):
        self.ensure_one()
        return {"name": self._cx_ticket_name(), "description": self._cx_ticket_description()}

    def _cx_staff_partners(self):
        """The operators and bots of the chat (the others are the customer)."""
        self.ensure_one()
        history = self.channel_id.sudo().livechat_channel_member_history_ids
        return history.filtered(lambda h: h.livechat_member_type in ("agent", "bot")).partner_id

    # ------------------------------------------------------------
    # BUSINESS: the chat's messages
    # ------------------------------------------------------------

    @api.model
    def _cx_for_channels(self, channels):
        """The sessions of the live chats ``channels``, created when new
        (with the chat's customer, operator, team and company). Two queries
        plus the creation."""
        Session = self.sudo()
        existing = {session.channel_id: session for session in Session.search([("channel_id", "in", channels.ids)])}
        new_values = []
        for channel in channels.sudo():
            if channel in existing:
                continue
            visitor = channel.livechat_channel_member_history_ids.filtered(
                lambda h: h.livechat_member_type == "visitor")[:1]
            operator = channel.livechat_operator_id.user_ids.filtered(lambda u: not u.share)[:1]
            team = channel.livechat_channel_id.cx_team_id
            new_values.append({
                "channel_id": channel.id,
                "partner_id": visitor.partner_id.id,
                "user_id": operator.id,
                "team_id": team.id,
                "company_id": (team.company_id or self.env.company).id,
                "start_time": channel.create_date or fields.Datetime.now(),
            })
        for session in Session.create(new_values):
            existing[session.channel_id] = session
        return self.browse([existing[channel].id for channel in channels])

    def _cx_on_message(self, message):
        """A message of the chat: the operator's answer meets the ticket's
        first response (a ticket opened or joined first); the customer's
        opens or joins their ticket, else is a customer message on it. The
        chatbot's messages are neither."""
        self.ensure_one()
        member = self.channel_id.sudo().livechat_channel_member_history_ids.filtered(
            lambda h: (h.partner_id == message.author_id) if message.author_id else (h.guest_id == message.author_guest_id))[:1]
        kind = member.livechat_member_type
        at = message.date or fields.Datetime.now()
        if kind == "agent":
            if not self.user_id and (user := member.partner_id.user_ids.filtered(lambda u: not u.share)[:1]):
                self.user_id = user
            self._cx_current_ticket()
            self.last_answer_at = at
            self._cx_answered(at)
        elif kind == "visitor":
            values = {"last_customer_message_at": at, "last_answer_at": False}  # awaiting an answer again
            if not self.partner_id and member.partner_id:
                values["partner_id"] = member.partner_id.id
            self.write(values)
            if self.ticket_id and not self.ticket_id.is_closed:
                self._cx_customer_wrote(at)
            elif not self._cx_bot_talking():
                self._cx_current_ticket()

    def _cx_current_ticket(self):
        """The session's open ticket, joined or opened when it has none."""
        self.ensure_one()
        if not self.ticket_id or self.ticket_id.is_closed:
            self._cx_open_or_join_tickets()
        return self.ticket_id if not self.ticket_id.is_closed else self.ticket_id.browse()

    def _cx_bot_talking(self):
        """A chatbot runs the chat and no operator joined yet."""
        self.ensure_one()
        channel = self.channel_id.sudo()
        return bool(channel.chatbot_current_step_id and not channel.livechat_agent_history_ids)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_chat(self):
        """The chat, as im_livechat's session history shows it."""
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "discuss.channel", "res_id": self.channel_id.id,
                "view_mode": "form", "views": [(self.env.ref("im_livechat.discuss_channel_view_form").id, "form")]}
