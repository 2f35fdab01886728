"""Who sees and changes which ticket, tested as the least-privileged user."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import CxHelpdeskCommon


class TestSecurity(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_l1.assignment_method = "manual"
        cls.team_l2.assignment_method = "manual"
        Ticket = cls.env["cx.ticket"]
        cls.own = Ticket.create({"name": "own", "team_id": cls.team_l1.id, "user_id": cls.agent_1.id})
        cls.colleague = Ticket.create({"name": "colleague", "team_id": cls.team_l1.id, "user_id": cls.agent_2.id})
        cls.unassigned = Ticket.create({"name": "unassigned", "team_id": cls.team_l1.id})
        cls.other_team = Ticket.create({"name": "other team", "team_id": cls.team_l2.id})
        cls.other_team_agent = Ticket.create({"name": "other team agent", "team_id": cls.team_l2.id, "user_id": cls.agent_l2.id})
        cls.all_tickets = cls.own | cls.colleague | cls.unassigned | cls.other_team | cls.other_team_agent

    def _visible(self, user):
        return self.env["cx.ticket"].with_user(user).search([("id", "in", self.all_tickets.ids)])

    def test_agent_sees_own_and_unassigned_of_their_teams(self):
        self.assertEqual(self._visible(self.agent_1), self.own | self.unassigned)
        with self.assertRaises(AccessError):
            self.colleague.with_user(self.agent_1).read(["name"])
        with self.assertRaises(AccessError):
            self.other_team.with_user(self.agent_1).read(["name"])

    def test_agent_sees_unassigned_of_open_teams(self):
        self.team_l2.visibility = "internal"
        self.assertEqual(self._visible(self.agent_1), self.own | self.unassigned | self.other_team)
        self.other_team.with_user(self.agent_1).write({"priority": "2"})
        self.assertEqual(self.other_team.priority, "2")
        with self.assertRaises(AccessError):
            self.other_team_agent.with_user(self.agent_1).read(["name"])

    def test_tickets_without_team(self):
        Ticket = self.env["cx.ticket"]
        free = Ticket.create({"name": "no team", "team_id": False})
        taken = Ticket.create({"name": "no team, taken", "team_id": False, "user_id": self.agent_2.id})
        # any agent may take an unassigned ticket without team, not see one taken by someone else
        free.with_user(self.agent_l2).write({"priority": "1"})
        self.assertEqual(Ticket.with_user(self.agent_l2).search([("id", "in", (free | taken).ids)]), free)
        self.assertEqual(Ticket.with_user(self.supervisor).search([("id", "in", (free | taken).ids)]), free | taken)

    def test_agent_changes_own_ticket(self):
        self.own.with_user(self.agent_1).write({"priority": "2", "stage_id": self.stage_progress.id})
        self.assertEqual(self.own.priority, "2")

    def test_agent_reads_but_cannot_change_followed_ticket(self):
        self.colleague.message_subscribe(partner_ids=self.agent_1.partner_id.ids)
        self.assertEqual(self.colleague.with_user(self.agent_1).name, "colleague")
        with self.assertRaises(AccessError):
            self.colleague.with_user(self.agent_1).write({"priority": "3"})

    def test_agent_takes_an_unassigned_ticket(self):
        self.unassigned.with_user(self.agent_1).action_assign_to_me()
        self.assertEqual(self.unassigned.user_id, self.agent_1)

    def test_agent_cannot_delete_or_configure(self):
        with self.assertRaises(AccessError):
            self.own.with_user(self.agent_1).unlink()
        with self.assertRaises(AccessError):
            self.env["cx.sla.policy"].with_user(self.agent_1).create({"name": "mine", "first_response_hours": 1})
        with self.assertRaises(AccessError):
            self.team_l1.with_user(self.agent_1).write({"assignment_method": "manual"})

    def test_agent_sees_sla_lines_of_visible_tickets_only(self):
        self._policy(name="Any", first_response_hours=2)
        tickets = self.env["cx.ticket"].create(
            [
                {"name": "mine", "team_id": self.team_l1.id, "user_id": self.agent_1.id},
                {"name": "not mine", "team_id": self.team_l1.id, "user_id": self.agent_2.id},
            ]
        )
        lines = self.env["cx.ticket.sla"].with_user(self.agent_1).search([("ticket_id", "in", tickets.ids)])
        self.assertEqual(lines.ticket_id, tickets[0])

    def test_agent_creates_in_their_teams_only(self):
        Ticket = self.env["cx.ticket"].with_user(self.agent_1)
        mine = Ticket.create({"name": "from the phone", "team_id": self.team_l1.id, "user_id": self.agent_1.id})
        self.assertEqual(mine.user_id, self.agent_1)
        with self.assertRaises(AccessError):
            Ticket.create({"name": "for the second line", "team_id": self.team_l2.id})
        with self.assertRaises(AccessError):
            Ticket.create({"name": "for a colleague", "team_id": self.team_l1.id, "user_id": self.agent_2.id})

    def test_agent_of_another_team_sees_only_their_team(self):
        self.assertEqual(self._visible(self.agent_l2), self.other_team | self.other_team_agent)
        with self.assertRaises(AccessError):
            self.unassigned.with_user(self.agent_l2).write({"priority": "3"})

    def test_supervisor_changes_and_deletes_their_teams_tickets(self):
        self.team_l2.leader_id = self.manager
        self.colleague.with_user(self.supervisor).write({"user_id": self.agent_3.id})
        self.assertEqual(self.colleague.user_id, self.agent_3)
        with self.assertRaises(AccessError):
            self.other_team_agent.with_user(self.supervisor).write({"priority": "3"})
        with self.assertRaises(AccessError):
            self.other_team.with_user(self.supervisor).unlink()
        self.colleague.with_user(self.supervisor).unlink()
        self.assertFalse(self.colleague.exists())
        dispatched = self.env["cx.ticket"].with_user(self.supervisor).create(
            {"name": "dispatched", "team_id": self.team_l1.id, "user_id": self.agent_2.id}
        )
        self.assertEqual(dispatched.user_id, self.agent_2)

    def test_manager_changes_and_deletes_everything(self):
        self.other_team_agent.with_user(self.manager).write({"priority": "3"})
        self.assertEqual(self.other_team_agent.priority, "3")
        self.other_team_agent.with_user(self.manager).unlink()
        self.assertFalse(self.other_team_agent.exists())

    def test_supervisor_sees_their_teams(self):
        self.assertEqual(self._visible(self.supervisor), self.all_tickets, "leader of both teams")
        self.team_l2.leader_id = self.manager
        self.assertEqual(self._visible(self.supervisor), self.own | self.colleague | self.unassigned)

    def test_manager_sees_everything(self):
        self.assertEqual(self._visible(self.manager), self.all_tickets)

    def test_other_company_is_invisible(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        other_team = self.env["cx.team"].create(
            {"name": "Other support", "company_id": other.id, "member_ids": [(6, 0, self.agent_1.ids)], "assignment_method": "manual"}
        )
        ticket = self.env["cx.ticket"].create({"name": "other company", "team_id": other_team.id})
        self.assertEqual(ticket.company_id, other)
        # agent_1 is a member, but works for the first company only
        self.assertFalse(self.env["cx.ticket"].with_user(self.agent_1).search([("id", "=", ticket.id)]))
        manager = new_test_user(self.env, "cx_manager_a", groups="cx_helpdesk.group_cx_manager")
        self.assertFalse(self.env["cx.ticket"].with_user(manager).search([("id", "=", ticket.id)]))
        self.assertFalse(self.env["cx.team"].with_user(manager).search([("id", "=", other_team.id)]))
        with self.assertRaises(AccessError):
            ticket.with_user(manager).read(["name"])
        # and a user of the other company sees none of the first company's tickets
        outsider = new_test_user(
            self.env, "cx_outsider_manager", groups="cx_helpdesk.group_cx_manager",
            company_id=other.id, company_ids=[(6, 0, other.ids)],
        )
        self.assertEqual(self.env["cx.ticket"].with_user(outsider).search([]), ticket)


class TestPortalSecurity(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_partner = cls.env["res.partner"].create({"name": "Customer Co", "is_company": True})
        cls.portal_1 = new_test_user(cls.env, "cx_portal_1", groups="base.group_portal", name="Portal One")
        cls.portal_2 = new_test_user(cls.env, "cx_portal_2", groups="base.group_portal", name="Portal Two")
        (cls.portal_1.partner_id | cls.portal_2.partner_id).parent_id = cls.company_partner
        cls.ticket_1 = cls.env["cx.ticket"].create({"name": "mine", "team_id": cls.team_l1.id, "partner_id": cls.portal_1.partner_id.id})
        cls.ticket_2 = cls.env["cx.ticket"].create({"name": "colleague's", "team_id": cls.team_l1.id, "partner_id": cls.portal_2.partner_id.id})
        cls.stranger = cls.env["cx.ticket"].create({"name": "stranger's", "team_id": cls.team_l1.id, "partner_id": cls.customer.id})

    def _visible(self, user):
        return self.env["cx.ticket"].with_user(user).search([])

    def test_portal_user_sees_only_own_tickets(self):
        self.assertEqual(self._visible(self.portal_1), self.ticket_1)
        with self.assertRaises(AccessError):
            self.stranger.with_user(self.portal_1).read(["name"])

    def test_company_tickets_when_allowed(self):
        self.env.company.cx_portal_company_tickets = True
        self.assertEqual(self._visible(self.portal_1), self.ticket_1 | self.ticket_2)
        self.assertNotIn(self.stranger, self._visible(self.portal_1))

    def test_portal_user_cannot_delete_nor_see_sla_lines(self):
        with self.assertRaises(AccessError):
            self.ticket_1.with_user(self.portal_1).unlink()
        with self.assertRaises(AccessError):
            self.env["cx.ticket.sla"].with_user(self.portal_1).search([])

    def test_public_user_sees_nothing(self):
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            self.env["cx.ticket"].with_user(public).search([])

    def test_portal_user_cannot_write(self):
        with self.assertRaises(AccessError):
            self.ticket_1.with_user(self.portal_1).write({"priority": "3"})
        with self.assertRaises(AccessError):
            self.env["cx.ticket"].with_user(self.portal_1).create({"name": "direct", "team_id": self.team_l1.id})
