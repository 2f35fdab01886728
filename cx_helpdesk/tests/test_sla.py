"""SLA clocks in business hours: deadlines, pauses, re-matching, breach and
escalation, all with a frozen clock."""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError

from .common import MONDAY_9, CxHelpdeskCommon


class TestSla(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._policy(
            name="Standard",
            first_response_hours=4,
            resolution_hours=16,
            warning_percent=75,
        )

    def _run_cron(self, at):
        with freeze_time(at):
            self.env["cx.ticket.sla"]._cron_sla_escalate()
        self.env.invalidate_all()

    def test_deadlines_follow_working_hours(self):
        with freeze_time(datetime(2026, 1, 5, 15)):  # Monday 15:00
            ticket = self._ticket()
        first = self._sla(ticket, "first_response")
        resolution = self._sla(ticket, "resolution")
        # 2 h left on Monday, 2 h on Tuesday morning
        self.assertEqual(first.deadline, datetime(2026, 1, 6, 11))
        self.assertEqual(first.warning_deadline, datetime(2026, 1, 6, 10))  # 75 % of 4 h
        # 16 h: 2 (Mon) + 8 (Tue) + 6 (Wed)
        self.assertEqual(resolution.deadline, datetime(2026, 1, 7, 15))
        self.assertEqual(ticket.sla_status, "running")
        self.assertEqual(ticket.sla_deadline, first.deadline)

    def test_weekend_does_not_count(self):
        with freeze_time(datetime(2026, 1, 9, 16)):  # Friday 16:00
            ticket = self._ticket()
        self.assertEqual(self._sla(ticket, "first_response").deadline, datetime(2026, 1, 12, 12))

    def test_calendar_leave_does_not_count(self):
        # Monday 12 January is a public holiday
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 1, 12, 0),
                "date_to": datetime(2026, 1, 12, 23, 59, 59),
            }
        )
        with freeze_time(datetime(2026, 1, 9, 16)):
            ticket = self._ticket()
        self.assertEqual(self._sla(ticket, "first_response").deadline, datetime(2026, 1, 13, 12))

    def test_team_without_calendar_counts_calendar_hours(self):
        self.team_l1.resource_calendar_id = False
        with freeze_time(datetime(2026, 1, 9, 16)):
            ticket = self._ticket()
        self.assertEqual(self._sla(ticket, "first_response").deadline, datetime(2026, 1, 9, 20))

    def test_waiting_on_customer_pauses_and_resumes(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        with freeze_time(MONDAY_9 + timedelta(hours=3)):
            ticket.stage_id = self.stage_waiting
        resolution = self._sla(ticket, "resolution")
        self.assertEqual(resolution.status, "paused")
        self.assertFalse(resolution.deadline)
        self.assertAlmostEqual(resolution.consumed_hours, 3)
        self.assertEqual(ticket.sla_status, "paused")
        # the customer answers two days later, Wednesday 09:00: 13 h left
        with freeze_time(datetime(2026, 1, 7, 9)):
            ticket.stage_id = self.stage_progress
        self.assertEqual(resolution.status, "running")
        self.assertEqual(resolution.deadline, datetime(2026, 1, 8, 14))

    def test_excluded_stage_pauses(self):
        self.policy.exclude_stage_ids = self.stage_progress
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            ticket.stage_id = self.stage_progress
        self.assertEqual(self._sla(ticket, "resolution").status, "paused")

    def test_priority_change_keeps_time_used(self):
        urgent = self._policy(name="Urgent", priority="3", resolution_hours=8, first_response_hours=1)
        self.policy.priority = "0"
        self.policy.write({"team_ids": [(6, 0, self.team_l1.ids)]})
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        # 2 working hours later the ticket becomes urgent: both policies now
        # apply; the urgent resolution clock starts with the 2 h already used
        with freeze_time(MONDAY_9 + timedelta(hours=2)):
            ticket.priority = "3"
        urgent_resolution = ticket.sla_ids.filtered(lambda line: line.policy_id == urgent and line.kind == "resolution")
        self.assertAlmostEqual(urgent_resolution.consumed_hours, 2, places=3)
        self.assertEqual(urgent_resolution.deadline, datetime(2026, 1, 5, 17))
        # back to normal: the urgent lines stop (replaced, kept), the standard ones keep running
        with freeze_time(MONDAY_9 + timedelta(hours=3)):
            ticket.priority = "1"
        replaced = ticket.sla_ids.filtered("replaced_date")
        self.assertEqual(replaced.policy_id, urgent)
        current = ticket.sla_ids - replaced
        self.assertEqual(current.policy_id, self.policy)
        self.assertEqual(current.filtered(lambda line: line.kind == "resolution").deadline, datetime(2026, 1, 6, 17))

    def test_replacing_policy_carries_time_used(self):
        """A team change makes another policy apply: its clock starts from the
        working time the ticket had already used."""
        self.policy.team_ids = self.team_l1
        l2_policy = self._policy(name="Second line", team_ids=[(6, 0, self.team_l2.ids)], resolution_hours=10)
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        with freeze_time(MONDAY_9 + timedelta(hours=5)):
            ticket.team_id = self.team_l2
        line = self._sla(ticket, "resolution")
        self.assertEqual(line.policy_id, l2_policy)
        self.assertAlmostEqual(line.consumed_hours, 5, places=3)
        self.assertEqual(line.deadline, datetime(2026, 1, 6, 11))

    def test_agent_reply_meets_first_response(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            ticket.with_user(ticket.user_id).message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        first = self._sla(ticket, "first_response")
        self.assertEqual(first.status, "met")
        self.assertEqual(ticket.first_response_date, MONDAY_9 + timedelta(hours=1))
        # an internal note is not a response
        other = self._ticket()
        other.with_user(other.user_id).message_post(body="checking", message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertFalse(other.first_response_date)

    def test_closing_meets_resolution_and_reopening_resumes(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        with freeze_time(MONDAY_9 + timedelta(hours=6)):
            ticket.stage_id = self.stage_solved
        resolution = self._sla(ticket, "resolution")
        self.assertEqual(resolution.status, "met")
        self.assertEqual(ticket.close_date, MONDAY_9 + timedelta(hours=6))
        # reopened Tuesday 09:00: 10 h left
        with freeze_time(datetime(2026, 1, 6, 9)):
            ticket.stage_id = self.stage_progress
        self.assertEqual(resolution.status, "running")
        self.assertFalse(ticket.close_date)
        self.assertEqual(resolution.deadline, datetime(2026, 1, 7, 11))

    def test_late_resolution_is_breached(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        with freeze_time(datetime(2026, 1, 8, 9)):  # Thursday: 24 working hours later
            ticket.stage_id = self.stage_solved
        self.assertEqual(self._sla(ticket, "resolution").status, "breached")

    def test_warning_then_breach_escalations_fire_once(self):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        self.policy.escalation_ids = [
            (0, 0, {"trigger": "warning", "action": "notify"}),
            (0, 0, {"trigger": "breach", "action": "raise_priority"}),
            (0, 0, {"trigger": "breach", "action": "activity", "activity_type_id": activity_type.id}),
        ]
        with freeze_time(MONDAY_9):
            ticket = self._ticket(priority="1")
        first = self._sla(ticket, "first_response")
        messages = ticket.message_ids

        self._run_cron(MONDAY_9 + timedelta(hours=2))  # nothing due yet
        self.assertEqual(first.status, "running")
        self.assertEqual(ticket.message_ids, messages)

        self._run_cron(MONDAY_9 + timedelta(hours=3, minutes=1))  # past 75 % of 4 h
        self.assertEqual(first.status, "at_risk")
        self.assertEqual(ticket.sla_status, "at_risk")
        warning = ticket.message_ids - messages
        self.assertEqual(len(warning), 1)
        self.assertIn(self.supervisor.partner_id, warning.partner_ids, "the team leader is notified")

        self._run_cron(MONDAY_9 + timedelta(hours=4, minutes=1))
        self.assertEqual(first.status, "breached")
        self.assertEqual(ticket.priority, "2")
        self.assertEqual(len(ticket.activity_ids), 1)

        # later runs do not fire again
        count = len(ticket.message_ids)
        self._run_cron(MONDAY_9 + timedelta(hours=7))
        self._run_cron(datetime(2026, 1, 6, 12))
        self.assertEqual(ticket.priority, "2")
        self.assertEqual(len(ticket.activity_ids), 1)
        self.assertEqual(len(ticket.message_ids), count)

    def test_breach_reassigns_to_team(self):
        self.policy.escalation_ids = [(0, 0, {"trigger": "breach", "action": "reassign_team", "team_id": self.team_l2.id})]
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        agent = ticket.user_id
        self._run_cron(MONDAY_9 + timedelta(hours=5))
        self.assertEqual(ticket.team_id, self.team_l2)
        self.assertEqual(ticket.user_id, self.agent_l2)
        self.assertIn(agent.partner_id, ticket.message_partner_ids)

    def test_cron_reads_only_due_lines(self):
        with freeze_time(MONDAY_9):
            self._ticket()
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            with self.assertQueryCount(1):
                self.env["cx.ticket.sla"]._cron_sla_escalate()

    def test_policy_criteria(self):
        vip = self.env["res.partner.category"].create({"name": "VIP (SLA test)"})
        tag = self.env["cx.ticket.tag"].create({"name": "Outage (SLA test)"})
        ticket_type = self.env["cx.ticket.type"].create({"name": "Complaint (SLA test)"})
        policy = self._policy(
            name="VIP outages",
            first_response_hours=1,
            team_ids=[(6, 0, self.team_l1.ids)],
            priority="2",
            type_ids=[(6, 0, ticket_type.ids)],
            tag_ids=[(6, 0, tag.ids)],
            channel="phone",
            partner_category_ids=[(6, 0, vip.ids)],
        )
        company = self.env["res.partner"].create({"name": "Big Co", "category_id": [(6, 0, vip.ids)]})
        contact = self.env["res.partner"].create({"name": "Contact", "parent_id": company.id})
        values = {
            "team_id": self.team_l1.id,
            "priority": "3",
            "type_id": ticket_type.id,
            "tag_ids": [(6, 0, tag.ids)],
            "channel": "phone",
            "partner_id": contact.id,
        }
        self.assertIn(policy, self._ticket(**values).sla_ids.policy_id, "category of the contact's company")
        for field, value in (
            ("team_id", self.team_l2.id),
            ("priority", "1"),
            ("type_id", False),
            ("tag_ids", [(5, 0, 0)]),
            ("channel", "email"),
            ("partner_id", self.customer.id),
        ):
            self.assertNotIn(policy, self._ticket(**dict(values, **{field: value})).sla_ids.policy_id, field)

    # ------------------------------------------------------------
    # the records the KPIs count: nothing deleted, nothing made up
    # ------------------------------------------------------------

    def _current(self, ticket, kind, policy=None):
        lines = ticket.sla_ids.filtered(
            lambda line: line.kind == kind and not line.replaced_date and (policy is None or line.policy_id == policy)
        )
        self.assertEqual(len(lines), 1, f"one current {kind} line expected")
        return lines

    def test_breach_then_lower_priority_keeps_breach(self):
        urgent = self._policy(name="Urgent", priority="3", first_response_hours=1, resolution_hours=8)
        with freeze_time(MONDAY_9):
            ticket = self._ticket(priority="3")
        urgent_first = self._current(ticket, "first_response", urgent)
        urgent_resolution = self._current(ticket, "resolution", urgent)
        self._run_cron(MONDAY_9 + timedelta(hours=2))
        self.assertEqual(urgent_first.status, "breached")
        with freeze_time(MONDAY_9 + timedelta(hours=2)):
            ticket.priority = "1"
        self.assertTrue(urgent_first.exists(), "a breached line is never deleted")
        self.assertEqual(urgent_first.status, "breached")
        self.assertEqual(urgent_first.replaced_date, MONDAY_9 + timedelta(hours=2))
        self.assertFalse(urgent_first.next_check_at)
        # on track when replaced: no outcome, but still on record
        self.assertTrue(urgent_resolution.exists())
        self.assertEqual(urgent_resolution.status, "replaced")
        self.assertAlmostEqual(urgent_resolution.consumed_hours, 2, places=3)
        # the breach stays the ticket's, the standard clocks run on
        self.assertEqual(ticket.sla_status, "breached")
        self.assertEqual(self._current(ticket, "resolution").policy_id, self.policy)
        # what a report counts: one breached first-response target
        breached = self.env["cx.ticket.sla"].search_count(
            [("ticket_id", "=", ticket.id), ("kind", "=", "first_response"), ("status", "=", "breached")]
        )
        self.assertEqual(breached, 1)

    def test_overdue_line_replaced_before_the_cron_is_breached(self):
        urgent = self._policy(name="Urgent", priority="3", first_response_hours=1)
        with freeze_time(MONDAY_9):
            ticket = self._ticket(priority="3")
        line = self._current(ticket, "first_response", urgent)
        with freeze_time(MONDAY_9 + timedelta(hours=3)):  # the cron has not run
            ticket.priority = "0"
        self.assertEqual(line.status, "breached")
        self.assertTrue(line.replaced_date)

    def test_met_line_replaced_keeps_success_and_does_not_reopen(self):
        self.policy.team_ids = self.team_l1
        self._policy(name="Second line", team_ids=[(6, 0, self.team_l2.ids)], resolution_hours=10)
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        first = self._sla(ticket, "first_response")
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            ticket.with_user(ticket.user_id).message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(first.status, "met")
        with freeze_time(MONDAY_9 + timedelta(hours=2)):
            ticket.team_id = self.team_l2
        self.assertEqual(first.status, "met")
        self.assertTrue(first.replaced_date)
        self.assertEqual(ticket.sla_ids.filtered(lambda line: not line.replaced_date).policy_id.name, "Second line")

    def test_policy_applying_again_gets_a_new_line(self):
        urgent = self._policy(name="Urgent", priority="3", resolution_hours=8)
        with freeze_time(MONDAY_9):
            ticket = self._ticket(priority="3")
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            ticket.priority = "1"
        with freeze_time(MONDAY_9 + timedelta(hours=2)):
            ticket.priority = "3"
        lines = ticket.sla_ids.filtered(lambda line: line.policy_id == urgent)
        self.assertEqual(len(lines), 2)
        new = self._current(ticket, "resolution", urgent)
        self.assertEqual(new.status, "running")
        self.assertAlmostEqual(new.consumed_hours, 2, places=3, msg="carried from the standard clock")

    def test_closing_without_answer_does_not_meet_first_response(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            ticket.stage_id = self.stage_solved
        first = self._sla(ticket, "first_response")
        self.assertEqual(first.status, "unanswered")
        self.assertFalse(first.reached_date)
        self.assertFalse(first.next_check_at)
        self.assertEqual(self._sla(ticket, "resolution").status, "met")
        self.assertEqual(ticket.sla_status, "unanswered")
        # nothing fires on a closed ticket
        messages = ticket.message_ids
        self._run_cron(MONDAY_9 + timedelta(days=3))
        self.assertEqual(first.status, "unanswered")
        self.assertEqual(ticket.message_ids, messages)
        # reopened: the customer still waits for an answer, the clock runs on
        with freeze_time(MONDAY_9 + timedelta(hours=2)):
            ticket.stage_id = self.stage_progress
        self.assertEqual(first.status, "running")
        self.assertEqual(first.deadline, MONDAY_9 + timedelta(hours=5))

    def test_cancelling_late_without_answer_is_breached(self):
        cancelled = self.env.ref("cx_helpdesk.stage_cancelled")
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        with freeze_time(MONDAY_9 + timedelta(hours=6)):
            ticket.stage_id = cancelled
        self.assertEqual(self._sla(ticket, "first_response").status, "breached")

    def test_failing_escalation_is_isolated_and_retried(self):
        self.policy.escalation_ids = [(0, 0, {"trigger": "breach", "action": "raise_priority"})]
        with freeze_time(MONDAY_9):
            bad = self._ticket(name="bad", priority="1")
            good = self._ticket(name="good", priority="1")
        bad_line, good_line = self._sla(bad, "first_response"), self._sla(good, "first_response")
        Ticket = self.registry["cx.ticket"]
        original = Ticket._cx_run_escalations
        calls = []

        def failing(ticket, line, trigger):
            calls.append(ticket.id)
            if ticket.name == "bad":
                raise UserError("The escalation target is gone")
            return original(ticket, line, trigger)

        at = MONDAY_9 + timedelta(hours=5)
        with patch.object(Ticket, "_cx_run_escalations", failing):
            with self.assertLogs("odoo.addons.cx_helpdesk.models.cx_ticket_sla", "ERROR") as logs:
                with freeze_time(at):
                    # one line per batch: the failing one must not hold the loop
                    self.env["cx.ticket.sla"]._cron_sla_escalate(batch_size=1)
            self.env.invalidate_all()
            self.assertIn(f"line {bad_line.id}", logs.output[0])
            self.assertEqual(good.priority, "2", "the other line fired")
            self.assertTrue(good_line.breach_done)
            self.assertEqual(bad.priority, "1")
            self.assertFalse(bad_line.breach_done, "rolled back: tried again later")
            self.assertEqual(bad_line.escalation_failures, 1)
            self.assertIn("target is gone", bad_line.escalation_error)
            self.assertGreater(bad_line.next_check_at, at)
            # the next run does not pick it again before its delay
            calls.clear()
            self._run_cron(at + timedelta(minutes=1))
            self.assertFalse(calls)
            # still failing after the delay: the delay doubles
            with self.assertLogs("odoo.addons.cx_helpdesk.models.cx_ticket_sla", "ERROR"):
                self._run_cron(at + timedelta(minutes=11))
            self.assertEqual(bad_line.escalation_failures, 2)
            self.assertEqual(bad_line.next_check_at, at + timedelta(minutes=31))
        # fixed: it fires at its next check
        self._run_cron(at + timedelta(minutes=31))
        self.assertEqual(bad.priority, "2")
        self.assertTrue(bad_line.breach_done)
        self.assertEqual(bad_line.escalation_failures, 0)
        self.assertFalse(bad_line.escalation_error)

    def test_policy_with_outcomes_is_archived_not_deleted(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        spare = self._policy(name="Never used", priority="3", first_response_hours=1)
        self._run_cron(MONDAY_9 + timedelta(hours=5))  # the first response breached
        with self.assertRaises(UserError):
            self.policy.unlink()
        self.assertEqual(self._sla(ticket, "first_response").status, "breached")
        spare.unlink()
        # archived: its lines stay, a re-match replaces them
        self.policy.active = False
        with freeze_time(MONDAY_9 + timedelta(hours=6)):
            ticket.priority = "1"
        self.assertEqual(sorted(ticket.sla_ids.mapped("status")), ["breached", "replaced"])
        self.assertTrue(all(ticket.sla_ids.mapped("replaced_date")))
