"""Email gateway with real RFC 822 messages: new tickets from a team alias,
threaded replies, Arabic subjects, and no ticket storms from robots."""

from email.header import Header

from odoo.tests import tagged

from .common import CxHelpdeskCommon

NEW_REQUEST = """\
Return-Path: <{email_from}>
From: {from_header}
To: cx-test@helpdesk.example.com
Subject: {subject}
Date: Mon, 05 Jan 2026 09:00:00 +0300
Message-ID: <{message_id}>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit
{extra_headers}
{body}
"""

BOUNCE = """\
From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)
To: cx-test@helpdesk.example.com
Subject: Undelivered Mail Returned to Sender
Date: Mon, 05 Jan 2026 09:05:00 +0300
Message-ID: <bounce-1@mx.customer.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system. Your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example
Final-Recipient: rfc822; gone@customer.example
Action: failed
Status: 5.1.1

--BOUNDARY--
"""


@tagged("-at_install", "post_install")
class TestMailGateway(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "helpdesk.example.com", "bounce_alias": "bounce", "catchall_alias": "catchall"}
        )
        cls.env.company.alias_domain_id = cls.alias_domain
        cls.team_l1.write({"alias_name": "cx-test", "alias_domain_id": cls.alias_domain.id})

    def _receive(self, subject="My order never arrived", email_from="sami@customer.example",
                 from_header=None, message_id="msg-1@customer.example", extra_headers="", body="Where is my order 1042?"):
        raw = NEW_REQUEST.format(
            email_from=email_from,
            from_header=from_header or f"Sami Customer <{email_from}>",
            subject=subject,
            message_id=message_id,
            extra_headers=extra_headers,
            body=body,
        )
        return self.env["mail.thread"].message_process(False, raw.encode())

    def _tickets(self):
        return self.env["cx.ticket"].search([("team_id", "=", self.team_l1.id)])

    def test_new_email_opens_ticket_for_new_contact(self):
        ticket = self.env["cx.ticket"].browse(self._receive())
        self.assertEqual(ticket.team_id, self.team_l1)
        self.assertEqual(ticket.name, "My order never arrived")
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.partner_id.email, "sami@customer.example")
        self.assertEqual(ticket.partner_id.name, "Sami Customer")
        self.assertTrue(ticket.user_id, "routed in the team")
        self.assertTrue(ticket.last_customer_message_date)
        email = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertIn("order 1042", email.body)
        self.assertEqual(email.author_id, ticket.partner_id)
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertGreater(ack.id, email.id, "the acknowledgement follows the request")

    def test_known_sender_is_matched(self):
        ticket = self.env["cx.ticket"].browse(self._receive(email_from=self.customer.email))
        self.assertEqual(ticket.partner_id, self.customer)

    def test_acknowledgement_is_sent_as_auto_reply(self):
        ticket = self.env["cx.ticket"].browse(self._receive())
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(ack), 1)
        self.assertIn(ticket.number, ack.subject)
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", ack.id)])
        self.assertEqual(mail.recipient_ids, ticket.partner_id)
        self.assertIn("'Auto-Submitted': 'auto-replied'", mail.headers)
        self.assertFalse(ticket.first_response_date, "an acknowledgement is not a response")

    def test_arabic_subject_and_body(self):
        subject = Header("طلب استرداد المبلغ للطلب ١٠٤٢", "utf-8").encode()
        ticket = self.env["cx.ticket"].browse(self._receive(subject=subject, body="لم يصلني الطلب حتى الآن"))
        self.assertEqual(ticket.name, "طلب استرداد المبلغ للطلب ١٠٤٢")
        self.assertIn("لم يصلني الطلب", ticket.message_ids.filtered(lambda m: m.message_type == "email").body)

    def test_reply_threads_into_ticket(self):
        ticket = self.env["cx.ticket"].browse(self._receive())
        count = len(self._tickets())
        thread_id = self._receive(
            subject=f"Re: [{ticket.number}] My order never arrived",
            message_id="msg-2@customer.example",
            extra_headers="In-Reply-To: <msg-1@customer.example>\nReferences: <msg-1@customer.example>",
            body="Any news?",
        )
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(len(self._tickets()), count)
        self.assertIn("Any news?", ticket.message_ids[0].body)

    def test_customer_reply_takes_ticket_off_waiting(self):
        ticket = self.env["cx.ticket"].browse(self._receive())
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_waiting
        self._receive(
            subject="Re: My order never arrived",
            message_id="msg-3@customer.example",
            extra_headers="In-Reply-To: <msg-1@customer.example>",
            body="Here is the photo you asked for",
        )
        self.assertEqual(ticket.stage_id, self.stage_progress)

    def test_auto_reply_never_opens_a_ticket(self):
        for index, header in enumerate(
            ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-generated", "X-Autoreply: yes", "Precedence: bulk")
        ):
            result = self._receive(
                subject="Out of office", message_id=f"ooo-{index}@customer.example", extra_headers=header
            )
            self.assertFalse(result, header)
        self.assertFalse(self._tickets())

    def test_auto_reply_threads_without_acknowledgement(self):
        ticket = self.env["cx.ticket"].browse(self._receive())
        acks = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self._receive(
            subject="Automatic reply: [TCK] My order never arrived",
            message_id="ooo-reply@customer.example",
            extra_headers="In-Reply-To: <msg-1@customer.example>\nAuto-Submitted: auto-replied",
            body="I am out of the office until Sunday.",
        )
        self.assertIn("out of the office", ticket.message_ids[0].body)
        self.assertEqual(ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment"), acks)

    def test_bounce_does_not_open_a_ticket(self):
        self.env["mail.thread"].message_process(False, BOUNCE.encode())
        self.assertFalse(self._tickets())

    def test_sender_loop_is_cut(self):
        self.env["ir.config_parameter"].sudo().set_param("mail.gateway.loop.threshold", 5)
        for index in range(8):
            self._receive(subject=f"Ticket {index}", message_id=f"loop-{index}@robot.example", email_from="robot@robot.example")
        self.assertEqual(len(self._tickets()), 5)
