"""The NPS survey: who gets one and when, the public page over HTTP (one
answer per send, clear errors, nothing stored on bad input, Arabic right to
left), the detractors' follow-up and who reads the answers."""

import io
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open
from odoo.tools.translate import TranslationImporter

from .common import CxHelpdeskCommon


class CxNpsCommon(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Survey = cls.env["cx.nps.survey"]

    def _closed_ticket(self, partner=None, days_ago=0):
        ticket = self._ticket(partner_id=(partner or self.customer).id)
        ticket.stage_id = self.stage_solved
        if days_ago:
            ticket.close_date = fields.Datetime.now() - timedelta(days=days_ago)
        return ticket

    def _survey(self, **values):
        return self.Survey.create({"partner_id": self.customer.id, "sent_at": fields.Datetime.now(), **values})


class TestNpsSchedule(CxNpsCommon):
    def test_category_follows_the_score(self):
        expected = {0: "detractor", 6: "detractor", 7: "passive", 8: "passive", 9: "promoter", 10: "promoter"}
        for score, category in expected.items():
            survey = self._survey()
            survey._cx_answer(score)
            self.assertEqual(survey.category, category, score)
        self.assertFalse(self._survey().category, "no answer, no category")

    def test_answer_out_of_range_is_refused(self):
        survey = self._survey()
        for score in (-1, 11, "7", True):
            with self.assertRaises(ValueError):
                survey._cx_answer(score)
        self.assertFalse(survey.answered_at)

    def test_survey_after_n_closed_tickets(self):
        self.company.write({"cx_nps_schedule": "tickets", "cx_nps_after_tickets": 2})
        self._closed_ticket()
        self.Survey._cron_send_due()
        self.assertFalse(self.Survey.search([("partner_id", "=", self.customer.id)]), "one closed ticket is not enough")
        self._closed_ticket()
        self.Survey._cron_send_due()
        survey = self.Survey.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(survey), 1)
        self.assertEqual(survey.channel, "email")
        self.assertTrue(survey.sent_at)
        self.assertEqual(survey.commercial_partner_id, self.customer)
        mail = self.env["mail.mail"].search([("model", "=", "cx.nps.survey"), ("res_id", "=", survey.id)])
        self.assertIn(f"/cx/nps/{survey.sudo().token}", mail.body_html)
        self.assertIn(self.customer, mail.recipient_ids)
        self.Survey._cron_send_due()
        self.assertEqual(len(self.Survey.search([("partner_id", "=", self.customer.id)])), 1, "the count starts again")

    def test_survey_every_n_days(self):
        self.company.write({"cx_nps_schedule": "days", "cx_nps_days": 90})
        self._closed_ticket()
        old = self._survey(sent_at=fields.Datetime.now() - timedelta(days=10))
        self.Survey._cron_send_due()
        self.assertEqual(self.Survey.search([("partner_id", "=", self.customer.id)]), old, "sent 10 days ago")
        old.sent_at = fields.Datetime.now() - timedelta(days=91)
        self.Survey._cron_send_due()
        self.assertEqual(len(self.Survey.search([("partner_id", "=", self.customer.id)])), 2)

    def test_no_survey_when_off(self):
        self._closed_ticket()
        self._closed_ticket()
        self.Survey._cron_send_due()
        self.assertFalse(self.Survey.search([("partner_id", "=", self.customer.id)]))

    def test_detractor_follow_up_for_the_team_leader(self):
        ticket = self._closed_ticket()
        survey = self._survey(ticket_id=ticket.id)
        survey._cx_answer(3, "Nobody called me back")
        activity = ticket.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.supervisor, "the team leader")
        self.assertIn("Nobody called me back", activity.note)
        self._survey(ticket_id=ticket.id)._cx_answer(9, "Great")
        self.assertEqual(len(ticket.activity_ids), 1, "a promoter needs no follow-up")

    def test_detractor_without_ticket_follows_up_on_the_customer(self):
        self._survey()._cx_answer(0, "Never again")
        self.assertIn("Never again", self.customer.activity_ids.note)


