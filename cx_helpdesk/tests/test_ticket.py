"""What the ticket and the team take from Odoo's mixins: time in each stage
(mail.tracking.duration.mixin), the customers' satisfaction per team
(rating.parent.mixin), and companies checked on their relations."""

from odoo.exceptions import UserError
from odoo.tests import new_test_user

from .common import CxHelpdeskCommon


class TestTicketMixins(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co (mixins test)"})

    def test_time_in_stage(self):
        ticket = self._ticket()
        first_stage = ticket.stage_id
        self.env.cr.flush()  # the creation's tracking done, as at a commit
        ticket.stage_id = self.stage_progress
        self.env.cr.flush()
        ticket.invalidate_recordset(["duration_tracking"])
        durations = ticket.duration_tracking
        self.assertEqual(set(durations), {str(first_stage.id), str(self.stage_progress.id)}, "the time in each stage")
        self.assertTrue(all(seconds >= 0 for seconds in durations.values()))
        view = self.env["cx.ticket"].get_view(view_type="form")["arch"]
        self.assertIn('widget="statusbar_duration"', view, "the form shows the time in each stage")

    def _rate(self, ticket, score):
        token = ticket._rating_get_access_token()
        ticket.rating_apply(score, token=token)

    def test_satisfaction_per_team(self):
        self.assertEqual(self.team_l1.rating_count, 0)
        self._rate(self._ticket(), 5)
        self._rate(self._ticket(), 5)
        self._rate(self._ticket(), 1)
        self._rate(self._ticket(team_id=self.team_l2.id), 1)
        self.env.invalidate_all()
        self.assertEqual(self.team_l1.rating_count, 3)
        self.assertEqual(self.team_l1.rating_percentage_satisfaction, 66, "2 happy ratings of 3")
        self.assertEqual(self.team_l2.rating_percentage_satisfaction, 0)
        action = self.team_l1.with_user(self.supervisor).action_view_ratings()
        ratings = self.env["rating.rating"].with_user(self.supervisor).search(action["domain"])
        self.assertEqual(len(ratings), 3)
        self.assertEqual(set(ratings.mapped("parent_res_id")), {self.team_l1.id})

    def test_ticket_relations_stay_in_the_ticket_company(self):
        ticket = self._ticket()
        stranger = self.env["res.partner"].create({"name": "Other Co customer", "company_id": self.other_company.id})
        with self.assertRaises(UserError):
            ticket.partner_id = stranger
        outsider = new_test_user(
            self.env, "cx_mixin_outsider", groups="cx_helpdesk.group_cx_agent",
            company_id=self.other_company.id, company_ids=[(6, 0, self.other_company.ids)],
        )
        with self.assertRaises(UserError):
            ticket.user_id = outsider

    def test_team_and_policy_relations_stay_in_their_company(self):
        calendar = self.env["resource.calendar"].create({"name": "Other hours", "company_id": self.other_company.id})
        with self.assertRaises(UserError):
            self.team_l1.resource_calendar_id = calendar
        leader = new_test_user(
            self.env, "cx_mixin_leader", groups="cx_helpdesk.group_cx_supervisor",
            company_id=self.other_company.id, company_ids=[(6, 0, self.other_company.ids)],
        )
        with self.assertRaises(UserError):
            self.team_l1.leader_id = leader
        stranger = self.env["res.partner"].create({"name": "Other Co VIP", "company_id": self.other_company.id})
        with self.assertRaises(UserError):
            self._policy(name="VIP", first_response_hours=1, partner_ids=[(6, 0, stranger.ids)])
