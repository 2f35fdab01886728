"""Every channel implements the contract, and its actions are the mixin's:
written once in cx_helpdesk, not per channel."""

from odoo.tests import TransactionCase

from odoo.addons.cx_helpdesk.models.cx_channel_mixin import CxChannelMixin

SHARED = ("action_create_ticket", "action_link_ticket", "action_create_lead", "action_escalate", "action_open_ticket",
          "_cx_open_or_join_tickets", "_cx_link_ticket", "_cx_lead_result", "_cx_notification",
          "_cx_notify_ticket_agent", "_cx_answered", "_cx_customer_wrote")
CHANNELS = {"cx.call": "phone", "cx.whatsapp.conversation": "whatsapp", "cx.livechat.session": "chat"}


class TestChannelContract(TransactionCase):
    def test_channels_go_through_the_mixin(self):
        ticket_channels = dict(self.env["cx.ticket"]._fields["channel"].selection)
        for model, channel in CHANNELS.items():
            if model not in self.env:  # cx_telephony or cx_whatsapp not installed
                continue
            with self.subTest(model=model):
                Model = self.env[model]
                self.assertIsInstance(Model, self.env.registry["cx.channel.mixin"])
                self.assertEqual(Model._cx_channel, channel)
                self.assertIn(channel, ticket_channels)
                for fname in ("partner_id", "commercial_partner_id", "company_id", "team_id", "user_id", "ticket_id",
                              "cx_channel", "direction", "start_time", "end_time", "first_answer_date"):
                    self.assertIn(fname, Model._fields)
                self.assertTrue(Model._fields["commercial_partner_id"].store)
                for method in SHARED:
                    self.assertIs(getattr(type(Model), method), getattr(CxChannelMixin, method),
                                  f"{model}.{method} is the mixin's")
                self.assertEqual(Model.search_count([("cx_channel", "=", channel)]), Model.search_count([]))
