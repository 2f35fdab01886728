from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..models.cx_constants import TICKET_CHANNELS

# the columns every part selects, in this order (a UNION ALL matches them by position)
WORK_COLUMNS = (
    "id", "res_model", "res_id", "item_type", "channel", "name", "partner_id", "team_id", "user_id", "company_id",
    "deadline", "state",
)
# an item's id is its record's id times this plus its part's slot: unique across parts
WORK_ID_FACTOR = 16
WORK_SLOT_TICKET = 1
WORK_BUS_CHANNEL = "cx_helpdesk/work"


class CxWorkItem(models.Model):
    """"My work": everything waiting for an agent across channels, one row an
    item, ordered by the deadline that comes first.

    Each channel adds its part through ``_cx_work_parts()`` (a list of SQL
    SELECTs built with ``_cx_work_part()``): cx_helpdesk the open tickets,
    cx_whatsapp the conversations awaiting an answer, cx_telephony the
    callbacks due. A part is a plain SELECT over one table, without WHERE or
    join (its condition is its ``waiting`` column): PostgreSQL then flattens
    the union, pushes the record rules and filters into every part and merges
    the parts in deadline order from one index each (a partial index on the
    part's condition and its deadline), so the first page reads a page's
    worth of rows, whatever the size of the tables. A part whose deadline has
    no index ordered like it makes every first page sort all its open rows."""

    _name = "cx.work.item"
    _description = "Work Item"
    _auto = False
    _order = "deadline, id"
    _rec_name = "name"
    # flushed before the union is read (each channel adds its own)
    _depends = {
        "cx.ticket": ["active", "is_closed", "number", "name", "channel", "partner_id", "team_id", "user_id",
                      "company_id", "sla_deadline", "sla_status"],
    }

    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True)
    item_type = fields.Selection(
        [("ticket", "Ticket"), ("conversation", "Conversation"), ("callback", "Callback")],
        string="Kind", readonly=True,
    )
    channel = fields.Selection(TICKET_CHANNELS, readonly=True)
    name = fields.Char(string="Summary", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    team_id = fields.Many2one("cx.team", string="Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    deadline = fields.Datetime(readonly=True, help="The SLA deadline that comes first, the end of the customer's "
                               "24-hour WhatsApp window, or the day a callback is due.")
    state = fields.Selection(
        [("none", "No SLA"), ("running", "On Track"), ("paused", "Paused"), ("at_risk", "At Risk"),
         ("breached", "Breached"), ("met", "Met"), ("unanswered", "Closed Unanswered"),
         ("awaiting", "Awaiting Answer"), ("to_call", "To Call Back")],
        readonly=True,
    )
    time_left = fields.Char(compute="_compute_time_left")
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_time_left", search="_search_is_overdue")
    # the record rules' scopes, as plain conditions on the columns (team ids
    # read when searching): a join to the teams would keep PostgreSQL from
    # merging the parts in deadline order
    is_my_work = fields.Boolean(
        string="Mine or My Teams' Unassigned", compute="_compute_is_my_work", search="_search_is_my_work")
    is_my_teams_work = fields.Boolean(
        string="Mine or My Teams'", compute="_compute_is_my_work", search="_search_is_my_teams_work")

    @property
    def _table_query(self):
        union = SQL(" UNION ALL ").join(SQL("(%s)", part) for part in self._cx_work_parts())
        return SQL("SELECT * FROM (%s) AS parts WHERE parts.waiting", union)

    @api.depends("deadline")  # and the time: not stored, computed when read
    def _compute_time_left(self):
        now = fields.Datetime.now()
        for item in self:
            if not item.deadline:
                item.time_left = False
                item.is_overdue = False
                continue
            seconds = (item.deadline - now).total_seconds()
            item.is_overdue = seconds < 0
            minutes = int(abs(seconds) // 60)
            days, rest = divmod(minutes, 24 * 60)
            hours, minutes = divmod(rest, 60)
            if days:
                span = self.env._("%(days)s d %(hours)s h", days=days, hours=hours)
            elif hours:
                span = self.env._("%(hours)s h %(minutes)s min", hours=hours, minutes=minutes)
            else:
                span = self.env._("%s min", minutes)
            item.time_left = self.env._("%s overdue", span) if seconds < 0 else span

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue items."))
        now = fields.Datetime.now()
        if (operator == "=") == value:
            return [("deadline", "<", now)]
        return ["|", ("deadline", "=", False), ("deadline", ">=", now)]

    def _compute_is_my_work(self):
        user = self.env.user
        member_of = self.env["cx.team"].sudo().search([("member_ids", "in", user.ids)])
        led = self.env["cx.team"].sudo().search([("leader_id", "=", user.id)])
        for item in self:
            mine = item.user_id == user
            item.is_my_work = mine or (not item.user_id and item.team_id in member_of)
            item.is_my_teams_work = mine or item.team_id in (member_of | led)

    def _my_work_domain(self, operator, value, teams):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the work scope."))
        domain = Domain("user_id", "=", self.env.uid) | teams
        return domain if (operator == "=") == value else ~domain

    def _search_is_my_work(self, operator, value):
        teams = self.env["cx.team"].sudo().with_context(active_test=False).search(
            [("member_ids", "in", [self.env.uid])]).ids
        return self._my_work_domain(operator, value, Domain("user_id", "=", False) & Domain("team_id", "in", teams))

    def _search_is_my_teams_work(self, operator, value):
        teams = self.env["cx.team"].sudo().with_context(active_test=False).search(
            ["|", ("member_ids", "in", [self.env.uid]), ("leader_id", "=", self.env.uid)]).ids
        return self._my_work_domain(operator, value, Domain("team_id", "in", teams))

    # ------------------------------------------------------------
    # PARTS: each channel's items (hook methods)
    # ------------------------------------------------------------

    @api.model
    def _cx_work_part(self, slot, key, columns, table, waiting):
        """One part of the union: ``columns`` maps each name of
        ``WORK_COLUMNS`` but ``id`` to its SQL over ``table`` (one table and
        its alias, e.g. ``cx_ticket t``; other tables through scalar
        subqueries); ``waiting`` is the condition of the rows that are items.
        The item's id is ``key`` (the id of the part's row) times
        WORK_ID_FACTOR plus ``slot``, unique across parts (an index on that
        expression finds an item again).

        The part has no WHERE and no join on purpose: PostgreSQL merges only
        such parts into the outer query, where ``waiting``, the record rules
        and the filters become each part's own conditions (matching its
        partial indexes) and the parts are read in deadline order. The
        columns must have the same types in every part (cast literals)."""
        if set(columns) != set(WORK_COLUMNS) - {"id"}:
            raise ValueError(f"a work part selects exactly {WORK_COLUMNS[1:]}, not {sorted(columns)}")
        values = dict(columns, id=SQL("%s * %s + %s", key, WORK_ID_FACTOR, slot), waiting=SQL("(%s)", waiting))
        return SQL(
            "SELECT %s FROM %s",
            SQL(", ").join(SQL("%s AS %s", values[name], SQL.identifier(name)) for name in (*WORK_COLUMNS, "waiting")),
            table,
        )

    @api.model
    def _cx_work_parts(self):
        """The parts of the union (``_cx_work_part``); a channel appends its
        own to ``super()``'s.
        The ticket part: open tickets, due by their earliest running SLA
        clock (no SLA last)."""
        return [self._cx_work_part(
            WORK_SLOT_TICKET,
            SQL("t.id"),
            {
                "res_model": SQL("'cx.ticket'::varchar"),
                "res_id": SQL("t.id"),
                "item_type": SQL("'ticket'::varchar"),
                "channel": SQL("t.channel"),
                "name": SQL("(CASE WHEN t.number IS NULL OR t.number = '/' THEN t.name ELSE t.number || ' ' || t.name END)::varchar"),
                "partner_id": SQL("t.partner_id"),
                "team_id": SQL("t.team_id"),
                "user_id": SQL("t.user_id"),
                "company_id": SQL("t.company_id"),
                "deadline": SQL("t.sla_deadline"),
                "state": SQL("t.sla_status"),
            },
            SQL("cx_ticket t"),
            # written as the ticket's partial indexes are (see cx.ticket)
            SQL("t.active IS TRUE AND t.is_closed IS NOT TRUE"),
        )]

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    @api.model
    def _cx_action_my_work(self):
        """The "My work" window: one list for an agent, grouped by team for
        a supervisor."""
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_helpdesk.cx_work_item_action")
        if self.env.user.has_group("cx_helpdesk.group_cx_supervisor"):
            action["context"] = {"search_default_groupby_team": 1}
        return action

    def action_open(self):
        """The ticket, conversation or call behind the item."""
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id)
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------
    # BUSINESS: live updates
    # ------------------------------------------------------------

    @api.model
    def _cx_work_notify(self, users, teams, res_model, res_ids):
        """Tell the agents concerned that their "My work" changed: ``users``
        and the members and leaders of ``teams``. Collected until the
        transaction commits, then one bus message per user, whatever the
        number of records changed (no query before that)."""
        pending = self.env.cr.precommit.data.get("cx.work.notify")
        if pending is None:
            pending = self.env.cr.precommit.data["cx.work.notify"] = {"users": set(), "teams": set(), "models": set()}
            self.env.cr.precommit.add(self._cx_work_send)
        if res_ids:
            pending["users"].update(users.ids)
            pending["teams"].update(teams.ids)
            pending["models"].add(res_model)

    @api.model
    def _cx_work_send(self):
        pending = self.env.cr.precommit.data.pop("cx.work.notify", None)
        if not pending or not pending["models"]:
            return
        teams = self.env["cx.team"].sudo().browse(pending["teams"])
        users = self.env["res.users"].sudo().browse(pending["users"]) | teams.member_ids | teams.leader_id
        users.filtered(lambda user: not user.share)._bus_send(WORK_BUS_CHANNEL, {"res_models": sorted(pending["models"])})
