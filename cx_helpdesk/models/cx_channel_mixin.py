from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from odoo.addons.cx_helpdesk.models.cx_constants import TICKET_CHANNELS


class CxChannelMixin(models.AbstractModel):
    """The channel contract: what every channel record (a phone call, a
    WhatsApp conversation, a live chat...) is to the helpdesk, and the
    actions an agent takes from it, written once here.

    A channel record is one exchange of a customer with the company on one
    channel. Inheriting this mixin, it has:

    - ``partner_id`` (the customer) and ``commercial_partner_id`` (their
      company, stored: a customer's history is their company's), and
      ``company_id``, ``team_id``, ``user_id`` (the agent), ``ticket_id``
      (the ticket it belongs to), ``direction`` (who started it: the
      customer, inbound, or the company, outbound), ``start_time`` and
      ``end_time``, ``first_answer_date`` (the first answer of an agent to
      the customer on it). A model may redefine any of these (as a related
      field, a wider selection...) as long as the name and meaning stay.
    - ``cx_channel``: the channel key, one of the ticket's ``channel``
      values, given by the class attribute ``_cx_channel`` ("phone",
      "whatsapp", "chat"). E-mail and portal tickets are the "email" and
      "portal"/"web_form" channels of the ticket itself: they need no
      record of their own.

    Hooks a channel overrides (each has a working default):

    - ``_cx_customer_phone_fields()``: the fields holding the customer's
      number, best first (``mail.thread.phone``'s habit);
      ``_cx_customer_phone()`` returns the first one set.
    - ``_cx_default_team()``: the team a new ticket goes to;
      ``_cx_no_team_message()``: what the agent is told when there is none.
    - ``_cx_ticket_values(team)``: the values of the ticket opened from the
      record (subject ``_cx_ticket_name()``, description
      ``_cx_ticket_description()``).
    - ``_cx_link_values(ticket)``: what linking the record to a ticket
      writes on the record (at least ``ticket_id``).
    - ``_cx_opens_ticket()``: whether a record that starts without an open
      ticket of its customer opens one (``_cx_open_or_join_tickets``).
    - ``_cx_lead_values()``: the lead's own values for "hand over to
      sales" (only models with a ``lead_id`` to ``crm.lead`` hand over).
    - ``_cx_log(body)``: an internal note on the record (its chatter, else
      its ticket's).

    Written once here: ``action_create_ticket`` (new ticket from this
    contact), ``action_link_ticket`` (link to a ticket),
    ``action_create_lead`` (hand over to sales), ``action_escalate``,
    ``action_open_ticket``; ``_cx_open_or_join_tickets`` (a record joins
    its customer's open ticket, else opens one: in one batch);
    ``_cx_answered`` and ``_cx_customer_wrote`` (what a channel calls when
    an agent answers or the customer writes: the record's first answer,
    the ticket's clock); and the agents' notifications: the toast an action
    returns (``_cx_notification``) and the live one the ticket's agent gets
    when its customer gets in touch on a channel
    (``_cx_notify_ticket_agent``)."""

    _name = "cx.channel.mixin"
    _description = "Customer Channel"
    # the ticket channel key of the records (TICKET_CHANNELS)
    _cx_channel = "other"
    # the fields whose change moves a record in or out of someone's "My work"
    # (cx.work.item), for a channel that has a part there
    _cx_work_fields = frozenset()

    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null")
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer's Company", related="partner_id.commercial_partner_id", store=True,
        index="btree_not_null")
    company_id = fields.Many2one("res.company", string="Company", index=True)
    team_id = fields.Many2one("cx.team", string="Team", index="btree_not_null")
    user_id = fields.Many2one("res.users", string="Agent", index="btree_not_null")
    ticket_id = fields.Many2one("cx.ticket", string="Ticket", index="btree_not_null")
    cx_channel = fields.Selection(TICKET_CHANNELS, string="Channel", compute="_compute_cx_channel",
                                  search="_search_cx_channel")
    direction = fields.Selection([("inbound", "Inbound"), ("outbound", "Outbound")], default="inbound", required=True)
    start_time = fields.Datetime(string="Started", default=fields.Datetime.now)
    end_time = fields.Datetime(string="Ended")
    first_answer_date = fields.Datetime(string="First Answer", readonly=True,
                                        help="When an agent first answered the customer on this channel.")

    def _compute_cx_channel(self):
        for record in self:
            record.cx_channel = record._cx_channel

    def _search_cx_channel(self, operator, value):
        values = {value} if isinstance(value, str) else set(value or ())
        if operator in ("=", "in"):
            return Domain.TRUE if self._cx_channel in values else Domain.FALSE
        if operator in ("!=", "not in"):
            return Domain.FALSE if self._cx_channel in values else Domain.TRUE
        raise UserError(self.env._("Unsupported search on the channel."))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def write(self, vals):
        # "My work" of the agents and teams before and after: a customer's
        # message, an answer, an assignment (told once, at the commit)
        before = (self.user_id, self.team_id) if self._cx_work_fields & vals.keys() else None
        result = super().write(vals)
        if before:
            self.env["cx.work.item"]._cx_work_notify(
                before[0] | self.user_id, before[1] | self.team_id, self._name, self.ids)
        return result

    # ------------------------------------------------------------
    # HOOKS: what a channel says about itself
    # ------------------------------------------------------------

    @api.model
    def _cx_customer_phone_fields(self):
        """The fields that hold the customer's number, best first."""
        return []

    def _cx_customer_phone(self):
        """The customer's number on this record (E.164 when known), or False."""
        self.ensure_one()
        for fname in self._cx_customer_phone_fields():
            if self[fname]:
                return self[fname]
        return False

    def _cx_channel_label(self):
        self.ensure_one()
        return dict(self._fields["cx_channel"]._description_selection(self.env)).get(self._cx_channel)

    def _cx_customer_label(self):
        """Who the customer is, for subjects and notes."""
        self.ensure_one()
        return self.partner_id.name or self._cx_customer_phone() or self.env._("unknown customer")

    def _cx_default_team(self):
        self.ensure_one()
        return self.team_id or self.env.user.cx_team_ids[:1]

    def _cx_no_team_message(self):
        return self.env._("Give this contact a team, or join a team, to open a ticket.")

    def _cx_ticket_name(self):
        self.ensure_one()
        return self.env._("%(channel)s from %(customer)s", channel=self._cx_channel_label(),
                          customer=self._cx_customer_label())

    def _cx_ticket_description(self):
        self.ensure_one()
        return Markup("<p>{} {}</p>").format(self.env._("Opened from:"), self._get_html_link())

    def _cx_ticket_values(self, team):
        """The values of the ticket opened from this record in ``team``."""
        self.ensure_one()
        if not team:
            raise UserError(self._cx_no_team_message())
        values = {
            "name": self._cx_ticket_name()[:120],
            "team_id": team.id,
            "partner_id": self.partner_id.id,
            "channel": self._cx_channel,
            "company_id": (self.company_id or team.company_id).id,
            "description": self._cx_ticket_description(),
        }
        if number := self._cx_customer_phone():
            values["partner_phone"] = number
        if self.user_id:
            values["user_id"] = self.user_id.id
        return values

    def _cx_link_values(self, ticket):
        return {"ticket_id": ticket.id}

    def _cx_opens_ticket(self):
        """A record starting without an open ticket of its customer opens one."""
        self.ensure_one()
        return True

    def _cx_ticket_join_note(self):
        """The note posted on a customer's open ticket this record joins."""
        self.ensure_one()
        return Markup("{} {}").format(
            self.env._("The customer got in touch on %s:", self._cx_channel_label()), self._get_html_link())

    def _cx_lead_values(self):
        """The lead's values of this record, beyond the customer, their number and the salesperson."""
        self.ensure_one()
        return {"name": self._cx_ticket_name()}

    def _cx_log(self, body):
        """An internal note about this record, in its chatter (else on its ticket)."""
        self.ensure_one()
        if "message_ids" in self._fields:
            self.message_post(body=body, subtype_xmlid="mail.mt_note")
        elif self.ticket_id:
            self.ticket_id.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------
    # BUSINESS: records and tickets
    # ------------------------------------------------------------

    def _cx_link_ticket(self, ticket):
        """Link the records to ``ticket``. The ticket already told its agent:
        following the record is enough (no notification)."""
        for record in self:
            record.with_context(mail_auto_subscribe_no_notify=True).write(record._cx_link_values(ticket))

    def _cx_open_or_join_tickets(self):
        """Records starting (new, or their ticket closed): each joins its
        customer's open ticket (same commercial entity and company), with a
        note on the ticket, else opens one when ``_cx_opens_ticket`` says so.
        One search for all the open tickets, then the new tickets created in
        one batch, whatever the number of records. Runs as superuser
        (webhooks, visitors)."""
        commercial_ids = self.commercial_partner_id.ids
        open_tickets = {}
        if commercial_ids:
            for ticket in self.env["cx.ticket"].sudo().search(
                [("commercial_partner_id", "in", commercial_ids), ("is_closed", "=", False)], order="id desc"
            ):
                open_tickets.setdefault((ticket.commercial_partner_id.id, ticket.company_id.id), ticket)
        to_open = self.browse()
        for record in self:
            ticket = record.commercial_partner_id and open_tickets.get(
                (record.commercial_partner_id.id, record.company_id.id))
            if ticket:
                record._cx_link_ticket(ticket)
                ticket.message_post(body=record._cx_ticket_join_note(), subtype_xmlid="mail.mt_note")
                record._cx_notify_ticket_agent(ticket)
            elif record._cx_opens_ticket():
                to_open |= record
        if to_open:
            # the system opens them (a webhook, the bridge): like its routing,
            # no email per ticket to the agent it goes to, who sees it live in
            # My Work
            tickets = self.env["cx.ticket"].sudo().with_context(mail_auto_subscribe_no_notify=True).create(
                [record._cx_ticket_values(record._cx_default_team()) for record in to_open])
            for record, ticket in zip(to_open, tickets, strict=True):
                record._cx_link_ticket(ticket)
        return self.ticket_id

    def _cx_answered(self, at=None):
        """An agent answered the customer on these records at ``at``: the
        records' first answer (when the model stores its own) and their open
        tickets' (the ticket's clock decides what it meets). The tickets are
        told together."""
        at = at or fields.Datetime.now()
        if self._fields["first_answer_date"].store:
            self.filtered(lambda record: not record.first_answer_date).write({"first_answer_date": at})
        # the ticket's clock is system data: an agent who may not read the
        # ticket (another team's) still answers it
        self.sudo().ticket_id.filtered(lambda ticket: not ticket.is_closed)._cx_channel_answered(self._cx_channel, at)

    def _cx_customer_wrote(self, at=None):
        """The customer wrote on these records at ``at``: their open tickets
        hear it together (a ticket waiting on the customer resumes)."""
        at = at or fields.Datetime.now()
        self.sudo().ticket_id.filtered(lambda ticket: not ticket.is_closed)._cx_customer_message(self._cx_channel, at)

    def _cx_notify_ticket_agent(self, ticket):
        """Tell the ticket's agent, on their screen and live, that its
        customer got in touch on this record's channel (not when it is the
        current user, who is looking at it). One bus message."""
        self.ensure_one()
        agent = ticket.user_id
        if agent and agent != self.env.user and not agent.share:
            agent._bus_send("simple_notification", {
                "type": "info",
                "sticky": False,
                "title": self.env._("%(channel)s: %(customer)s", channel=self._cx_channel_label(),
                                    customer=self._cx_customer_label()),
                "message": self.env._("The customer of ticket %(ticket)s got in touch.", ticket=ticket.display_name),
            })

    def _cx_notification(self, message, kind="info"):
        """The agent's notification (an action the client shows as a toast)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "message": message, "sticky": False},
        }

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cx.ticket",
            "res_id": self.ticket_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_create_ticket(self):
        """New ticket from this contact: a ticket of the record's team for its
        customer, the record linked (its ticket when it has one)."""
        self.ensure_one()
        if not self.ticket_id:
            self.check_access("write")
            ticket = self.env["cx.ticket"].create(self._cx_ticket_values(self._cx_default_team()))
            self._cx_link_ticket(ticket)
        return self.action_open_ticket()

    def action_link_ticket(self, ticket_id):
        """Link this record to the ticket ``ticket_id`` (one the agent may
        read), a note on the ticket; opens the ticket."""
        self.ensure_one()
        self.check_access("write")
        ticket = self.env["cx.ticket"].browse(ticket_id).exists()
        if not ticket:
            raise UserError(self.env._("The ticket to link to no longer exists."))
        ticket.check_access("read")
        if self.ticket_id != ticket:
            self._cx_link_ticket(ticket)
            ticket.sudo().message_post(body=self._cx_ticket_join_note(), subtype_xmlid="mail.mt_note")
            self._cx_notify_ticket_agent(ticket)
        return self.action_open_ticket()

    def action_escalate(self):
        """Escalate the record's ticket (opened first if it has none) to the
        next tier: the ticket escalation, with its reason and SLA."""
        self.ensure_one()
        if not self.ticket_id:
            self.action_create_ticket()
        return self.ticket_id.action_open_escalate()

    def action_create_lead(self):
        """Hand over to sales: a lead from this record (the customer, their
        number, what the channel knows), through the one hand-off of the
        tickets (``cx.lead.handoff._cx_handoff_lead``: UTM source "Customer
        service", the channel as medium unless the record knows better,
        linked to the record's ticket). Agents without access to the
        pipeline hand it over (it is created for them and the sales team
        takes it from there, they are told); salespeople land on it. Twice:
        the same lead."""
        self.ensure_one()
        if "lead_id" not in self._fields:
            raise UserError(self.env._("This channel does not hand leads over to sales."))
        self.check_access("write")
        record = self.sudo()
        if record.lead_id:
            return self._cx_lead_result(record.lead_id, created=False)
        lead = self.env["cx.lead.handoff"]._cx_handoff_lead(self, {
            "phone": record._cx_customer_phone(),
            **record._cx_lead_values(),
        })
        record.lead_id = lead
        return self._cx_lead_result(lead, created=True)

    def _cx_lead_result(self, lead, created):
        return self.env["cx.lead.handoff"]._cx_lead_result(lead, created)
