from odoo.tests import HttpCase, new_test_user

from odoo.addons.cx_helpdesk.tests.common import CxHelpdeskCommon


class CxLivechatCommon(HttpCase, CxHelpdeskCommon):
    """The helpdesk world, a website live chat channel of the first-line
    team with Agent One as its operator, and a portal customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_1.group_ids += cls.env.ref("im_livechat.im_livechat_group_user")
        cls.livechat_channel = cls.env["im_livechat.channel"].create(
            {"name": "Website Support", "user_ids": [(6, 0, cls.agent_1.ids)], "cx_team_id": cls.team_l1.id})
        cls.portal_user = new_test_user(cls.env, "cx_chat_visitor", groups="base.group_portal", name="Fatima Visitor",
                                        email="fatima.visitor@customer.example")
        cls.visitor = cls.portal_user.partner_id

    def setUp(self):
        super().setUp()

        # operators are online in tests (im_livechat's own tests do the same)
        def _compute_available_operator_ids(channel_self):
            for record in channel_self:
                record.available_operator_ids = record.user_ids

        self.patch(type(self.env["im_livechat.channel"]), "_compute_available_operator_ids",
                   _compute_available_operator_ids)

    def _start_chat(self, **params):
        """A chat opened from the website as the browser's user does it."""
        data = self.make_jsonrpc_request("/im_livechat/get_session", {"channel_id": self.livechat_channel.id, **params})
        return self.env["discuss.channel"].browse(data["channel_id"])

    def _visitor_says(self, channel, body):
        """A message of the visitor, as the chat window posts it."""
        return self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "discuss.channel", "thread_id": channel.id,
            "post_data": {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"}})

    def _session(self, channel):
        return self.env["cx.livechat.session"].search([("channel_id", "=", channel.id)])
