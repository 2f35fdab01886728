"""Satisfaction follow-up and the post-resolution check-in: an unhappy rating
becomes a to-do for the team leader with the customer's comment; "did it stay
solved?" a few days after closing, and a "no" over HTTP reopens the ticket."""

from datetime import timedelta

from odoo import fields
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CxHelpdeskCommon


class CxClosedTicketCommon(CxHelpdeskCommon):
    def _closed_ticket(self, days_ago=0, **values):
        ticket = self._ticket(user_id=self.agent_1.id, **values)
        ticket.stage_id = self.stage_solved
        if days_ago:
            ticket.close_date = fields.Datetime.now() - timedelta(days=days_ago)
        return ticket


class TestRatingFollowUp(CxClosedTicketCommon):
    def _rate(self, ticket, rate, feedback=None):
        token = ticket._rating_get_access_token()
        return ticket.sudo().rating_apply(rate, token=token, feedback=feedback)

    def test_unhappy_rating_schedules_a_call_back(self):
        ticket = self._closed_ticket()
        self._rate(ticket, 1)
        activity = ticket.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.supervisor, "the team leader")
        # the customer's comment comes after the score (rating page): the same to-do
        self._rate(ticket, 1, "The agent hung up on me")
        self.assertEqual(len(ticket.activity_ids), 1)
        self.assertIn("The agent hung up on me", ticket.activity_ids.note)

    def test_agent_follows_up_when_the_team_has_no_leader(self):
        self.team_l1.leader_id = False
        ticket = self._closed_ticket()
        self._rate(ticket, 1, "Bad")
        self.assertEqual(ticket.activity_ids.user_id, self.agent_1)

    def test_good_ratings_need_no_follow_up(self):
        for rate in (3, 5):
            ticket = self._closed_ticket()
            self._rate(ticket, rate, "fine")
            self.assertFalse(ticket.activity_ids, rate)

    def test_rating_counts_for_the_agent(self):
        ticket = self._closed_ticket()
        rating = self._rate(ticket, 5)
        self.assertEqual(rating.rated_partner_id, self.agent_1.partner_id, "satisfaction per agent")
        self.assertEqual(rating.parent_res_id, self.team_l1.id, "satisfaction per team")
        action = self.team_l1.action_view_ratings()
        self.assertEqual(self.env["rating.rating"].search(action["domain"]), rating)
        self.assertEqual(action["context"].get("search_default_responsible"), 1, "grouped by agent")


class TestCheckin(CxClosedTicketCommon):
    def _checkin_mails(self, ticket):
        return self.env["mail.mail"].search(
            [("model", "=", "cx.ticket"), ("res_id", "=", ticket.id), ("subject", "ilike", "Did it stay solved")]
        )

    def test_checkin_sent_after_the_team_delay_once(self):
        self.team_l1.checkin_days = 3
        due = self._closed_ticket(days_ago=4)
        recent = self._closed_ticket(days_ago=1)
        other_team = self._closed_ticket(days_ago=4, team_id=self.team_l2.id)
        self.env["cx.ticket"]._cron_send_checkins()
        self.assertTrue(due.checkin_sent_at)
        self.assertFalse(recent.checkin_sent_at)
        self.assertFalse(other_team.checkin_sent_at, "check-in off for that team")
        mail = self._checkin_mails(due)
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/cx/checkin/{due.sudo().checkin_token}/no", mail.body_html)
        self.assertIn(f"/cx/checkin/{due.sudo().checkin_token}/yes", mail.body_html)
        self.env["cx.ticket"]._cron_send_checkins()
        self.assertEqual(len(self._checkin_mails(due)), 1)

    def test_checkin_off_by_default(self):
        ticket = self._closed_ticket(days_ago=30)
        self.env["cx.ticket"]._cron_send_checkins()
        self.assertFalse(ticket.checkin_sent_at)


@tagged("-at_install", "post_install")
class TestCheckinPage(HttpCase, CxClosedTicketCommon):
    def setUp(self):
        super().setUp()
        self.team_l1.checkin_days = 2
        self._policy(name="Resolution", resolution_hours=16)
        self.ticket = self._closed_ticket(days_ago=3)
        self.env["cx.ticket"]._cron_send_checkins()
        self.token = self.ticket.sudo().checkin_token

    def _post(self, url):
        if not self.session:
            self.authenticate(None, None)
        return self.url_open(url, data={"csrf_token": Request.csrf_token(self)})

    def test_no_reopens_the_ticket(self):
        resolution = self._sla(self.ticket, "resolution")
        self.assertEqual(resolution.status, "met")
        url = f"/cx/checkin/{self.token}/no"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.ticket.is_closed, "opening the link changes nothing: link scanners open every link")
        response = self._post(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("We have reopened your ticket", response.text)
        self.assertFalse(self.ticket.is_closed)
        self.assertFalse(self.ticket.close_date)
        self.assertEqual(self.ticket.stage_id, self.stage_new, "the team's first open stage")
        self.assertEqual(resolution.status, "running", "the resolution clock runs again")
        self.assertEqual(self.ticket.checkin_answer, "reopened")
        self.assertTrue(self.ticket.message_ids.filtered(lambda m: "did not stay solved" in m.body))
        self.assertEqual(self._post(url).status_code, 404, "one answer per check-in")

    def test_yes_keeps_it_closed(self):
        response = self._post(f"/cx/checkin/{self.token}/yes")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.ticket.is_closed)
        self.assertEqual(self.ticket.checkin_answer, "solved")

    def test_bad_token(self):
        response = self._post("/cx/checkin/guessed/no")
        self.assertEqual(response.status_code, 404)
        self.assertIn("This link is not valid", response.text)
        self.assertTrue(self.ticket.is_closed)


@tagged("-at_install", "post_install")
class TestPortalRating(HttpCase, CxClosedTicketCommon):
    def test_closed_ticket_page_offers_the_rating(self):
        portal = new_test_user(self.env, "cx_rating_portal", groups="base.group_portal", email="rater@customer.example")
        ticket = self._ticket(partner_id=portal.partner_id.id)
        self.authenticate("cx_rating_portal", "cx_rating_portal")
        self.assertNotIn("o_cx_portal_rating", self.url_open(f"/my/tickets/{ticket.id}").text, "open: nothing to rate")
        ticket.stage_id = self.stage_solved
        rating = ticket.rating_ids.filtered(lambda r: not r.consumed)
        self.assertTrue(rating, "closing sent the rating request")
        response = self.url_open(f"/my/tickets/{ticket.id}")
        self.assertIn(f"/rate/{rating.access_token}/1", response.text)
        self.assertIn(f"/rate/{rating.access_token}/5", response.text)
        ticket.sudo().rating_apply(5, token=rating.access_token)
        self.assertNotIn("o_cx_portal_rating", self.url_open(f"/my/tickets/{ticket.id}").text, "rated: no link")
