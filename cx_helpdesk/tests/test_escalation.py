"""Tiers: escalating to the next team and sending back keep the SLA clocks,
the first-line agent follows, and the chatter tells the story."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user

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


class TestEscalationCompanies(CxHelpdeskCommon):
    """Neither a tier escalation nor an SLA reassignment moves a ticket into
    another company, and routing gives no ticket to an agent who cannot open
    its company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co (escalation test)"})
        cls.other_team = cls.env["cx.team"].create(
            {"name": "Other support", "company_id": cls.other_company.id, "assignment_method": "manual"}
        )

    def test_team_cannot_escalate_to_another_company(self):
        with self.assertRaises(UserError):
            self.team_l2.escalation_team_id = self.other_team

    def test_sla_reassignment_to_another_company_is_refused(self):
        policy = self._policy(name="Breach moves", first_response_hours=1)
        with self.assertRaises(UserError):
            policy.escalation_ids = [(0, 0, {"trigger": "breach", "action": "reassign_team", "team_id": self.other_team.id})]
        with self.assertRaises(UserError):
            policy.team_ids = self.other_team
        outsider = new_test_user(
            self.env, "cx_outsider", groups="cx_helpdesk.group_cx_agent",
            company_id=self.other_company.id, company_ids=[(6, 0, self.other_company.ids)],
        )
        with self.assertRaises(UserError):
            policy.escalation_ids = [(0, 0, {"trigger": "breach", "action": "reassign_user", "user_id": outsider.id})]

    def test_wizard_refuses_a_team_of_another_company(self):
        ticket = self._ticket()
        with self.assertRaises(UserError):
            self.env["cx.ticket.escalate"].create(
                {"ticket_id": ticket.id, "team_id": self.other_team.id, "reason": "wrong company", "direction": "up"}
            )
        self.assertEqual(ticket.team_id, self.team_l1)

    def test_move_to_team_of_another_company_is_refused(self):
        """An escalation configured before the companies were checked (or a
        team moved to another company since) fails, and the ticket stays."""
        ticket = self._ticket()
        with self.assertRaises(UserError):
            ticket._cx_move_to_team(self.other_team, "SLA breached", escalate=None)
        self.assertEqual(ticket.team_id, self.team_l1)
        self.assertEqual(ticket.company_id, self.env.company)

    def test_routing_skips_agents_without_the_company(self):
        # agent_1 works for the first company only; agent_2 for both
        self.agent_2.company_ids = [(4, self.other_company.id)]
        self.other_team.write(
            {"assignment_method": "round_robin", "member_ids": [(6, 0, (self.agent_1 | self.agent_2).ids)]}
        )
        tickets = self.env["cx.ticket"].create([{"name": f"T{i}", "team_id": self.other_team.id} for i in range(4)])
        self.assertEqual(tickets.user_id, self.agent_2)
        self.other_team.assignment_method = "load"
        self.assertEqual(self._ticket(team_id=self.other_team.id).user_id, self.agent_2)
