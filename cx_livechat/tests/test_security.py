"""Who sees a chat's session: as calls, the agent's own and their teams'
unassigned ones; never the visitor, nor another team."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CxLivechatCommon


@tagged("-at_install", "post_install")
class TestLivechatSecurity(CxLivechatCommon):
    def setUp(self):
        super().setUp()
        self.authenticate("cx_chat_visitor", "cx_chat_visitor")
        self.channel = self._start_chat()
        self._visitor_says(self.channel, "Where is my parcel?")
        self.session = self._session(self.channel)

    def test_agents_of_the_team(self):
        Session = self.env["cx.livechat.session"]
        self.assertEqual(Session.with_user(self.agent_1).search([("id", "=", self.session.id)]), self.session,
                         "unassigned yet: the team's")
        self.channel.with_user(self.agent_1).message_post(body="Hello", message_type="comment",
                                                          subtype_xmlid="mail.mt_comment")
        self.assertEqual(self.session.user_id, self.agent_1)
        self.assertFalse(Session.with_user(self.agent_2).search([("id", "=", self.session.id)]), "a colleague's chat")
        self.assertFalse(Session.with_user(self.agent_l2).search([("id", "=", self.session.id)]), "another team")
        self.assertTrue(Session.with_user(self.supervisor).search([("id", "=", self.session.id)]))
        # the agent escalates from the chat: the mixin's action on the chat's ticket
        action = self.session.with_user(self.agent_1).action_escalate()
        self.assertEqual(action["res_model"], "cx.ticket.escalate")
        with self.assertRaises(AccessError):
            self.session.with_user(self.agent_l2).action_create_ticket()

    def test_visitor_reads_no_session(self):
        with self.assertRaises(AccessError):
            self.session.with_user(self.portal_user).read(["ticket_id"])
        self.assertEqual(self.visitor.with_user(self.agent_1).cx_livechat_session_count, 1)
