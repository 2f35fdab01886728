"""Chats in "My work" and on the ticket's clock: a chat awaiting an answer is
an item of its operator until they answer; a chat with an open ticket is that
ticket's item; the operator's answer meets the ticket's first response, as
the chat channel."""

from odoo.tests import tagged

from .common import CxLivechatCommon


@tagged("-at_install", "post_install")
class TestLivechatWorkItem(CxLivechatCommon):
    def _items(self, user):
        return [(item.res_model, item.res_id, item.item_type, item.state)
                for item in self.env["cx.work.item"].with_user(user).search([("channel", "=", "chat")])]

    def test_chat_awaiting_an_answer_until_the_operator_answers(self):
        self.livechat_channel.cx_team_id = False  # no ticket: the chat is its own item
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        channel = self._start_chat()
        self._visitor_says(channel, "Is my order shipped?")
        session = self._session(channel)
        self.assertFalse(session.ticket_id)
        expected = [("cx.livechat.session", session.id, "chat", "awaiting")]
        self.assertEqual(self._items(self.agent_1), expected, "the operator's chat")
        self.assertEqual(self._items(self.agent_2), [], "not their chat")
        item = self.env["cx.work.item"].with_user(self.agent_1).search([("item_type", "=", "chat")])
        self.assertEqual(item.deadline, session.last_customer_message_at, "the longest waiting first")
        self.assertEqual(item.action_open()["res_model"], "cx.livechat.session")
        channel.with_user(self.agent_1).message_post(body="It left this morning", message_type="comment",
                                                     subtype_xmlid="mail.mt_comment")
        self.assertEqual(self._items(self.agent_1), [], "answered")
        self._visitor_says(channel, "And the invoice?")
        self.assertEqual(self._items(self.agent_1), expected, "the customer wrote again")

    def test_chat_with_a_ticket_is_the_ticket_item_and_meets_its_first_response(self):
        self._policy(name="Chat", first_response_hours=1, resolution_hours=8, channel="chat")
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        channel = self._start_chat()
        self._visitor_says(channel, "The app crashes at login")
        ticket = self._session(channel).ticket_id
        self.assertEqual([item[:3] for item in self._items(self.agent_1)], [("cx.ticket", ticket.id, "ticket")],
                         "listed once, as its ticket")
        first = self._sla(ticket, "first_response")
        self.assertEqual(first.status, "running")
        channel.with_user(self.agent_1).message_post(body="Which version?", message_type="comment",
                                                     subtype_xmlid="mail.mt_comment")
        self.assertEqual((first.status, first.answered_channel), ("met", "chat"))
        self.assertTrue(ticket.first_response_date)
