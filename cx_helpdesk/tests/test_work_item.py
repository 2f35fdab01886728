from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError

from .common import CxHelpdeskCommon


class TestWorkItem(CxHelpdeskCommon):
    """"My work": an agent's tickets and their teams' unassigned ones, in
    deadline order; supervisors per team; live through the bus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.team_l1 | cls.team_l2).assignment_method = "manual"
        cls.env["cx.ticket"].search([("is_closed", "=", False)]).active = False  # the demo tickets
        now = fields.Datetime.now()
        cls.mine = cls._new_ticket("Mine", cls.team_l1, cls.agent_1, now + timedelta(hours=5))
        cls.team_unassigned = cls._new_ticket("Team unassigned", cls.team_l1, None, now + timedelta(hours=1))
        cls.colleague = cls._new_ticket("Colleague's", cls.team_l1, cls.agent_2, now + timedelta(hours=2))
        cls.other_team = cls._new_ticket("Other team", cls.team_l2, None, now + timedelta(hours=3))
        cls.overdue = cls._new_ticket("Overdue", cls.team_l1, cls.agent_1, now - timedelta(minutes=90))
        cls.no_sla = cls._new_ticket("No SLA", cls.team_l1, cls.agent_1, False)
        cls.closed = cls._new_ticket("Closed", cls.team_l1, cls.agent_1, now)
        cls.closed.stage_id = cls.stage_solved

    @classmethod
    def _new_ticket(cls, name, team, user, deadline):
        ticket = cls.env["cx.ticket"].create(
            {"name": name, "team_id": team.id, "user_id": user.id if user else False, "partner_id": cls.customer.id})
        ticket.sla_deadline = deadline
        return ticket

    def _items(self, user, domain=()):
        items = self.env["cx.work.item"].with_user(user).search(list(domain))
        return [(item.res_model, item.res_id) for item in items]

    def _tickets(self, *tickets):
        return [("cx.ticket", ticket.id) for ticket in tickets]

    def test_agent_sees_own_and_team_unassigned_in_deadline_order(self):
        self.assertEqual(
            self._items(self.agent_1), self._tickets(self.overdue, self.team_unassigned, self.mine, self.no_sla))
        self.assertEqual(self._items(self.agent_l2), self._tickets(self.other_team))
        self.assertEqual(self._items(self.agent_1, [("user_id", "=", self.agent_1.id)]),
                         self._tickets(self.overdue, self.mine, self.no_sla))
        self.assertEqual(self._items(self.agent_1, [("is_overdue", "=", True)]), self._tickets(self.overdue))
        # a reassigned ticket leaves the agent's work
        self.mine.user_id = self.agent_2
        self.assertNotIn(("cx.ticket", self.mine.id), self._items(self.agent_1))

    def test_agent_leaving_a_team_no_longer_sees_its_unassigned(self):
        self.team_l1.member_ids = [(3, self.agent_1.id)]
        self.assertNotIn(("cx.ticket", self.team_unassigned.id), self._items(self.agent_1))

    def test_supervisor_sees_their_teams_grouped_by_team(self):
        every_open = self._tickets(self.overdue, self.team_unassigned, self.colleague, self.other_team, self.mine,
                                   self.no_sla)
        self.assertEqual(self._items(self.supervisor), every_open)
        groups = self.env["cx.work.item"].with_user(self.supervisor).formatted_read_group(
            [], ["team_id"], ["__count"])
        self.assertEqual({group["team_id"][0]: group["__count"] for group in groups},
                         {self.team_l1.id: 5, self.team_l2.id: 1})
        action = self.env["cx.work.item"].with_user(self.supervisor)._cx_action_my_work()
        self.assertEqual(action["context"], {"search_default_groupby_team": 1})
        agent_action = self.env["cx.work.item"].with_user(self.agent_1)._cx_action_my_work()
        self.assertNotIn("search_default_groupby_team", str(agent_action.get("context")))

    def test_item_shows_channel_customer_time_left_and_opens_its_ticket(self):
        item = self.env["cx.work.item"].with_user(self.agent_1).search([("res_id", "=", self.overdue.id)])
        self.assertEqual(item.channel, self.overdue.channel)
        self.assertEqual(item.partner_id, self.customer)
        self.assertEqual(item.team_id, self.team_l1)
        self.assertIn(self.overdue.name, item.name)
        self.assertTrue(item.is_overdue)
        self.assertRegex(item.time_left, r"^1 h 3\d min overdue$")
        action = item.action_open()
        self.assertEqual((action["res_model"], action["res_id"]), ("cx.ticket", self.overdue.id))
        # found again by its id (the record rules still apply)
        self.assertEqual(self.env["cx.work.item"].with_user(self.agent_1).browse(item.id).res_id, self.overdue.id)
        with self.assertRaises(AccessError):
            self.env["cx.work.item"].with_user(self.agent_l2).browse(item.id).check_access("read")

    def test_portal_users_have_no_work_items(self):
        portal = self.env["res.users"].create({
            "name": "Portal", "login": "cx_work_portal", "group_ids": [(6, 0, self.env.ref("base.group_portal").ids)]})
        with self.assertRaises(AccessError):
            self.env["cx.work.item"].with_user(portal).search([])

    def test_new_and_reassigned_tickets_tell_the_agents_concerned(self):
        mark = self._bus_mark()
        ticket = self._ticket(name="Just arrived")
        self.assertEqual(self._work_notified(mark), self.team_l1.member_ids | self.supervisor)
        mark = self._bus_mark()
        ticket.write({"team_id": self.team_l2.id})
        self.assertEqual(self._work_notified(mark), self.team_l1.member_ids | self.team_l2.member_ids | self.supervisor)
        mark = self._bus_mark()
        ticket.priority = "3"  # does not move the ticket between lists
        self.assertFalse(self._work_notified(mark))
