import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_datetime

from odoo.addons.cx_helpdesk.tools import sla as sla_rules

from .cx_constants import SLA_STATUSES, SLA_TARGET_KINDS, TICKET_CHANNELS

_logger = logging.getLogger(__name__)

# a line whose escalation failed is tried again after this delay, doubled at
# each new failure up to a day
ESCALATION_RETRY_DELAY = timedelta(minutes=10)
ESCALATION_RETRY_MAX_DELAY = timedelta(days=1)


class CxTicketSla(models.Model):
    """One SLA clock of a ticket: a target (first response or resolution)
    promised by a policy, counted in the team's working hours.

    The clock keeps ``consumed_hours`` (working time used before
    ``clock_started_at``) and, while it runs, the ``deadline`` and
    ``warning_deadline`` derived from it. ``next_check_at`` is the next instant
    the escalation cron must look at the line (null when nothing is due), on a
    partial index: the cron reads only due lines.

    Lines are records the KPIs count, so none is ever deleted. A line ends
    ``met`` or ``breached`` when its target is reached; when a change of the
    ticket (team, priority, type, tags...) makes its policy stop applying, it
    gets a ``replaced_date`` and keeps its outcome: ``breached`` if its target
    time was already used up, ``met`` if it had been reached in time, else
    ``replaced`` (no outcome: the time used goes on in the line that follows).
    A first-response target of a ticket closed before any public answer ends
    ``unanswered`` (or ``breached`` when overdue), never ``met``; it runs again
    if the ticket is reopened. Compliance counts ``met`` and ``breached``.

    The first public answer on any channel linked to the ticket (an e-mail or
    portal reply, a WhatsApp message, a call) reaches the first-response line,
    which records that channel in ``answered_channel``
    (``cx.ticket._cx_channel_answered``). The rules themselves (deadlines,
    status, next check, outcomes) are in ``tools/sla.py``.
    """

    _name = "cx.ticket.sla"
    _description = "Ticket SLA"
    _order = "deadline, id"

    ticket_id = fields.Many2one("cx.ticket", required=True, ondelete="cascade", index=True)
    policy_id = fields.Many2one("cx.sla.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    team_id = fields.Many2one(related="ticket_id.team_id")
    kind = fields.Selection(SLA_TARGET_KINDS, required=True)
    target_stage_id = fields.Many2one("cx.ticket.stage", string="Target Stage")
    target_hours = fields.Float(required=True)
    warning_percent = fields.Integer()
    consumed_hours = fields.Float(
        string="Working Time Used (h)",
        help="Working hours used before the clock last (re)started.",
    )
    clock_started_at = fields.Datetime(help="Since when the clock runs; empty while paused or reached.")
    deadline = fields.Datetime(index=True)
    warning_deadline = fields.Datetime()
    reached_date = fields.Datetime(string="Reached On")
    answered_channel = fields.Selection(
        TICKET_CHANNELS,
        string="Answered On",
        readonly=True,
        help="The channel of the public answer that reached this first-response target.",
    )
    status = fields.Selection(SLA_STATUSES, required=True, default="running", index=True)
    warning_done = fields.Boolean(help="The warning escalations ran.")
    breach_done = fields.Boolean(help="The breach escalations ran.")
    next_check_at = fields.Datetime()
    replaced_date = fields.Datetime(
        string="Replaced On",
        help="When a change of the ticket made this policy stop applying; the line keeps its outcome.",
    )
    escalation_error = fields.Char(help="Why the last escalation of this line failed; it is tried again later.")
    escalation_failures = fields.Integer(help="Escalation attempts that failed in a row.")

    _next_check_at_idx = models.Index("(next_check_at) WHERE next_check_at IS NOT NULL")

    @api.depends("policy_id", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for line in self:
            line.display_name = f"{line.policy_id.name} ({kinds.get(line.kind)})"

    # ------------------------------------------------------------
    # BUSINESS: the clock
    # ------------------------------------------------------------

    def _cx_by_team(self):
        """``(team, lines)`` pairs; the empty team (no calendar) counts 24/7."""
        groups = defaultdict(lambda: self.browse())
        for line in self:
            groups[line.ticket_id.team_id] |= line
        return groups.items()

    def _cx_checkpoint(self, now):
        """Fold the working time elapsed since ``clock_started_at`` into
        ``consumed_hours`` and restart the clock at ``now`` (running lines
        only). One schedule per team."""
        running = self.filtered("clock_started_at")
        for team, lines in running._cx_by_team():
            seconds = team._cx_working_seconds([(line.clock_started_at, now) for line in lines])
            for line, elapsed in zip(lines, seconds, strict=True):
                line.consumed_hours = sla_rules.consume(line.consumed_hours, elapsed)
                line.clock_started_at = now

    def _cx_plan(self, now):
        """Compute deadline, warning deadline, status and next check of the
        running lines, in one schedule per team; writes them."""
        running = self.filtered("clock_started_at")
        for team, lines in running._cx_by_team():
            plans = sla_rules.plan(now, [line._cx_clock() for line in lines], team._cx_deadlines)
            for line, values in zip(lines, plans, strict=True):
                line.write(values)

    def _cx_clock(self):
        """The line as a running clock of the SLA rules."""
        self.ensure_one()
        return sla_rules.Clock(
            started_at=self.clock_started_at,
            target_hours=self.target_hours,
            consumed_hours=self.consumed_hours,
            warning_percent=self.warning_percent,
            warning_done=self.warning_done,
            breach_done=self.breach_done,
        )

    def _cx_pause(self, now):
        lines = self.filtered(
            lambda line: (line.clock_started_at or line.status == "unanswered") and not line.reached_date
        )
        lines._cx_checkpoint(now)
        lines.write(
            {
                "clock_started_at": False,
                "deadline": False,
                "warning_deadline": False,
                "status": "paused",
                "next_check_at": False,
            }
        )

    def _cx_resume(self, now):
        lines = self.filtered(lambda line: not line.clock_started_at and not line.reached_date)
        lines.write({"clock_started_at": now})
        lines._cx_plan(now)

    def _cx_reach(self, now):
        """The target is reached at ``now``: met if within the target time."""
        lines = self.filtered(lambda line: not line.reached_date and not line.replaced_date)
        lines._cx_checkpoint(now)
        for line in lines:
            line.write(
                {
                    "reached_date": now,
                    "clock_started_at": False,
                    "status": sla_rules.reached_status(line.consumed_hours, line.target_hours),
                    "next_check_at": False,
                }
            )

    def _cx_stop_unanswered(self, now):
        """The ticket closes before any public answer: the first-response
        clock stops, ``unanswered`` or ``breached`` (never met)."""
        lines = self.filtered(lambda line: not line.reached_date and not line.replaced_date)
        lines._cx_checkpoint(now)
        for line in lines:
            line.write(
                {
                    "clock_started_at": False,
                    "status": sla_rules.unanswered_status(line.status, line.consumed_hours, line.target_hours),
                    "next_check_at": False,
                }
            )

    def _cx_replace(self, now):
        """The lines' policies no longer apply to their tickets: stop them,
        keeping their outcome (see the class docstring)."""
        lines = self.filtered(lambda line: not line.replaced_date)
        lines._cx_checkpoint(now)
        for line in lines:
            vals = {"replaced_date": now, "clock_started_at": False, "next_check_at": False}
            if not line.reached_date:
                vals["status"] = sla_rules.replaced_status(line.status, line.consumed_hours, line.target_hours)
            line.write(vals)

    def _cx_reopen(self, now, paused=False):
        """A reached resolution target is no longer reached (ticket reopened):
        the clock continues from the time already used."""
        lines = self.filtered("reached_date")
        lines.write({"reached_date": False, "status": "paused", "deadline": False, "warning_deadline": False})
        if not paused:
            lines._cx_resume(now)

    # ------------------------------------------------------------
    # BUSINESS: escalation cron
    # ------------------------------------------------------------

    @api.model
    def _cron_sla_escalate(self, batch_size=1000):
        """Run the warning and breach escalations of the lines now due.

        Reads only due lines through the partial index on ``next_check_at``
        (nothing due: one index probe). Inside the cron it commits after each
        batch and re-triggers itself when its time is up, so a long backlog is
        processed in pieces and a crash loses at most one batch. A line whose
        escalation fails is rolled back alone, logged, and tried again later
        (see :meth:`_cx_escalate_isolated`): the others still fire.
        """
        now = fields.Datetime.now()
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        while lines := self.sudo().search([("next_check_at", "<=", now)], order="next_check_at, id", limit=batch_size):
            lines._cx_escalate_isolated(now)
            if in_cron and not self.env["ir.cron"]._commit_progress(len(lines)):
                self.env.ref("cx_helpdesk.ir_cron_sla_escalate")._trigger()
                return

    def _cx_escalate_isolated(self, now):
        """:meth:`_cx_escalate` in one savepoint for the batch; when something
        in it fails, again with a savepoint per line. A failing line is logged
        and postponed (``next_check_at`` moves past ``now`` by a delay that
        doubles at each failure): no run picks it again before then, and the
        cron's loop moves on."""
        failed = self.browse()
        try:
            with self.env.cr.savepoint():
                self._cx_escalate(now)
        except Exception:
            # whatever an action raises, only its own line waits
            for line in self:
                try:
                    with self.env.cr.savepoint():
                        line._cx_escalate(now)
                except Exception as error:
                    _logger.exception("SLA escalation of line %s (ticket %s) failed", line.id, line.ticket_id.id)
                    delay = min(ESCALATION_RETRY_DELAY * 2**line.escalation_failures, ESCALATION_RETRY_MAX_DELAY)
                    line.write(
                        {
                            "next_check_at": now + delay,
                            "escalation_error": (str(error) or repr(error))[:500],
                            "escalation_failures": line.escalation_failures + 1,
                        }
                    )
                    failed |= line
        (self - failed).filtered("escalation_failures").write({"escalation_error": False, "escalation_failures": 0})

    def _cx_escalate(self, now):
        """Mark the due lines at risk or breached and run their escalations.
        Lines whose policy asks for nothing at that trigger only get a note
        in their ticket's chatter, logged for all of them at once."""
        due = {"warning": self.browse(), "breach": self.browse()}
        for line in self:
            vals = {}
            trigger = sla_rules.due_trigger(now, line.deadline, line.warning_deadline, line.warning_done, line.breach_done)
            if trigger == "breach":
                vals.update(status="breached", breach_done=True, warning_done=True)
            elif trigger == "warning":
                vals.update(status="at_risk", warning_done=True)
            if trigger:
                due[trigger] |= line
            vals["next_check_at"] = sla_rules.next_check(
                line.deadline,
                line.warning_deadline,
                vals.get("warning_done", line.warning_done),
                vals.get("breach_done", line.breach_done),
            )
            line.write(vals)
        for trigger, lines in due.items():
            acting = lines.filtered(lambda line, trigger=trigger: trigger in line.policy_id.escalation_ids.mapped("trigger"))
            bodies = defaultdict(list)
            for line in lines - acting:
                bodies[line.ticket_id.id].append(line._cx_escalation_message(trigger))
            if bodies:
                tickets = self.env["cx.ticket"].browse(list(bodies))
                tickets._message_log_batch({ticket_id: Markup("<br/>").join(texts) for ticket_id, texts in bodies.items()})
            for line in acting:
                line.ticket_id._cx_run_escalations(line, trigger)

    def _cx_escalation_message(self, trigger):
        self.ensure_one()
        deadline = format_datetime(self.env, self.deadline, dt_format="short")
        if trigger == "warning":
            return self.env._("SLA %(sla)s is at risk: due %(deadline)s.", sla=self.display_name, deadline=deadline)
        return self.env._("SLA %(sla)s is breached: it was due %(deadline)s.", sla=self.display_name, deadline=deadline)
