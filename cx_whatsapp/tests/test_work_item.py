import time

from .common import CxWhatsappCommon


class TestWorkItemWhatsapp(CxWhatsappCommon):
    """WhatsApp conversations in "My work": awaiting an answer until an
    agent's message; a conversation with an open ticket is that ticket's item."""

    def _items(self, user):
        return [(item.res_model, item.res_id, item.channel, item.state)
                for item in self.env["cx.work.item"].with_user(user).search([("channel", "=", "whatsapp")])]

    def test_conversation_awaiting_an_answer_until_an_agent_answers(self):
        self.account.ticket_rule = "never"
        self.team_l1.assignment_method = "manual"  # the conversation waits unassigned in the team
        mark = self._bus_mark()
        conversation = self._receive("Where is my order?", at=time.time() - 60).conversation_id
        self.assertFalse(conversation.ticket_id)
        self.assertEqual(self._work_notified(mark), self.team_l1.member_ids | self.supervisor,
                         "the team's agents and its leader are told")
        expected = [("cx.whatsapp.conversation", conversation.id, "whatsapp", "awaiting")]
        self.assertEqual(self._items(self.agent_1), expected, "unassigned in the agent's team")
        self.assertEqual(self._items(self.supervisor), expected)
        self.assertEqual(self._items(self.agent_l2), [], "another team's")
        item = self.env["cx.work.item"].with_user(self.agent_1).search([("res_id", "=", conversation.id),
                                                                         ("item_type", "=", "conversation")])
        self.assertEqual(item.deadline, conversation.window_expires_at, "due when the 24-hour window closes")
        self.assertEqual(item.partner_id, conversation.partner_id)
        self.assertEqual(item.action_open()["res_model"], "cx.whatsapp.conversation")
        # a read receipt is no answer
        conversation.action_mark_read()
        self.assertEqual(self._items(self.agent_1), expected)
        mark = self._bus_mark()
        conversation.with_user(self.agent_1).message_post(
            body="It leaves the warehouse today", message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertEqual(self._items(self.agent_1), [], "answered")
        self.assertIn(self.agent_2, self._work_notified(mark), "the others' lists drop it too")
        # the customer writes again
        self._receive("Thanks, and the invoice?")
        self.assertEqual(self._items(self.agent_1), expected)

    def test_conversation_with_an_open_ticket_is_the_ticket_item(self):
        self.team_l1.assignment_method = "manual"
        conversation = self._receive("My order 1042 arrived broken", at=time.time() - 60).conversation_id
        ticket = conversation.ticket_id
        self.assertTrue(ticket)
        self.assertEqual(self._items(self.agent_1), [("cx.ticket", ticket.id, "whatsapp", ticket.sla_status)],
                         "listed once, as its ticket")
        ticket.stage_id = self.stage_solved
        self.assertEqual(self._items(self.agent_1),
                         [("cx.whatsapp.conversation", conversation.id, "whatsapp", "awaiting")],
                         "the ticket closed, the unanswered conversation remains")
