from datetime import datetime, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.cx_telephony.tools.call_tracker import merge_snapshot

CALL_STATES = [
    ("ringing", "Ringing"),
    ("queued", "In Queue"),
    ("answered", "Answered"),
    ("missed", "Missed"),
    ("abandoned", "Abandoned"),
    ("busy", "Busy"),
    ("failed", "Failed"),
    ("completed", "Completed"),
]
UNANSWERED_STATES = ("missed", "abandoned")


class CxCall(models.Model):
    """One phone call (all the channels Asterisk links under one Linkedid)."""

    _name = "cx.call"
    _description = "Phone Call"
    _inherit = ["mail.thread", "mail.activity.mixin", "cx.channel.mixin"]
    _order = "start_time desc, id desc"
    _rec_name = "display_name"
    _cx_channel = "phone"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    pbx_id = fields.Many2one("cx.pbx", string="PBX", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="pbx_id.company_id", store=True, index=True)
    linkedid = fields.Char(string="Linked ID", required=True, readonly=True, help="Asterisk's Linkedid of the call.")
    direction = fields.Selection(selection_add=[("internal", "Internal")], ondelete={"internal": "set default"})
    state = fields.Selection(CALL_STATES, default="ringing", required=True, index=True, tracking=True)
    caller_number = fields.Char(string="From")
    caller_name = fields.Char(string="Caller ID Name")
    called_number = fields.Char(string="To")
    customer_number = fields.Char(compute="_compute_customer_number", store=True, help="The customer's side of the call.")
    customer_e164 = fields.Char(string="Customer Number (E.164)", index="btree_not_null")
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null", tracking=True)
    user_id = fields.Many2one("res.users", string="Agent", index="btree_not_null", tracking=True)
    agent_interface = fields.Char(readonly=True)
    queue = fields.Char(readonly=True)
    queue_id = fields.Many2one("cx.pbx.queue", string="PBX Queue", readonly=True)
    team_id = fields.Many2one("cx.team", string="Team", index="btree_not_null")
    start_time = fields.Datetime(required=True, default=fields.Datetime.now)
    queued_time = fields.Datetime()
    answered_time = fields.Datetime()
    # the channel contract's first answer: an answered inbound call, a connected outbound one
    first_answer_date = fields.Datetime(related="answered_time")
    end_time = fields.Datetime()
    end_time_estimated = fields.Boolean(
        string="End Time Estimated", readonly=True,
        help="The call ended while the AMI bridge was away: its end is when the bridge came back "
        "(the PBX's CDR file, when set, gives the exact one).",
    )
    ring_seconds = fields.Float(string="Ring Time (s)")
    wait_seconds = fields.Float(string="Wait in Queue (s)")
    talk_seconds = fields.Float(string="Talk Time (s)")
    hold_seconds = fields.Float(string="On Hold (s)")
    duration_seconds = fields.Float(string="Duration (s)", compute="_compute_duration", store=True)
    hangup_cause = fields.Integer(string="Hangup Cause Code")
    hangup_cause_text = fields.Char(string="Hangup Cause")
    missed_agent_ids = fields.Many2many("res.users", "cx_call_missed_agent_rel", string="Rang Without Answer")
    transfer_ids = fields.One2many("cx.call.transfer", "call_id", string="Transfers")
    recording_path = fields.Char(string="Recording File", readonly=True, groups="cx_helpdesk.group_cx_supervisor")
    has_recording = fields.Boolean(compute="_compute_has_recording")
    recording_url = fields.Char(string="Recording Link", compute="_compute_has_recording")
    listen_ids = fields.One2many("cx.call.listen", "call_id", string="Recording Listens", readonly=True,
                                 groups="cx_helpdesk.group_cx_supervisor")
    ticket_id = fields.Many2one("cx.ticket", string="Ticket", index="btree_not_null", tracking=True)
    # the sales side: agents hand leads over without reading the pipeline
    lead_id = fields.Many2one("crm.lead", string="Lead", index="btree_not_null", readonly=True, copy=False,
                              groups="sales_team.group_sale_salesman")
    has_lead = fields.Boolean(compute="_compute_has_lead")
    originate_action_id = fields.Char(string="Click-to-dial Request", readonly=True, copy=False, index="btree_not_null")
    notes = fields.Html()
    disposition = fields.Selection(
        [
            ("solved", "Solved on the call"),
            ("ticket", "Follow-up in a ticket"),
            ("callback", "Call back needed"),
            ("information", "Information given"),
            ("sale", "Sale opportunity"),
            ("wrong_number", "Wrong number"),
        ],
        tracking=True,
    )

    _pbx_linkedid_unique = models.Constraint("UNIQUE(pbx_id, linkedid)", "A call is recorded once per PBX.")

    @api.depends("direction", "caller_number", "called_number")
    def _compute_customer_number(self):
        for call in self:
            call.customer_number = call.called_number if call.direction == "outbound" else call.caller_number

    @api.depends("start_time", "end_time")
    def _compute_duration(self):
        for call in self:
            if call.start_time and call.end_time:
                call.duration_seconds = max((call.end_time - call.start_time).total_seconds(), 0)
            else:
                call.duration_seconds = 0

    def _compute_has_recording(self):
        for call in self:
            call.has_recording = bool(call.sudo().recording_path)
            call.recording_url = f"/cx_telephony/recording/{call.id}" if call.has_recording and call.id else False

    def _compute_has_lead(self):
        for call in self:
            call.has_lead = bool(call.sudo().lead_id)

    @api.depends("customer_number", "partner_id", "start_time")
    def _compute_display_name(self):
        for call in self:
            who = call.partner_id.name or call.customer_number or self.env._("Unknown caller")
            when = fields.Datetime.to_string(call.start_time)[:16] if call.start_time else ""
            call.display_name = f"{who} {when}".strip()

    def write(self, vals):
        result = super().write(vals)
        if vals.get("ticket_id"):
            self._cx_sla_signal()  # a ticket linked to a call already answered
        return result

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_show_caller_panel(self):
        """Show the caller panel of this call again, on my screen."""
        self.ensure_one()
        self._cx_screen_pop(self.env.user, "reopened")
        return True

    def action_create_contact(self):
        """A new contact with the caller's number; the call gets it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_phone": self.customer_e164 or self.customer_number, "cx_call_id": self.id},
        }

    # ------------------------------------------------------------
    # BUSINESS: ingestion from the AMI bridge
    # ------------------------------------------------------------

    @api.model
    def _cx_apply_snapshots(self, pbx, snapshots):
        """Create or update the calls of ``pbx`` from call-tracker snapshots
        (see cx_telephony/tools/call_tracker.py). Idempotent: the same
        snapshots applied twice change nothing. What is recorded is never
        overwritten with less (``merge_snapshot``: a bridge restarted in the
        middle of a call knows less of it). A handful of queries per batch,
        whatever its size. Returns the calls."""
        latest = {}
        for snapshot in snapshots:
            latest[snapshot["linkedid"]] = snapshot
        if not latest:
            return self.browse()
        # system writes: no chatter message per call or per state change (the
        # call's own fields tell its story); people's edits stay tracked
        Call = self.sudo().with_context(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
        existing = {
            call.linkedid: call for call in Call.search([("pbx_id", "=", pbx.id), ("linkedid", "in", list(latest))])
        }
        for linkedid, call in existing.items():
            latest[linkedid] = merge_snapshot(call._cx_recorded_snapshot(), latest[linkedid])
        country = pbx.company_id.partner_id.country_id  # stored there; computed on the company
        customer_numbers = {self._cx_customer_number(s) for s in latest.values()} - {None}
        partners = self.env["res.partner"]._cx_find_callers(customer_numbers, country, pbx.company_id)
        interfaces = set()
        for snapshot in latest.values():
            interfaces.add(self._cx_agent_key(snapshot))
            interfaces.update(snapshot.get("missed_agents") or [])
        agents = self.env["res.users"]._cx_find_agents(interfaces)
        queues = {queue.name: queue for queue in pbx.sudo().queue_ids}
        to_create, call_ids = [], []
        newly_unanswered = newly_answered = Call
        agent_freed = False
        for linkedid, snapshot in latest.items():
            call = existing.get(linkedid)
            values = self._cx_values_from_snapshot(snapshot, pbx, country, partners, agents, queues, call)
            if call:
                if call.ticket_id and values.get("answered_time") and not call.answered_time:
                    newly_answered |= call
                # an end estimated at a reconnection: the PBX's CDRs decide first (cx.pbx, live_calls)
                if call.state not in UNANSWERED_STATES and values.get("state") in UNANSWERED_STATES \
                        and not call.answered_time and not values["end_time_estimated"]:
                    newly_unanswered |= call
                changed = {key: value for key, value in values.items() if call._cx_differs(key, value)}
                agent_freed |= bool(changed.get("end_time") and call.user_id)
                if changed:
                    call.write(changed)
                call_ids.append(call.id)
            else:
                to_create.append(values)
        if to_create:
            created = Call.create(to_create)
            newly_unanswered |= created.filtered(lambda c: c.state in UNANSWERED_STATES and not c.end_time_estimated)
            call_ids += created.ids
        newly_unanswered._cx_schedule_callbacks()
        newly_answered._cx_sla_signal()
        if agent_freed:
            # their call is over: the work waiting for a free agent is offered (cx.team's routing)
            self.env.ref("cx_helpdesk.ir_cron_offer_waiting")._trigger()
        return self.browse(call_ids)

    def _cx_recorded_snapshot(self):
        """What is recorded of this call, as a call-tracker snapshot (the
        keys ``merge_snapshot`` needs; unknown values are None)."""
        self.ensure_one()
        return {
            "linkedid": self.linkedid,
            "direction": self.direction,
            "state": self.state,
            "caller_number": self.caller_number or None,
            "caller_name": self.caller_name or None,
            "called_number": self.called_number or None,
            "queue": self.queue or None,
            "agent_interface": self.agent_interface or None,
            "start_time": self.start_time or None,
            "queued_time": self.queued_time or None,
            "answered_time": self.answered_time or None,
            "end_time": self.end_time or None,
            "end_estimated": self.end_time_estimated,
            # 0 is what an unknown duration is stored as
            "ring_seconds": self.ring_seconds or None,
            "wait_seconds": self.wait_seconds or None,
            "talk_seconds": self.talk_seconds or None,
            "hold_seconds": self.hold_seconds or 0,
            "hangup_cause": self.hangup_cause or None,
            "hangup_cause_text": self.hangup_cause_text or None,
            "recording": self.sudo().recording_path or None,
            "ended": bool(self.end_time),
        }

    @api.model
    def _cx_customer_number(self, snapshot):
        number = snapshot.get("called_number") if snapshot.get("direction") == "outbound" else snapshot.get("caller_number")
        return number or None

    @api.model
    def _cx_agent_key(self, snapshot):
        """The interface that identifies the agent: the queue member who took
        the call, else, for calls an agent placed, their own extension."""
        if snapshot.get("agent_interface"):
            return snapshot["agent_interface"]
        if snapshot.get("direction") in ("outbound", "internal") and snapshot.get("caller_number"):
            return f"PJSIP/{snapshot['caller_number']}"
        return None

    def _cx_differs(self, fname, value):
        current = self[fname]
        field = self._fields[fname]
        if field.type == "many2one":
            return current.id != (value or False)
        if field.type == "many2many":
            return set(current.ids) != set(value[0][2]) if value else bool(current)
        if field.type == "one2many":
            return bool(value)
        return (current or False) != (value or False)

    @api.model
    def _cx_values_from_snapshot(self, snapshot, pbx, country, partners, agents, queues, call=None):
        customer_number = self._cx_customer_number(snapshot)
        partner = partners.get(customer_number)
        agent = agents.get(self._cx_agent_key(snapshot))
        queue = queues.get(snapshot.get("queue"))
        values = {
            "pbx_id": pbx.id,
            "linkedid": snapshot["linkedid"],
            "direction": snapshot.get("direction") or "inbound",
            "state": snapshot["state"],
            "caller_number": snapshot.get("caller_number"),
            "caller_name": snapshot.get("caller_name"),
            "called_number": snapshot.get("called_number"),
            "customer_e164": self.env["res.partner"]._cx_e164(customer_number, country),
            "agent_interface": snapshot.get("agent_interface"),
            "queue": snapshot.get("queue"),
            "queue_id": queue.id if queue else False,
            "start_time": _naive(snapshot.get("start_time")),
            "queued_time": _naive(snapshot.get("queued_time")),
            "answered_time": _naive(snapshot.get("answered_time")),
            "end_time": _naive(snapshot.get("end_time")),
            "end_time_estimated": bool(snapshot.get("end_estimated")),
            "ring_seconds": snapshot.get("ring_seconds") or 0,
            "wait_seconds": snapshot.get("wait_seconds") or 0,
            "talk_seconds": snapshot.get("talk_seconds") or 0,
            "hold_seconds": snapshot.get("hold_seconds") or 0,
            "hangup_cause": snapshot.get("hangup_cause") or 0,
            "hangup_cause_text": snapshot.get("hangup_cause_text"),
            "recording_path": snapshot.get("recording"),
            "missed_agent_ids": [(6, 0, list(dict.fromkeys(
                (call.missed_agent_ids.ids if call else [])
                + [agents[i].id for i in snapshot.get("missed_agents") or [] if i in agents]
            )))],
        }
        if not values["start_time"]:
            values["start_time"] = call.start_time if call else fields.Datetime.now()
        # what people set by hand is never overwritten by the PBX
        if partner and not (call and call.partner_id):
            values["partner_id"] = partner.id
        if agent and not (call and call.user_id):
            values["user_id"] = agent.id
        if queue and queue.team_id and not (call and call.team_id):
            values["team_id"] = queue.team_id.id
        elif agent and not (call and call.team_id) and agent.cx_team_ids:
            values["team_id"] = agent.cx_team_ids[:1].id
        # a restarted bridge knows the transfers it saw only: each one recorded once
        known = {(transfer.kind, transfer.at) for transfer in call.transfer_ids} if call else set()
        transfers = [t for t in snapshot.get("transfers") or [] if (t["kind"], _naive(t.get("at"))) not in known]
        if transfers:
            values["transfer_ids"] = [
                (0, 0, {"kind": t["kind"], "result": t.get("result"), "from_party": t.get("from"),
                        "to_party": t.get("to"), "at": _naive(t.get("at"))})
                for t in transfers
            ]
        return values

    def _cx_sla_signal(self):
        """Tell the calls' tickets' SLA: an answered inbound call or a
        connected outbound one is a public answer on the phone, an inbound
        call is the customer's message. Batched by ticket: the earliest answer
        and the latest inbound call of each, tickets of the same instant told
        together; no query for tickets answered already and not waiting. A
        call answered before its ticket was opened (from that call) answers it
        when it is opened."""
        answered, reached_us = {}, {}
        for call in self.filtered("ticket_id"):
            ticket = call.ticket_id
            if call.direction == "inbound":
                at = call.answered_time or call.start_time
                reached_us[ticket] = max(reached_us.get(ticket, at), at)
            if call.answered_time and call.direction in ("inbound", "outbound"):
                at = max(call.answered_time, ticket.create_date)
                answered[ticket] = min(answered.get(ticket, at), at)
        Ticket = self.env["cx.ticket"]
        for at, tickets in _by_instant(reached_us).items():
            Ticket.union(*tickets)._cx_customer_message("phone", at)
        for at, tickets in _by_instant(answered).items():
            Ticket.union(*tickets)._cx_channel_answered("phone", at)

    def _cx_schedule_callbacks(self):
        """A call-back activity for the team of each missed or abandoned call."""
        activity_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        for call in self:
            if call.queue_id and not call.queue_id.callback_activity:
                continue
            responsible = call.team_id.leader_id or call.user_id
            if not responsible or not activity_type:
                continue
            call.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Call back %s", call.partner_id.name or call.customer_number or "?"),
                user_id=responsible.id,
            )

    # ------------------------------------------------------------
    # BUSINESS: the agent's screen
    # ------------------------------------------------------------

    def _cx_screen_pop_payload(self, event, user=None):
        """What the caller panel shows for this call to ``user`` (by default
        the current user)."""
        self.ensure_one()
        return self._cx_panel_payloads([self._cx_panel(event, user or self.env.user)])[0]

    def _cx_panel(self, event, user=None):
        """The panel of this call for ``user``, by default the call's agent."""
        self.ensure_one()
        return {"user": user or self.user_id, "event": event, "pbx": self.pbx_id, "linkedid": self.linkedid,
                "number": self.customer_number, "partner": self.partner_id, "queue": self.queue,
                "team": self.team_id, "call": self}

    @api.model
    def _cx_panel_payloads(self, panels):
        """The caller panels of many calls at once: who calls, their open
        tickets with their SLA (5 at most), their last calls (3), the short
        customer 360 (``cx.customer.360._cx_panel_summaries``). Each panel
        is a dict: user (the agent it is shown to), event, pbx, linkedid,
        number, partner, queue, team and call (the call may not be recorded
        yet on the fast path: the panel then names it by PBX and Linkedid).

        A panel shows what its agent may read, and nothing else: the callers,
        tickets and calls are those the agent's record rules let them read
        (their companies; their own and their teams' unassigned tickets...).
        The panels are built by the bridge as superuser, for many agents at
        once: each agent's access is the ORM's own query under that agent's
        rules (``_search`` as that user, so rules added or changed later
        apply too, which SQL copying them would not), and the queries of
        all the agents are sent as one statement. The rows allowed are then
        read as superuser. A fixed number of queries whatever the number of
        panels and agents (14 on the bridge's fast path, 17 when the agents
        may read invoices, orders or leads: pinned by test_screen_pop), once each agent's rules are in the registry's
        cache: an agent's first panel in a process reads them, about seven
        queries, again only after the registry's caches are cleared."""
        self.env.flush_all()  # the statement below reads the tables (pending writes are flushed at commit anyway)
        panels_by_user = {}
        for panel in panels:
            if panel["user"]:
                panels_by_user.setdefault(panel["user"], []).append(panel)
        parts = []
        for user, user_panels in panels_by_user.items():
            commercial_ids = list({_commercial(panel["partner"]).id for panel in user_panels if panel["partner"]})
            partner_ids = list({panel["partner"].id for panel in user_panels if panel["partner"]})
            ticket_ids = list({panel["call"].ticket_id.id for panel in user_panels if panel["call"] and panel["call"].ticket_id})
            if partner_ids:
                parts.append(self._cx_panel_rows_sql(user, "res.partner", [("id", "in", partner_ids)], "partner"))
            if ticket_ids:
                parts.append(self._cx_panel_rows_sql(user, "cx.ticket", [("id", "in", ticket_ids)], "call_ticket"))
            if commercial_ids:
                parts.append(self._cx_panel_rows_sql(
                    user, "cx.ticket", [("commercial_partner_id", "in", commercial_ids), ("is_closed", "=", False)],
                    "ticket", key="commercial_partner_id", rank_order=("priority", "id"), max_rank=5))
                # the panel's own call is among the last ones: 4 for the 3 shown
                parts.append(self._cx_panel_rows_sql(
                    user, "cx.call", [("partner_id.commercial_partner_id", "in", commercial_ids)],
                    "call", key="partner_id.commercial_partner_id", rank_order=("start_time", "id"), max_rank=4))
        parts = [part for part in parts if part]
        allowed = {"partner": set(), "call_ticket": set(), "ticket": {}, "call": {}}
        if parts:
            rows = self.env.execute_query(SQL(
                "SELECT kind, user_id, id, key FROM (%s) allowed WHERE rank <= max_rank", SQL(" UNION ALL ").join(parts)))
            for kind, user_id, record_id, key in rows:
                if key is None:
                    allowed[kind].add((user_id, record_id))
                else:
                    allowed[kind].setdefault((user_id, key), []).append(record_id)
        Ticket = self.env["cx.ticket"].sudo()
        tickets = Ticket.browse({ticket_id for ids in allowed["ticket"].values() for ticket_id in ids})
        tickets.fetch(["number", "name", "stage_id", "sla_status", "priority"])
        calls = self.sudo().browse({call_id for ids in allowed["call"].values() for call_id in ids})
        calls.fetch(["linkedid", "start_time", "state", "user_id"])
        sla_labels = dict(Ticket._fields["sla_status"]._description_selection(self.env))
        # the customer 360's short form (money owed, orders, opportunities) as each agent may read it
        commercials_by_user = {}
        for panel in panels:
            if panel["user"] and panel["partner"] and (panel["user"].id, panel["partner"].id) in allowed["partner"]:
                commercials_by_user.setdefault(panel["user"], set()).add(_commercial(panel["partner"]).id)
        customer_360 = self.env["cx.customer.360"]._cx_panel_summaries(commercials_by_user)
        payloads = []
        for panel in panels:
            user, partner, call, team = panel["user"], panel["partner"], panel["call"], panel["team"]
            if partner and (user.id, partner.id) not in allowed["partner"]:
                partner = self.env["res.partner"]  # a caller this agent may not see: an unknown caller
            commercial = _commercial(partner)
            open_tickets = Ticket.browse(allowed["ticket"].get((user.id, commercial.id), [])) if partner else Ticket
            last_calls = self.sudo().browse(allowed["call"].get((user.id, commercial.id), [])) if partner else self.sudo()
            last_calls = last_calls.filtered(lambda other, panel=panel: other.linkedid != panel["linkedid"])
            call_ticket = call.ticket_id if call and (user.id, call.ticket_id.id) in allowed["call_ticket"] else Ticket
            payloads.append({
                "event": panel["event"],
                "call_id": call.id if call else False,
                "pbx_id": panel["pbx"].id,
                "linkedid": panel["linkedid"],
                "number": panel["number"],
                "queue": panel["queue"],
                "team": team.name if team else False,
                "partner": {
                    "id": partner.id,
                    "name": partner.name,
                    "company": commercial.name if commercial != partner else False,
                }
                if partner
                else False,
                "ticket_id": call_ticket.id,
                "customer_360": customer_360.get((user.id, commercial.id), False) if partner else False,
                "open_tickets": [
                    {
                        "id": ticket.id,
                        "number": ticket.number,
                        "name": ticket.name,
                        "stage": ticket.stage_id.name,
                        "sla_status": ticket.sla_status,
                        "sla_label": sla_labels.get(ticket.sla_status),
                    }
                    for ticket in open_tickets.sorted(lambda t: (t.priority, t.id), reverse=True)
                ],
                "last_calls": [
                    {"id": other.id, "date": fields.Datetime.to_string(other.start_time), "state": other.state,
                     "agent": other.user_id.name}
                    for other in last_calls.sorted(lambda c: (c.start_time, c.id), reverse=True)[:3]
                ],
            })
        return payloads

    @api.model
    def _cx_panel_rows_sql(self, user, model_name, domain, kind, key=None, rank_order=None, max_rank=1):
        """The part of the panels' statement that lists the records of
        ``domain`` ``user`` may read: rows (kind, user_id, id, key, rank,
        max_rank), ranked within ``key`` (a field, or a many2one's field) by
        ``rank_order`` descending. None when the user may not read the model
        at all (no query: access rights and rules are cached)."""
        Model = self.env[model_name].with_user(user)
        if not Model.has_access("read"):
            return None
        query = Model._search(domain, active_test=kind not in ("partner", "call_ticket"))
        table = query.table
        if key and "." in key:
            many2one, key = key.split(".")
            comodel = Model._fields[many2one].comodel_name
            table = query.join(query.table, many2one, self.env[comodel]._table, "id", "cx_panel_key")
        key_sql = SQL.identifier(table, key) if key else SQL("NULL::int")
        rank_sql = SQL("1")
        if rank_order:
            rank_sql = SQL("row_number() OVER (PARTITION BY %s ORDER BY %s)", key_sql, SQL(", ").join(
                SQL("%s DESC", SQL.identifier(query.table, fname)) for fname in rank_order))
        return query.subselect(
            SQL("%s AS kind", kind), SQL("%s AS user_id", user.id), SQL.identifier(query.table, "id"),
            SQL("%s AS key", key_sql), SQL("%s AS rank", rank_sql), SQL("%s AS max_rank", max_rank))

    @api.model
    def cx_panel_call_id(self, pbx_id, linkedid):
        """The call a panel of the fast path names (its buttons need it)."""
        call = self.search([("pbx_id", "=", pbx_id), ("linkedid", "=", linkedid)], limit=1)
        if not call:
            raise UserError(self.env._("The call is still being recorded: try again in a moment."))
        return call.id

    def _cx_screen_pop(self, user, event):
        self.ensure_one()
        user._bus_send("cx_telephony/screen_pop", self.sudo()._cx_screen_pop_payload(event, user))

    # ------------------------------------------------------------
    # CHANNEL CONTRACT (cx.channel.mixin): the actions are the mixin's
    # ------------------------------------------------------------

    @api.model
    def _cx_customer_phone_fields(self):
        return ["customer_e164", "customer_number"]

    def _cx_no_team_message(self):
        return self.env._("Map the queue to a team, or join a team, to open a ticket from this call.")

    def _cx_ticket_name(self):
        return self.env._("Call from %s", self.partner_id.name or self.customer_number or self.env._("unknown caller"))

    def _cx_ticket_description(self):
        return self.notes

    def _cx_ticket_values(self, team):
        # the agent who opens the ticket from the call takes it
        return dict(super()._cx_ticket_values(team), user_id=self.user_id.id or self.env.uid)

    def _cx_lead_values(self):
        return {
            "name": self._cx_ticket_name(),
            "contact_name": False if self.partner_id else self.caller_name,
            "description": self.notes,
            "medium_id": self.env.ref("utm.utm_medium_phone", raise_if_not_found=False).id,
        }


def _commercial(partner):
    """The company a caller belongs to (the partner itself when it has none
    recorded, as contacts imported by SQL may)."""
    return partner and (partner.commercial_partner_id or partner)


def _by_instant(instants):
    """``{record: instant}`` as ``{instant: [records]}``."""
    grouped = {}
    for record, instant in instants.items():
        grouped.setdefault(instant, []).append(record)
    return grouped


def _naive(value):
    """Datetimes from the tracker may be aware; the ORM stores naive UTC."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value or False
