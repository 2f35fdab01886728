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
        self.assertFalse(ticket.partner_unverified, "a logged-in customer's own request")

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
        self.assertFalse(ticket.partner_unverified, "a new contact: nobody else's identity")

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


@tagged("-at_install", "post_install")
class TestPublicFormAbuse(HttpCase, CxHelpdeskCommon):
    """The public form takes a few requests per client address and per typed
    email, ignores robots, bounds the files, and never lets a typed email make
    the visitor an existing contact."""

    def _post(self, data, files=None):
        if not self.session:
            self.authenticate(None, None)
        values = {"name": "Visitor", "subject": "Question", "description": "Do you deliver?", **data}
        return self.url_open("/helpdesk", data={**values, "csrf_token": Request.csrf_token(self)}, files=files)

    def _set_limits(self, **limits):
        for name, value in limits.items():
            self.env["ir.config_parameter"].set_param(f"cx_helpdesk.web_form_{name}", value)

    def _tickets(self, subject):
        return self.env["cx.ticket"].search([("name", "=", subject)])

    def test_burst_from_one_address_is_limited(self):
        statuses = [
            self._post({"email": f"visitor{index}@burst.example", "subject": "Burst"}).status_code for index in range(20)
        ]
        self.assertEqual(statuses, [200] * 5 + [429] * 15)
        self.assertEqual(len(self._tickets("Burst")), 5)
        response = self._post({"email": "late@burst.example", "subject": "Burst"})
        self.assertIn("Please try again later", response.text)
        self.assertEqual(len(self._tickets("Burst")), 5, "nothing created")
        self.assertEqual(self.env["cx.web.form.submission"].search_count([("remote_addr", "=", "127.0.0.1")]), 5)

    def test_burst_for_one_email_is_limited(self):
        self._set_limits(limit_per_address=100)
        statuses = [self._post({"email": "same@burst.example", "subject": "Same"}).status_code for _index in range(6)]
        self.assertEqual(statuses, [200] * 3 + [429] * 3)
        self.assertEqual(len(self._tickets("Same")), 3)
        # another address still gets through
        self.assertEqual(self._post({"email": "other@burst.example", "subject": "Same"}).status_code, 200)

    def test_limits_can_be_lifted(self):
        self._set_limits(limit_per_address=0, limit_per_email=0)
        for _index in range(7):
            self.assertEqual(self._post({"email": "same@burst.example", "subject": "Unlimited"}).status_code, 200)

    def test_honeypot_creates_nothing(self):
        response = self._post({"email": "robot@spam.example", "subject": "Cheap pills", "website": "http://spam.example"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("could not be sent", response.text)
        self.assertFalse(self._tickets("Cheap pills"))
        self.assertFalse(self.env["res.partner"].search([("email", "=", "robot@spam.example")]))

    def test_total_attachment_size_is_limited(self):
        self._set_limits(max_upload_mb=1)
        half = b"x" * (600 * 1024)
        response = self._post(
            {"email": "files@visitor.example", "subject": "Big files"},
            files=[
                ("attachments", ("a.bin", io.BytesIO(half), "application/octet-stream")),
                ("attachments", ("b.bin", io.BytesIO(half), "application/octet-stream")),
            ],
        )
        self.assertIn("larger than 1 MB", response.text)
        self.assertFalse(self._tickets("Big files"))
        # one of them is fine
        response = self._post(
            {"email": "files@visitor.example", "subject": "Big files"},
            files={"attachments": ("a.bin", io.BytesIO(half), "application/octet-stream")},
        )
        self.assertEqual(self._tickets("Big files").message_ids.attachment_ids.mapped("name"), ["a.bin"])

    def test_typed_email_of_a_contact_is_unverified(self):
        response = self._post({"name": "Someone Else", "email": "FATIMA@customer.example", "subject": "Refund to my card"})
        self.assertEqual(response.status_code, 200)
        ticket = self._tickets("Refund to my card")
        self.assertEqual(ticket.partner_id, self.customer, "linked to the contact, for the agent to check")
        self.assertTrue(ticket.partner_unverified)
        self.assertIn("Someone Else", ticket.email_from, "the typed name and address stay on the ticket")
        self.assertEqual(ticket.email_normalized, "fatima@customer.example")
        self.assertEqual(self.customer.name, "Fatima Customer", "the contact is not changed")
        self.assertNotIn(self.customer.phone, response.text)
        # the agent's check clears the warning; choosing another customer too
        ticket.action_confirm_customer()
        self.assertFalse(ticket.partner_unverified)

    def test_acknowledgement_once_per_address_per_hour(self):
        for subject in ("First", "Second", "Third"):
            self._post({"email": "fatima@customer.example", "subject": subject})
        acknowledged = [
            bool(self._tickets(subject).message_ids.filtered(lambda m: m.message_type == "auto_comment"))
            for subject in ("First", "Second", "Third")
        ]
        self.assertEqual(acknowledged, [True, False, False])
