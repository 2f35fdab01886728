"""A website chat is a helpdesk channel: it opens or joins the customer's
ticket, a chatbot can ask the subject first, the operator's answer is the
chat's first answer, and chats show on the ticket and the customer."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import CxLivechatCommon


@tagged("-at_install", "post_install")
class TestLivechatSession(CxLivechatCommon):
    def test_visitor_chat_opens_a_ticket(self):
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        channel = self._start_chat()
        self._visitor_says(channel, "My router reboots every hour")
        session = self._session(channel)
        self.assertEqual((session.partner_id, session.team_id, session.cx_channel), (self.visitor, self.team_l1, "chat"))
        ticket = session.ticket_id
        self.assertEqual((ticket.name, ticket.channel, ticket.team_id, ticket.partner_id),
                         ("My router reboots every hour", "chat", self.team_l1, self.visitor))
        self.assertFalse(session.first_answer_date)
        # the operator answers: the chat's first answer, the operator its agent
        channel.with_user(self.agent_1).message_post(body="Let me check your line", message_type="comment",
                                                     subtype_xmlid="mail.mt_comment")
        self.assertTrue(session.first_answer_date)
        self.assertEqual(session.user_id, self.agent_1)
        # the next message: the same ticket
        self._visitor_says(channel, "Thanks")
        self.assertEqual(self.env["cx.ticket"].search_count([("partner_id", "=", self.visitor.id)]), 1)
        # the chat on the ticket and in the customer's history
        self.assertEqual(ticket.cx_livechat_session_count, 1)
        self.assertEqual(ticket.cx_livechat_session_ids, session)
        self.assertEqual(self.visitor.cx_livechat_session_count, 1)
        action = self.visitor.action_view_cx_livechat_sessions()
        self.assertEqual(self.env["cx.livechat.session"].search(action["domain"]), session)

    def test_the_ticket_clock_hears_the_chat(self):
        """The operator's answer and the customer's messages reach the
        ticket's clock (cx.ticket's channel API: a first response met, a
        ticket waiting on the customer resumed)."""
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        channel = self._start_chat()
        self._visitor_says(channel, "The app crashes at login")
        ticket = self._session(channel).ticket_id
        heard = []

        def answered(ticket, channel_key, at):
            heard.append(("answered", ticket, channel_key))

        def customer_message(ticket, channel_key, at):
            heard.append(("customer", ticket, channel_key))

        Ticket = type(self.env["cx.ticket"])
        with patch.object(Ticket, "_cx_channel_answered", answered, create=True), \
                patch.object(Ticket, "_cx_customer_message", customer_message, create=True):
            channel.with_user(self.agent_1).message_post(body="Which version?", message_type="comment",
                                                         subtype_xmlid="mail.mt_comment")
            self._visitor_says(channel, "The latest one")
        self.assertEqual(heard, [("answered", ticket, "chat"), ("customer", ticket, "chat")])

    def test_chat_joins_the_open_ticket(self):
        ticket = self._ticket(partner_id=self.visitor.id, user_id=self.agent_2.id)
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        channel = self._start_chat()
        with patch.object(type(self.env["res.users"]), "_bus_send", autospec=True) as bus_send:
            self._visitor_says(channel, "Any news about my ticket?")
        self.assertEqual(self._session(channel).ticket_id, ticket)
        self.assertEqual(self.env["cx.ticket"].search_count([("partner_id", "=", self.visitor.id)]), 1)
        self.assertIn("Live chat", ticket.message_ids[0].body, "the ticket says the customer got in touch")
        told = [(user, kind) for user, kind, _payload in (call.args for call in bus_send.call_args_list)]
        self.assertIn((self.agent_2, "simple_notification"), told, "the ticket's agent is told, live")

    def test_agent_links_the_chat_to_a_ticket(self):
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        channel = self._start_chat()
        self._visitor_says(channel, "About my other request")
        session = self._session(channel)
        other = self._ticket(partner_id=self.visitor.id, name="Refund for order 88", user_id=self.agent_1.id)
        action = session.with_user(self.agent_1).action_link_ticket(other.id)
        self.assertEqual((session.ticket_id, action["res_id"]), (other, other.id))
        self.assertIn("Live chat", other.message_ids[0].body)

    def test_agent_hands_the_chat_to_sales(self):
        """The chat goes through the tickets' hand-off: customer service's
        source, the chat as medium, its ticket linked and told; twice, the same lead."""
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        channel = self._start_chat()
        self._visitor_says(channel, "Do you sell the router in bulk?")
        session = self._session(channel)
        result = session.with_user(self.agent_1).action_create_lead()
        self.assertEqual(result["tag"], "display_notification", "the agent reads no pipeline")
        lead = session.sudo().lead_id
        self.assertEqual((lead.partner_id, lead.cx_source_channel, lead.medium_id.name, lead.cx_ticket_ids),
                         (self.visitor, "chat", "Live chat", session.ticket_id))
        self.assertEqual(lead.source_id, self.env.ref("cx_helpdesk.utm_source_customer_service"))
        self.assertIn(lead.name, session.ticket_id.message_ids[0].body)
        self.assertTrue(session.with_user(self.agent_1).has_lead)
        session.with_user(self.agent_1).action_create_lead()
        self.assertEqual(self.env["crm.lead"].search_count([("cx_ticket_ids", "in", session.ticket_id.ids)]), 1)

    def test_channel_without_team_opens_no_ticket(self):
        self.livechat_channel.cx_team_id = False
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        channel = self._start_chat()
        self._visitor_says(channel, "Just a question")
        session = self._session(channel)
        self.assertTrue(session)
        self.assertFalse(session.ticket_id)
        # the agent opens one from the session: the mixin's action
        session.with_user(self.agent_1).action_create_ticket()
        self.assertEqual((session.ticket_id.channel, session.ticket_id.team_id), ("chat", self.team_l1))

    def test_chatbot_asks_the_subject(self):
        script = self.env["chatbot.script"].create({"title": "Support Bot"})
        Step = self.env["chatbot.script.step"]
        email_step, subject_step, ticket_step = Step.create([
            {"chatbot_script_id": script.id, "step_type": "question_email", "message": "Your e-mail, please?"},
            {"chatbot_script_id": script.id, "step_type": "free_input_single", "message": "What is it about?"},
            {"chatbot_script_id": script.id, "step_type": "cx_create_ticket", "message": "A ticket is open for you.",
             "cx_team_id": self.team_l2.id},
        ])
        self.livechat_channel.rule_ids = [(0, 0, {"chatbot_script_id": script.id})]
        existing = self.env["res.partner"].create({"name": "Noura", "email": "noura@customer.example"})
        channel = self._start_chat(chatbot_script_id=script.id)  # a visitor of the website, not logged in
        self.assertEqual(channel.chatbot_current_step_id, email_step)
        self._visitor_says(channel, "noura@customer.example")
        self.make_jsonrpc_request("/chatbot/step/validate_email", {"channel_id": channel.id})
        self.make_jsonrpc_request("/chatbot/step/trigger", {"channel_id": channel.id})
        self.assertEqual(channel.chatbot_current_step_id, subject_step)
        self.assertFalse(self._session(channel).ticket_id, "no ticket while the bot asks")
        self._visitor_says(channel, "Invoice 2291 charged twice")
        self.make_jsonrpc_request("/chatbot/step/trigger", {"channel_id": channel.id})
        self.assertEqual(channel.chatbot_current_step_id, ticket_step)
        ticket = self._session(channel).ticket_id
        self.assertEqual((ticket.name, ticket.channel, ticket.team_id), ("Invoice 2291 charged twice", "chat", self.team_l2))
        self.assertEqual(ticket.partner_id.email, "noura@customer.example")
        self.assertNotEqual(ticket.partner_id, existing, "a typed address names no existing customer")
