"""WhatsApp in the ticket's SLA clock: an agent's message sent from the
conversation is the ticket's first response (on WhatsApp), the customer's
message takes it off 'waiting on customer'."""

from .common import CxWhatsappCommon


class TestTicketSla(CxWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.whatsapp_policy = cls._policy(name="WhatsApp", channel="whatsapp", first_response_hours=2, resolution_hours=8)
        cls.phone_policy = cls._policy(name="Phone", channel="phone", first_response_hours=1)

    def test_agent_message_meets_first_response(self):
        conversation = self._receive("My order 1042 arrived broken").conversation_id
        ticket = conversation.ticket_id
        first = self._sla(ticket, "first_response")
        self.assertEqual(first.policy_id, self.whatsapp_policy, "a WhatsApp ticket gets the WhatsApp targets")
        self.assertEqual(first.status, "running")
        conversation.with_user(self.agent_1).message_post(
            body="Sorry about that: a new one leaves today", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual((first.status, first.answered_channel), ("met", "whatsapp"))
        self.assertTrue(ticket.first_response_date)

    def test_note_on_the_conversation_is_no_answer(self):
        conversation = self._receive("My order 1042 arrived broken").conversation_id
        conversation.with_user(self.agent_1).message_post(
            body="customer is upset", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(self._sla(conversation.ticket_id, "first_response").status, "running")
        self.assertFalse(conversation.ticket_id.first_response_date)

    def test_customer_message_takes_ticket_off_waiting(self):
        conversation = self._receive("My order 1042 arrived broken").conversation_id
        ticket = conversation.ticket_id
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_waiting
        resolution = self._sla(ticket, "resolution")
        self.assertEqual(resolution.status, "paused")
        message = self._receive("Here is the photo you asked for")
        self.assertEqual(message.conversation_id, conversation)
        self.assertEqual(ticket.stage_id, self.stage_progress)
        self.assertEqual(resolution.status, "running")
        self.assertEqual(ticket.last_customer_message_date, message.message_date)

    def test_customer_joining_a_waiting_ticket_takes_it_off_waiting(self):
        ticket = self._ticket(partner_id=self.customer.id, channel="phone")  # +966501234567
        self.assertEqual(self._sla(ticket, "first_response").policy_id, self.phone_policy)
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_waiting
        conversation = self._receive("About my ticket", wa_id="966501234567").conversation_id
        self.assertEqual(conversation.ticket_id, ticket)
        self.assertEqual(ticket.stage_id, self.stage_progress)

    def test_template_sent_outside_the_window_meets_first_response(self):
        conversation = self._receive("old question", at=1_700_000_000).conversation_id
        self.assertFalse(conversation.window_open)
        ticket = conversation.ticket_id
        first = self._sla(ticket, "first_response")
        template = self.env["cx.whatsapp.template"].create({
            "name": "ticket_update", "account_id": self.account.id, "language": "en", "category": "UTILITY",
            "res_model": "cx.ticket", "body": "Your ticket {{1}} is being handled.", "status": "approved",
            "variable_ids": [(0, 0, {"position": 1, "name": "Ticket", "field_path": "number", "sample": "TCK-0042"})],
        })
        wizard = self.env["cx.whatsapp.template.send"].with_user(self.agent_1).with_context(
            active_model="cx.ticket", active_id=ticket.id).create({"template_id": template.id})
        wizard.action_send()
        self.assertEqual((first.answered_channel, bool(first.reached_date)), ("whatsapp", True))
        self.assertTrue(ticket.first_response_date)