class TestNpsAccess(CxNpsCommon):
    def test_agents_read_their_company_answers_only(self):
        survey = self._survey()
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self._survey(company_id=other_company.id)
        Survey = self.Survey.with_user(self.agent_1)
        self.assertEqual(Survey.search([("id", "in", (survey | foreign).ids)]), survey)
        with self.assertRaises(AccessError):
            survey.with_user(self.agent_1).write({"comment": "changed"})
        with self.assertRaises(AccessError):
            survey.with_user(self.agent_1).read(["token"])

    def test_portal_user_reads_no_survey(self):
        survey = self._survey()
        portal = new_test_user(self.env, "cx_nps_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            survey.with_user(portal).read(["score"])


@tagged("-at_install", "post_install")
class TestNpsPage(HttpCase, CxNpsCommon):
    def _post(self, url, data):
        if not self.session:
            self.authenticate(None, None)
        return self.url_open(url, data={**data, "csrf_token": Request.csrf_token(self)})

    def test_page_shows_the_scale(self):
        survey = self._survey()
        response = self.url_open(f"/cx/nps/{survey.sudo().token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("How likely are you to recommend", response.text)
        self.assertIn('id="cx_nps_10"', response.text)
        self.assertIn('dir="ltr"', response.text)

    def test_answer_is_stored_once(self):
        ticket = self._closed_ticket()
        survey = self._survey(ticket_id=ticket.id)
        url = f"/cx/nps/{survey.sudo().token}"
        response = self._post(url, {"score": "4", "comment": "Too slow"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you for your answer", response.text)
        self.assertEqual((survey.score, survey.comment, survey.category), (4, "Too slow", "detractor"))
        self.assertIn("Too slow", ticket.activity_ids.note)
        answered_at = survey.answered_at

        response = self._post(url, {"score": "10", "comment": "changed my mind"})
        self.assertEqual(response.status_code, 409)
        self.assertIn("You have already answered this survey", response.text)
        self.assertEqual((survey.score, survey.comment, survey.answered_at), (4, "Too slow", answered_at))
        self.assertEqual(self.url_open(url).status_code, 409)

    def test_out_of_range_score_shows_the_form_again(self):
        survey = self._survey()
        url = f"/cx/nps/{survey.sudo().token}"
        for score in ("11", "-1", "seven", ""):
            response = self._post(url, {"score": score, "comment": "kept"})
            self.assertEqual(response.status_code, 400, score)
            self.assertIn("Please choose a score from 0 to 10.", response.text)
            self.assertIn("kept", response.text, "the comment is not lost")
        self.assertFalse(survey.answered_at)
        self.assertFalse(survey.comment)

    def test_bad_token(self):
        survey = self._survey()
        response = self._post("/cx/nps/not-a-token", {"score": "9"})
        self.assertEqual(response.status_code, 404)
        self.assertIn("This link is not valid", response.text)
        self.assertEqual(self.url_open("/cx/nps/not-a-token").status_code, 404)
        self.assertFalse(self.Survey.search([("answered_at", "!=", False), ("id", "=", survey.id)]))

    def test_post_without_csrf_token_stores_nothing(self):
        survey = self._survey()
        response = self.url_open(f"/cx/nps/{survey.sudo().token}", data={"score": "9"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(survey.answered_at)

    def test_arabic_page_is_right_to_left(self):
        self.env["res.lang"]._activate_lang("ar_001")
        # read ar.po on its own: Odoo drops the terms a module's .pot does not
        # list yet (regenerated when a change is merged)
        importer = TranslationImporter(self.env.cr, verbose=False)
        with file_open("cx_helpdesk/i18n/ar.po", "rb") as po:
            catalogue = io.BytesIO(po.read())
        catalogue.name = "ar"  # not a path: no merge with the .pot
        importer.load(catalogue, "po", "ar_001")
        importer.save()
        self.customer.lang = "ar_001"
        survey = self._survey()
        response = self.url_open(f"/cx/nps/{survey.sudo().token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn('dir="rtl"', response.text)
        self.assertIn("ما مدى احتمال أن توصي", response.text)
        self.assertIn("أرسل إجابتي", response.text)
