"""SLA clocks in business hours: deadlines, pauses, re-matching, breach and
escalation, all with a frozen clock."""

from datetime import datetime, timedelta

from freezegun import freeze_time

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
        # back to normal: the urgent lines go, the standard ones keep running
        with freeze_time(MONDAY_9 + timedelta(hours=3)):
            ticket.priority = "1"
        self.assertNotIn(urgent, ticket.sla_ids.policy_id)
        self.assertEqual(self._sla(ticket, "resolution").deadline, datetime(2026, 1, 6, 17))

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
