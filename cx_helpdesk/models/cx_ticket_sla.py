from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_datetime

from .cx_constants import SLA_STATUSES, SLA_TARGET_KINDS


class CxTicketSla(models.Model):
    """One SLA clock of a ticket: a target (first response or resolution)
    promised by a policy, counted in the team's working hours.

    The clock keeps ``consumed_hours`` (working time used before
    ``clock_started_at``) and, while it runs, the ``deadline`` and
    ``warning_deadline`` derived from it. ``next_check_at`` is the next instant
    the escalation cron must look at the line (null when nothing is due), on a
    partial index: the cron reads only due lines.
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
    status = fields.Selection(SLA_STATUSES, required=True, default="running", index=True)
    warning_done = fields.Boolean(help="The warning escalations ran.")
    breach_done = fields.Boolean(help="The breach escalations ran.")
    next_check_at = fields.Datetime()

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
                line.consumed_hours += elapsed / 3600
                line.clock_started_at = now

    def _cx_plan(self, now):
        """Compute deadline, warning deadline, status and next check of the
        running lines, in one schedule per team; writes them."""
        running = self.filtered("clock_started_at")
        values = {}
        for team, lines in running._cx_by_team():
            requests = []
            for line in lines:
                remaining = (line.target_hours - line.consumed_hours) * 3600
                requests.append((line.clock_started_at, max(remaining, 0)))
                if line.warning_percent:
                    warn = (line.target_hours * line.warning_percent / 100 - line.consumed_hours) * 3600
                    requests.append((line.clock_started_at, max(warn, 0)))
            deadlines = iter(team._cx_deadlines(requests))
            for line in lines:
                deadline = next(deadlines)
                warning = next(deadlines) if line.warning_percent else False
                values[line] = {"deadline": deadline, "warning_deadline": warning}
        for line, vals in values.items():
            vals.update(line._cx_status_values(now, vals["deadline"], vals["warning_deadline"]))
            line.write(vals)

    def _cx_status_values(self, now, deadline, warning_deadline):
        """Status and next check of a running line with these deadlines."""
        self.ensure_one()
        if deadline <= now:
            status = "breached"
        elif warning_deadline and warning_deadline <= now:
            status = "at_risk"
        else:
            status = "running"
        # a passed threshold whose escalations have not run yet is due at once
        checks = []
        if warning_deadline and not self.warning_done and not self.breach_done:
            checks.append(warning_deadline)
        if not self.breach_done:
            checks.append(deadline)
        return {"status": status, "next_check_at": min(checks) if checks else False}

    def _cx_pause(self, now):
        lines = self.filtered(lambda line: line.clock_started_at and not line.reached_date)
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
        lines = self.filtered(lambda line: not line.reached_date)
        lines._cx_checkpoint(now)
        for line in lines:
            met = line.consumed_hours <= line.target_hours + 1e-6
            line.write(
                {
                    "reached_date": now,
                    "clock_started_at": False,
                    "status": "met" if met else "breached",
                    "next_check_at": False,
                }
            )

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
        processed in pieces and a crash loses at most one batch.
        """
        now = fields.Datetime.now()
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        while lines := self.sudo().search([("next_check_at", "<=", now)], order="next_check_at, id", limit=batch_size):
            lines._cx_escalate(now)
            if in_cron and not self.env["ir.cron"]._commit_progress(len(lines)):
                self.env.ref("cx_helpdesk.ir_cron_sla_escalate")._trigger()
                return

    def _cx_escalate(self, now):
        """Mark the due lines at risk or breached and run their escalations.
        Lines whose policy asks for nothing at that trigger only get a note
        in their ticket's chatter, logged for all of them at once."""
        due = {"warning": self.browse(), "breach": self.browse()}
        for line in self:
            vals = {}
            if line.deadline and line.deadline <= now and not line.breach_done:
                vals.update(status="breached", breach_done=True, warning_done=True)
                due["breach"] |= line
            elif line.warning_deadline and line.warning_deadline <= now and not line.warning_done:
                vals.update(status="at_risk", warning_done=True)
                due["warning"] |= line
            checks = []
            if not vals.get("warning_done", line.warning_done) and line.warning_deadline:
                checks.append(line.warning_deadline)
            if not vals.get("breach_done", line.breach_done) and line.deadline:
                checks.append(line.deadline)
            vals["next_check_at"] = min(checks) if checks else False
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
