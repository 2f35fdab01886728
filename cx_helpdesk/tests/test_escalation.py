"""Tiers: escalating to the next team and sending back keep the SLA clocks,
the first-line agent follows, and the chatter tells the story."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError

from .common import MONDAY_9, CxHelpdeskCommon


class TestEscalation(CxHelpdeskCommon):
    def _escalate(self, ticket, direction="up", reason="Needs a refund approval", user=None):
        action = ticket.action_open_escalate() if direction == "up" else ticket.action_open_deescalate()
        wizard = (
            self.env["cx.ticket.escalate"]
            .with_user(user or self.env.user)
            .with_context(action["context"])
            .create({"reason": reason})
        )
        wizard.action_confirm()
        return wizard

    def test_escalate_and_send_back(self):
        self._policy(name="All tickets", resolution_hours=16)
        with freeze_time(MONDAY_9):
            ticket = self._ticket()
        first_agent = ticket.user_id
        line = self._sla(ticket, "resolution")
        deadline = line.deadline

        with freeze_time(MONDAY_9 + timedelta(hours=2)):
            wizard = self._escalate(ticket, user=first_agent)
        self.assertEqual(wizard.team_id, self.team_l2, "the team's escalation team is proposed")
        self.assertEqual(ticket.team_id, self.team_l2)
        self.assertEqual(ticket.user_id, self.agent_l2, "routed in the second line")
        self.assertEqual(ticket.escalated_from_team_id, self.team_l1)
        self.assertEqual(ticket.escalation_count, 1)
        self.assertIn(first_agent.partner_id, ticket.message_partner_ids, "the first-line agent follows")
        log = ticket.message_ids[0]
        self.assertIn("Escalated from Call Center to Customer Service", log.body)
        self.assertIn("Needs a refund approval", log.body)
        # the same clock carries on (same calendar): same line, same deadline
        self.assertEqual(self._sla(ticket, "resolution"), line)
        self.assertEqual(line.deadline, deadline)
        self.assertAlmostEqual(line.consumed_hours, 2, places=3)

        with freeze_time(MONDAY_9 + timedelta(hours=3)):
            wizard = self._escalate(ticket, direction="down", reason="Approved, please call back", user=self.agent_l2)
        self.assertEqual(wizard.team_id, self.team_l1)
        self.assertEqual(ticket.team_id, self.team_l1)
        self.assertFalse(ticket.escalated_from_team_id)
        self.assertIn("Sent back from Customer Service to Call Center", ticket.message_ids[0].body)
        self.assertEqual(line.deadline, deadline)

    def test_agent_can_escalate_own_ticket(self):
        ticket = self._ticket()
        self._escalate(ticket, user=ticket.user_id)
        self.assertEqual(ticket.team_id, self.team_l2)

    def test_same_team_is_refused(self):
        ticket = self._ticket(team_id=self.team_l2.id)
        wizard = self.env["cx.ticket.escalate"].create(
            {"ticket_id": ticket.id, "team_id": self.team_l2.id, "reason": "loop", "direction": "up"}
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()

    def test_escalation_loop_is_refused(self):
        with self.assertRaises(Exception):  # noqa: B017 (ValidationError from the constraint)
            self.team_l2.escalation_team_id = self.team_l1
            self.team_l2.flush_recordset()
