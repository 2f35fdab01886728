"""The customer portal over HTTP, as a portal user, a token holder and an
anonymous visitor: nobody reaches another customer's ticket, even with a
guessed id."""

import io

from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CxHelpdeskCommon


@tagged("-at_install", "post_install")
class TestPortal(HttpCase, CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "cx_portal_http", groups="base.group_portal", name="Noura Portal", email="noura@customer.example"
        )
        cls.mine = cls._ticket_for(cls.portal_user.partner_id, "Router keeps rebooting")
        cls.stranger = cls._ticket_for(cls.customer, "Secret billing dispute")

    @classmethod
    def _ticket_for(cls, partner, name):
        return cls.env["cx.ticket"].create({"name": name, "team_id": cls.team_l1.id, "partner_id": partner.id})

    def _post(self, url, data=None, files=None):
        if not self.session:
            self.authenticate(None, None)  # an anonymous session carries the CSRF token
        return self.url_open(url, data={**(data or {}), "csrf_token": Request.csrf_token(self)}, files=files)

    def test_list_shows_own_tickets_only(self):
        self.authenticate("cx_portal_http", "cx_portal_http")
        response = self.url_open("/my/tickets")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Router keeps rebooting", response.text)
        self.assertNotIn("Secret billing dispute", response.text)

    def test_guessed_id_is_refused(self):
        self.authenticate("cx_portal_http", "cx_portal_http")
        response = self.url_open(f"/my/tickets/{self.stranger.id}")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertNotIn("Secret billing dispute", response.text)
        # nor can it be closed
        self._post(f"/my/tickets/{self.stranger.id}/close")
        self.assertFalse(self.stranger.is_closed)
        # a wrong token does not help
        response = self.url_open(f"/my/tickets/{self.stranger.id}?access_token=not-the-token")
        self.assertNotIn("Secret billing dispute", response.text)

    def test_own_ticket_page_and_close(self):
        self.authenticate("cx_portal_http", "cx_portal_http")
        response = self.url_open(f"/my/tickets/{self.mine.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Router keeps rebooting", response.text)
        self.assertIn(self.mine.number, response.text)
        self._post(f"/my/tickets/{self.mine.id}/close")
        self.assertTrue(self.mine.is_closed)
        self.assertTrue(self.mine.message_ids.filtered(lambda m: "closed the ticket from the portal" in m.body))

    def test_shared_link_with_token(self):
        self.stranger._portal_ensure_token()
        response = self.url_open(f"/my/tickets/{self.stranger.id}?access_token={self.stranger.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Secret billing dispute", response.text)

    def test_new_ticket_from_portal_with_attachment(self):
        self.authenticate("cx_portal_http", "cx_portal_http")
        response = self._post(
            "/my/tickets/new",
            data={"subject": "Invoice copy needed", "description": "Please send INV/2026/0042 again"},
            files={"attachments": ("invoice.txt", io.BytesIO(b"scan"), "text/plain")},
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["cx.ticket"].search([("name", "=", "Invoice copy needed")])
        self.assertEqual(ticket.partner_id, self.portal_user.partner_id)
        self.assertEqual(ticket.channel, "portal")
        self.assertIn("INV/2026/0042", ticket.description)
        self.assertEqual(ticket.message_ids.attachment_ids.mapped("name"), ["invoice.txt"])
        self.assertTrue(ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment"), "acknowledged")

    def test_new_ticket_form_keeps_input_on_error(self):
        self.authenticate("cx_portal_http", "cx_portal_http")
        response = self._post("/my/tickets/new", data={"subject": "", "description": "Only a description"})
        self.assertIn("Only a description", response.text)
        self.assertIn("is-invalid", response.text)
        self.assertFalse(self.env["cx.ticket"].search([("description", "ilike", "Only a description")]))

    def test_public_form_creates_contact_and_ticket(self):
        response = self._post(
            "/helpdesk",
            data={"name": "Yousif Visitor", "email": "yousif@visitor.example", "subject": "Price list", "description": "Do you deliver to Port Sudan?"},
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["cx.ticket"].search([("name", "=", "Price list")])
        self.assertEqual(ticket.partner_id.email, "yousif@visitor.example")
        self.assertEqual(ticket.channel, "web_form")
        self.assertIn(ticket.number, response.text)

    def test_public_form_rejects_bad_email(self):
        response = self._post(
            "/helpdesk", data={"name": "X", "email": "not-an-email", "subject": "S", "description": "D"}
        )
        self.assertIn("valid email", response.text)
        self.assertFalse(self.env["cx.ticket"].search([("name", "=", "S"), ("description", "ilike", "D")]))

    def test_portal_reply_resumes_waiting_ticket(self):
        self.mine.stage_id = self.stage_progress
        self.mine.stage_id = self.stage_waiting
        self.mine.with_user(self.portal_user).message_post(
            body="Here is the serial number", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(self.mine.stage_id, self.stage_progress)
        self.assertTrue(self.mine.last_customer_message_date)
