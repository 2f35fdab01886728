import ast
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.cx_helpdesk.tools.business_hours import AlwaysOpen, OutOfHorizon, WorkSchedule

from .cx_constants import TEAM_ASSIGNMENT_METHODS, TEAM_TIERS


class CxTeam(models.Model):
    _name = "cx.team"
    _description = "Helpdesk Team"
    _inherit = ["mail.alias.mixin.optional", "mail.thread", "rating.parent.mixin"]
    _order = "sequence, tier, name"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Html(translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    member_ids = fields.Many2many(
        "res.users",
        "cx_team_res_users_rel",
        "team_id",
        "user_id",
        string="Agents",
        domain=[("share", "=", False)],
        tracking=True,
    )
    leader_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        domain=[("share", "=", False)],
        tracking=True,
        check_company=True,
        help="Notified of SLA warnings and breaches; sees the team's tickets as a supervisor does.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="SLA clocks run in these working hours and stop on its leaves (public holidays). "
        "Without a calendar, SLA targets are in calendar hours (24/7).",
    )
    assignment_method = fields.Selection(TEAM_ASSIGNMENT_METHODS, default="round_robin", required=True, tracking=True)
    presence_routing = fields.Boolean(
        string="Skip Busy Agents",
        tracking=True,
        help="Automatic assignment offers no new ticket or conversation to an agent on a call or paused; "
        "it waits unassigned and goes to the first agent free again.",
    )
    visibility = fields.Selection(
        [("members", "Team members only"), ("internal", "All helpdesk agents")],
        default="members",
        required=True,
        help="Who among the agents sees this team's tickets. Supervisors and managers see them anyway.",
    )
    tier = fields.Selection(TEAM_TIERS, default="1", required=True, tracking=True)
    escalation_team_id = fields.Many2one(
        "cx.team",
        string="Escalates To",
        domain="[('id', '!=', id), ('company_id', '=', company_id)]",
        check_company=True,
        help="Team receiving the tickets this team escalates (the next tier).",
    )
    stage_ids = fields.Many2many("cx.ticket.stage", string="Stages")
    ack_template_id = fields.Many2one(
        "mail.template",
        string="Acknowledgement Email",
        domain=[("model", "=", "cx.ticket")],
        default=lambda self: self.env.ref("cx_helpdesk.mail_template_ticket_ack", raise_if_not_found=False),
        help="Sent to the customer when a ticket is created from an email or the portal.",
    )
    portal_form = fields.Boolean(
        string="In the Customer Request Form",
        default=True,
        help="Customers can address their requests to this team from the portal and the public form.",
    )
    use_rating = fields.Boolean(
        string="Customer Ratings",
        default=True,
        help="Ask the customer to rate the service when a ticket is closed.",
    )
    rating_template_id = fields.Many2one(
        "mail.template",
        string="Rating Request",
        domain=[("model", "=", "cx.ticket")],
        default=lambda self: self.env.ref("cx_helpdesk.mail_template_ticket_rating", raise_if_not_found=False),
    )
    checkin_days = fields.Integer(
        string="Check-in After (days)",
        help="Days after closing when the customer is asked whether the issue stayed solved; a \"no\" reopens the ticket. 0: no check-in.",
    )
    ticket_ids = fields.One2many("cx.ticket", "team_id", string="Tickets")
    open_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    unassigned_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    sla_at_risk_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    sla_breached_ticket_count = fields.Integer(compute="_compute_ticket_counts")

    @api.depends("ticket_ids.stage_id", "ticket_ids.user_id", "ticket_ids.sla_status")
    def _compute_ticket_counts(self):
        """The team dashboard's counters, for all teams in two grouped queries
        (record rules apply: an agent counts what they may open)."""
        Ticket = self.env["cx.ticket"]
        domain = [("team_id", "in", self.ids), ("is_closed", "=", False)]
        by_status = {}
        for team, status, count in Ticket._read_group(domain, ["team_id", "sla_status"], ["__count"]):
            by_status.setdefault(team.id, {})[status] = count
        unassigned = {
            team.id: count
            for team, count in Ticket._read_group([*domain, ("user_id", "=", False)], ["team_id"], ["__count"])
        }
        for team in self:
            statuses = by_status.get(team.id, {})
            team.open_ticket_count = sum(statuses.values())
            team.unassigned_ticket_count = unassigned.get(team.id, 0)
            team.sla_at_risk_ticket_count = statuses.get("at_risk", 0)
            team.sla_breached_ticket_count = statuses.get("breached", 0)

    @api.constrains("escalation_team_id")
    def _check_escalation_team(self):
        for team in self:
            seen = team
            current = team.escalation_team_id
            while current:
                if current in seen:
                    raise ValidationError(self.env._("The escalation of team %s loops back to itself.", team.name))
                seen |= current
                current = current.escalation_team_id

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        for team in teams:
            # a non-transactional counter: concurrent assignments never read
            # the same value (round robin stays balanced under load)
            self.env.cr.execute(SQL("CREATE SEQUENCE IF NOT EXISTS %s", SQL.identifier(team._cx_rr_sequence())))
        return teams

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("cx.ticket").id
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults.setdefault("channel", "email")
        return values

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_helpdesk.cx_ticket_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_filter_open": 1}
        return action

    def action_view_ratings(self):
        """The customers' ratings of the team's tickets."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("rating.rating_rating_action")
        action["name"] = self.env._("Ratings of %s", self.name)
        action["domain"] = [("parent_res_model", "=", self._name), ("parent_res_id", "=", self.id), ("consumed", "=", True)]
        # grouped by agent: satisfaction per agent within the team
        action["context"] = {"create": False, "search_default_responsible": 1}
        return action

    def action_view_unassigned(self):
        action = self.action_view_tickets()
        action["context"] = dict(action["context"], search_default_filter_unassigned=1)
        return action

    # ------------------------------------------------------------
    # BUSINESS: working time
    # ------------------------------------------------------------

    def _cx_schedule(self, start, end):
        """The team's working time over ``[start, end]`` (naive UTC) as a
        :class:`WorkSchedule` (the calendar's attendances minus its leaves),
        or :class:`AlwaysOpen` when the team (or ``self``, empty) has no
        calendar. A few queries, whatever the number of tickets using it."""
        calendar = self.resource_calendar_id
        if not calendar:
            return AlwaysOpen()
        start_utc = pytz.utc.localize(start)
        end_utc = pytz.utc.localize(end)
        intervals = calendar._work_intervals_batch(start_utc, end_utc)[False]
        return WorkSchedule(
            [
                (s.astimezone(pytz.utc).replace(tzinfo=None), e.astimezone(pytz.utc).replace(tzinfo=None))
                for s, e, _records in intervals
            ],
            start,
            end,
        )

    def _cx_deadlines(self, requests):
        """Deadlines for many clocks of this team at once.

        :param requests: list of ``(start, seconds)`` (naive UTC, working seconds)
        :return: list of deadlines, in the same order
        Builds the schedule once over the period needed and widens it (up to
        five years) only when a target runs past it.
        """
        if not requests:
            return []
        first = min(start for start, _seconds in requests)
        last = max(start for start, _seconds in requests)
        longest = max(seconds for _start, seconds in requests)
        # a week of calendar time per 40 working hours, plus slack for leaves
        span = timedelta(days=14 + 7 * longest / (40 * 3600))
        while True:
            schedule = self._cx_schedule(first - timedelta(days=1), last + span)
            try:
                return [schedule.add(start, seconds) for start, seconds in requests]
            except OutOfHorizon:
                if span > timedelta(days=5 * 366):
                    raise ValidationError(
                        self.env._(
                            "The working hours of team %s leave no time to reach an SLA target: "
                            "check its calendar and leaves.",
                            self.name,
                        )
                    ) from None
                span *= 4

    def _cx_working_seconds(self, periods):
        """Working seconds in each ``(start, end)`` period (naive UTC)."""
        if not periods:
            return []
        first = min(s for s, _e in periods)
        last = max(max(s, e) for s, e in periods)
        schedule = self._cx_schedule(first - timedelta(days=1), last + timedelta(days=1))
        return [schedule.between(s, e) for s, e in periods]

    # ------------------------------------------------------------
    # BUSINESS: routing
    # ------------------------------------------------------------

    def _cx_rr_sequence(self):
        return f"cx_team_rr_seq_{self.id}"

    def _cx_available_agents(self, capacity_field="cx_ticket_capacity", open_counts=None):
        """Members who can take an item now: active, allowed in the team's
        company, not on leave, not busy when the team skips busy agents
        (:meth:`res.users._cx_busy_agents`), under their capacity
        (``capacity_field`` of the user, against ``open_counts(members)``,
        ``{user id: open items}``, by default their open tickets). Returns
        ``(agents, open_counts)``; 2 to 5 queries."""
        self.ensure_one()
        members = self.member_ids.filtered(lambda user: user.active and self.company_id in user.company_ids)
        if self.presence_routing and members:
            members -= members._cx_busy_agents()
        if not members:
            return members, {}
        now = fields.Datetime.now()
        on_leave = self.env["resource.calendar.leaves"].sudo().search(
            [
                ("resource_id.user_id", "in", members.ids),
                ("date_from", "<=", now),
                ("date_to", ">", now),
            ]
        ).resource_id.user_id
        counts = (open_counts or self._cx_open_ticket_counts)(members)
        available = members.filtered(
            lambda user: user not in on_leave and (not user[capacity_field] or counts.get(user.id, 0) < user[capacity_field])
        )
        return available, counts

    def _cx_open_ticket_counts(self, agents):
        """``{user id: open tickets}`` of ``agents``. One query."""
        return {
            user.id: count
            for user, count in self.env["cx.ticket"].sudo()._read_group(
                [("user_id", "in", agents.ids), ("is_closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        }

    def _cx_lock_routing(self):
        """Serialize the routings of this team that depend on the agents'
        open tickets (load, skills, capacity).

        A no-op UPDATE of the team's row: a concurrent routing waits for this
        transaction, then fails with a serialization error because the row
        changed after its snapshot (Odoo's transactions are REPEATABLE READ,
        so a lock alone would let it count the loads as they were before this
        transaction). Odoo retries requests and crons on that error, and the
        retry counts the tickets this transaction assigned. One query."""
        self.env.cr.execute(SQL("UPDATE cx_team SET write_date = write_date WHERE id = %s", self.id))

    def _cx_route(self, tickets):
        """Assign an agent to each of ``tickets`` (of this team, without agent)
        by the team's method. Returns ``{ticket: user}``; tickets no agent can
        take stay unassigned. Round robin without capacities runs in parallel
        (a sequence gives the turns); the other routings lock the team
        (:meth:`_cx_lock_routing`)."""
        return self._cx_route_items(tickets, "cx_ticket_capacity", self._cx_open_ticket_counts, lambda agent, ticket: agent._cx_skill_score(ticket))

    def _cx_route_items(self, items, capacity_field, open_counts, skill_score, preferred=None):
        """The routing of :meth:`_cx_route` for any channel's items (tickets,
        conversations): ``capacity_field`` is the users' limit of open items,
        ``open_counts(agents)`` counts them (``{user id: count}``),
        ``skill_score(agent, item)`` ranks the agents for skills routing
        (None: cannot take it), ``preferred(item)``, when given, the agent
        who keeps the item when they can take it. Returns ``{item: user}``."""
        self.ensure_one()
        if self.assignment_method == "manual" or not items:
            return {}
        if self.assignment_method != "round_robin" or any(self.member_ids.mapped(capacity_field)):
            self._cx_lock_routing()
        agents, counts = self._cx_available_agents(capacity_field, open_counts)
        if not agents:
            return {}
        agents = agents.sorted("id")
        loads = {agent.id: counts.get(agent.id, 0) for agent in agents}

        def has_room(agent):
            return not agent[capacity_field] or loads[agent.id] < agent[capacity_field]

        result = {}

        def keep(item):
            agent = preferred(item) if preferred else None
            if agent and agent in agents and has_room(agent):
                result[item] = agent
                loads[agent.id] += 1
                return True
            return False

        if self.assignment_method == "round_robin":
            # one nextval per item: concurrent transactions get distinct turns
            self.env.cr.execute(
                SQL(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    self._cx_rr_sequence(),
                    len(items),
                )
            )
            turns = [row[0] for row in self.env.cr.fetchall()]
            for item, turn in zip(items, turns, strict=True):
                if keep(item):
                    continue
                for offset in range(len(agents)):
                    agent = agents[(turn + offset) % len(agents)]
                    if has_room(agent):
                        result[item] = agent
                        loads[agent.id] += 1
                        break
        else:
            for item in items:
                if keep(item):
                    continue
                candidates = [agent for agent in agents if has_room(agent)]
                if self.assignment_method == "skills":
                    scored = [(score, agent) for agent in candidates if (score := skill_score(agent, item)) is not None]
                    best = max((score for score, _agent in scored), default=None)
                    candidates = [agent for score, agent in scored if score == best]
                if not candidates:
                    continue
                agent = min(candidates, key=lambda a: (loads[a.id], a.id))
                result[item] = agent
                loads[agent.id] += 1
        return result

    @api.model
    def _cron_offer_waiting(self, limit=200):
        """Offer the work waiting for an agent (items no agent could take
        when they came: everyone busy, on leave or full) to the agents free
        now, in every team with automatic assignment, oldest first, up to
        ``limit`` items per team and channel. Runs every few minutes, and at
        once when an agent becomes free (cx_telephony triggers it)."""
        for team in self.search([("assignment_method", "!=", "manual")]):
            team._cx_offer_waiting(limit)

    def _cx_offer_waiting(self, limit):
        """Route this team's waiting items; a channel adds its own (its
        waiting conversations). One query when nothing waits."""
        self.ensure_one()
        tickets = self.env["cx.ticket"].sudo().search(
            [("team_id", "=", self.id), ("user_id", "=", False), ("is_closed", "=", False)], order="id", limit=limit
        )
        tickets._cx_route_unassigned(fields.Datetime.now())

    @api.model
    def _cx_stage_for(self, team, closed=False):
        """The first stage of ``team`` (or the first closing one)."""
        domain = ["|", ("team_ids", "=", False), ("team_ids", "in", team.ids)] if team else [("team_ids", "=", False)]
        if closed:
            domain = [*domain, ("is_closed", "=", True)]
        return self.env["cx.ticket.stage"].search(domain, limit=1)

