"""Conversations: the customer's messages in a chatter, tickets, the 24-hour
window, answering from Odoo, opt-out, leads, who sees what."""

import json
import time
from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CxWhatsappCommon


class TestConversation(CxWhatsappCommon):
    def test_first_message_opens_a_conversation_and_a_ticket(self):
        message = self._receive("My order 1042 arrived broken")
        conversation = message.conversation_id
        self.assertEqual(conversation.partner_id.name, "Khalid")
        self.assertEqual(conversation.wa_id, "966551112233")
        posted = message.mail_message_id
        self.assertEqual((posted.model, posted.res_id), ("cx.whatsapp.conversation", conversation.id))
        self.assertEqual(posted.author_id, conversation.partner_id, "posted by the customer")
        self.assertIn("arrived broken", posted.body)
        ticket = conversation.ticket_id
        self.assertEqual((ticket.team_id, ticket.channel, ticket.partner_id), (self.team_l1, "whatsapp", conversation.partner_id))
        self.assertEqual(ticket.name, "My order 1042 arrived broken")
        self.assertTrue(conversation.window_open)
        self.assertNotIn(conversation.partner_id, conversation.message_follower_ids.partner_id,
                         "the customer gets WhatsApp, not the chatter's emails")
        # the next message: same conversation, same ticket
        again = self._receive("Any news?")
        self.assertEqual(again.conversation_id, conversation)
        self.assertEqual(self.env["cx.ticket"].search_count([("partner_id", "=", conversation.partner_id.id)]), 1)
        self.assertEqual(ticket.cx_whatsapp_message_ids, message | again, "the history on the ticket")

    def test_first_answer_and_the_channel_contract(self):
        """The conversation is a channel of the contract: its first answer is
        the agent's first message sent from it; the actions are the mixin's."""
        conversation = self._receive("Is the store open on Friday?").conversation_id
        self.assertEqual((conversation.cx_channel, conversation.direction), ("whatsapp", "inbound"))
        self.assertEqual(conversation.commercial_partner_id, conversation.partner_id.commercial_partner_id)
        self.assertFalse(conversation.first_answer_date)
        conversation.with_user(self.agent_1).message_post(body="Yes, from 4 pm", message_type="comment",
                                                          subtype_xmlid="mail.mt_comment")
        first = conversation.first_answer_date
        self.assertTrue(first)
        conversation.with_user(self.agent_1).message_post(body="Until 11 pm", message_type="comment",
                                                          subtype_xmlid="mail.mt_comment")
        self.assertEqual(conversation.first_answer_date, first, "the first answer stays the first")
        conversation.with_user(self.agent_1).message_post(body="Customer is a regular")  # a note answers nobody
        self.assertEqual(conversation.first_answer_date, first)

    def test_known_customer_joins_their_open_ticket(self):
        ticket = self._ticket(partner_id=self.customer.id)  # +966501234567
        conversation = self._receive("About my ticket", wa_id="966501234567").conversation_id
        self.assertEqual(conversation.partner_id, self.customer)
        self.assertEqual(conversation.ticket_id, ticket)
        self.assertIn("WhatsApp", ticket.message_ids[0].body)

    def test_ticket_rules(self):
        self.account.ticket_rule = "never"
        self.assertFalse(self._receive("hello", wa_id="249912345678").conversation_id.ticket_id)
        # outside business hours only: the team's calendar (Mon-Fri 9-17 UTC in the helpdesk tests)
        self.account.ticket_rule = "outside_hours"
        self.assertFalse(self.account._cx_opens_ticket(datetime(2026, 11, 24, 10, 0)), "a Tuesday, 10:00")
        self.assertTrue(self.account._cx_opens_ticket(datetime(2026, 11, 24, 20, 0)), "a Tuesday evening")
        self.assertTrue(self.account._cx_opens_ticket(datetime(2026, 11, 28, 10, 0)), "a Saturday")
        self.account.ticket_rule = "always"
        self.assertTrue(self.account._cx_opens_ticket(datetime(2026, 11, 24, 10, 0)))

    def test_every_message_type_in_the_chatter(self):
        kinds = [
            {"type": "image", "image": {"id": "m-img", "mime_type": "image/jpeg", "caption": "the crack"}},
            {"type": "location", "location": {"latitude": 24.71, "longitude": 46.67, "name": "Riyadh branch"}},
            {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes please"}}},
            {"type": "button", "button": {"payload": "p", "text": "Talk to an agent"}},
            {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
            {"type": "sticker", "sticker": {"id": "m-st", "mime_type": "image/webp"}},
        ]
        messages = [self._receive(**kind) for kind in kinds]
        self.assertEqual([m.message_type for m in messages],
                         ["image", "location", "interactive", "button", "reaction", "sticker"])
        bodies = [m.mail_message_id.body for m in messages]
        self.assertIn("the crack", bodies[0])
        self.assertIn("Riyadh branch", bodies[1])
        self.assertIn("Yes please", bodies[2])
        self.assertIn("Talk to an agent", bodies[3])
        self.assertIn("👍", bodies[4])
        self.assertEqual(messages[0].media_state, "pending", "media are fetched after the webhook is answered")
        first = messages[0]
        reply = self._receive("this one", context={"from": "966551112233", "id": first.wamid})
        self.assertIn("↩ the crack", reply.mail_message_id.body)
        self.assertIn("this one", reply.mail_message_id.body)

    def test_agent_answers_inside_the_window(self):
        conversation = self._receive("Where is my order?").conversation_id
        asked = conversation.cx_message_ids
        agent = conversation.with_user(self.agent_1)
        posted = agent.message_post(body="It leaves the warehouse today", message_type="comment",
                                    subtype_xmlid="mail.mt_comment", parent_id=asked.mail_message_id.id)
        (queued,) = conversation.cx_message_ids.filtered(lambda m: m.direction == "outbound")
        self.assertEqual((queued.status, queued.body, queued.user_id), ("queued", "It leaves the warehouse today", self.agent_1))
        self.assertEqual(queued.context_wamid, asked.wamid, "a reply to the customer's message")
        self.assertEqual(queued.mail_message_id, posted)
        plain = agent.message_post(body="Anything else?", message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertFalse(conversation.cx_message_ids.filtered(lambda m: m.mail_message_id == plain).context_wamid,
                         "a plain answer quotes nothing")
        # mentioning the customer (the chatter's Reply does) sends no email: they get WhatsApp
        conversation.partner_id.email = "khalid@example.com"
        mentioned = agent.message_post(body="@Khalid see above", message_type="comment", subtype_xmlid="mail.mt_comment",
                                       partner_ids=conversation.partner_id.ids)
        emails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", mentioned.id)])
        self.assertNotIn(conversation.partner_id, emails.recipient_ids, "followers who want emails get theirs, not the customer")
        self.assertFalse(mentioned.notification_ids.filtered(lambda n: n.res_partner_id == conversation.partner_id))
        # an internal note is not sent
        agent.message_post(body="customer is upset", message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertEqual(len(conversation.cx_message_ids.filtered(lambda m: m.direction == "outbound")), 3)

    def test_window_closed_blocks_free_text(self):
        two_days_ago = time.time() - 48 * 3600
        conversation = self._receive("old question", at=two_days_ago).conversation_id
        self.assertFalse(conversation.window_open)
        self.assertEqual(self.env["cx.whatsapp.conversation"].search([("window_open", "=", False), ("id", "=", conversation.id)]),
                         conversation)
        count = len(conversation.message_ids)
        with self.assertRaisesRegex(UserError, "24-hour window closed"):
            conversation.with_user(self.agent_1).message_post(body="late answer", message_type="comment",
                                                              subtype_xmlid="mail.mt_comment")
        self.assertEqual(len(conversation.message_ids), count, "nothing posted, nothing queued")
        self.assertFalse(conversation.cx_message_ids.filtered(lambda m: m.direction == "outbound"))
        conversation.with_user(self.agent_1).message_post(body="note", message_type="comment", subtype_xmlid="mail.mt_note")
        # the customer writes again: the window opens again
        self._receive("hello again")
        self.assertTrue(conversation.window_open)

    def test_opt_out_keywords_and_preferences(self):
        Blacklist = self.env["phone.blacklist"].sudo()
        self._receive("إيقاف", wa_id="249912345678")
        self.assertTrue(Blacklist.search([("number", "=", "+249912345678")]), "Arabic STOP")
        self._receive("stop", wa_id="966555000111")
        self.assertTrue(Blacklist.search([("number", "=", "+966555000111")]))
        self._receive("please stop calling me at work", wa_id="966555000222")
        self.assertFalse(Blacklist.search([("number", "=", "+966555000222")]), "only the keyword alone")
        conversation = self.env["cx.whatsapp.conversation"].search([("wa_id", "=", "966555000111")])
        self.assertTrue(conversation.phone_sanitized_blacklisted)
        conversation.with_user(self.agent_1).message_post(body="Done, you will get no promotions",
                                                          message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertTrue(conversation.cx_message_ids.filtered(lambda m: m.direction == "outbound"),
                        "service replies stay allowed inside the window")
        # Meta's user_preferences webhook
        payload = {"entry": [{"id": "1", "changes": [{"field": "user_preferences", "value": {
            "messaging_product": "whatsapp", "metadata": {"phone_number_id": self.account.phone_number_id},
            "user_preferences": [{"wa_id": "966555000333", "detail": "User requested to stop marketing messages",
                                  "category": "marketing_messages", "value": "stop", "timestamp": 1}]}}]}]}
        self.env["cx.whatsapp.webhook"].sudo().create({"account_id": self.account.id, "payload": json.dumps(payload)})
        self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertTrue(Blacklist.search([("number", "=", "+966555000333")]))

    def test_number_in_e164_and_odoo_blacklist(self):
        """The conversation keeps the customer's number in E.164 and gets
        Odoo's phone machinery from it: sanitized number, blacklist state,
        search by any written form, the unblacklist action."""
        message = self._receive("السلام عليكم", wa_id="249912345678")
        conversation = message.conversation_id
        self.assertEqual(conversation.phone, "+249912345678")
        self.assertEqual(conversation.phone_sanitized, "+249912345678")
        self.assertEqual(conversation.ticket_id.partner_phone, "+249912345678")
        self.assertEqual(conversation.partner_id.phone_sanitized, "+249912345678")
        Conversation = self.env["cx.whatsapp.conversation"].with_user(self.agent_1)
        for written in ("+249 91 234 5678", "00249912345678", "91 234 56"):
            self.assertEqual(Conversation.search([("phone_mobile_search", "=like" if " 56" in written else "=", written)]),
                             conversation, written)
        self.assertFalse(conversation.phone_blacklisted)
        self._receive("stop", wa_id="249912345678")
        conversation.invalidate_recordset(["phone_sanitized_blacklisted", "phone_blacklisted"])
        self.assertTrue(conversation.phone_blacklisted)
        self.assertEqual(Conversation.search([("phone_sanitized_blacklisted", "=", True)]), conversation)
        action = conversation.phone_action_blacklist_remove()
        wizard = self.env[action["res_model"]].create({"phone": conversation.phone_sanitized, "reason": "asked again"})
        wizard.action_unblacklist_apply()
        conversation.invalidate_recordset(["phone_sanitized_blacklisted", "phone_blacklisted"])
        self.assertFalse(conversation.phone_sanitized_blacklisted)

    def test_lead_from_a_conversation(self):
        conversation = self._receive("I want a quote for 40 laptops").conversation_id
        result = conversation.with_user(self.agent_1).action_create_lead()
        self.assertEqual(result["tag"], "display_notification")
        lead = conversation.sudo().lead_id
        self.assertEqual(lead.partner_id, conversation.partner_id)
        self.assertIn("40 laptops", str(lead.description))
        self.assertEqual(lead.cx_whatsapp_conversation_ids, conversation)
        # the hand-off of the tickets: customer service's source, the channel's medium, the ticket linked
        self.assertEqual(lead.source_id, self.env.ref("cx_helpdesk.utm_source_customer_service"))
        self.assertEqual(lead.medium_id.name, "WhatsApp")
        self.assertEqual(lead.cx_source_channel, "whatsapp")
        self.assertEqual(lead.cx_ticket_ids, conversation.sudo().ticket_id)
        self.assertIn(lead.name, conversation.sudo().ticket_id.message_ids[0].body)

    def test_other_team_and_company_see_nothing(self):
        conversation = self._receive("private matter").conversation_id
        self.assertEqual(conversation.team_id, self.team_l1)
        self.assertTrue(conversation.with_user(self.agent_1).read(["name"]))
        outsider = self.agent_l2  # second line, not a member of the first-line team
        with self.assertRaises(AccessError):
            conversation.with_user(outsider).read(["name"])
        self.assertFalse(self.env["cx.whatsapp.message"].with_user(outsider).search([("conversation_id", "=", conversation.id)]))
        with self.assertRaises(AccessError):
            conversation.message_ids[:1].with_user(outsider).read(["body"])
        other_company = self.env["res.company"].create({"name": "Khartoum Branch"})
        stranger = new_test_user(self.env, "cx_wa_other_co", groups="cx_helpdesk.group_cx_manager",
                                 company_id=other_company.id, company_ids=[(6, 0, other_company.ids)])
        self.assertFalse(self.env["cx.whatsapp.conversation"].with_user(stranger).search([("id", "=", conversation.id)]))



@tagged("-at_install", "post_install")
class TestConversationTour(HttpCase, CxWhatsappCommon):
    def test_answer_from_the_web_client(self):
        admin = self.env.ref("base.user_admin")
        self.team_l1.member_ids = [(4, admin.id)]
        conversation = self._receive("Is my order shipped?").conversation_id
        self.start_tour(f"/odoo/cx-whatsapp/{conversation.id}", "cx_whatsapp_answer_tour", login="admin")
        (answer,) = conversation.cx_message_ids.filtered(lambda m: m.direction == "outbound")
        self.assertEqual((answer.body, answer.user_id, answer.status), ("Yes, it left Riyadh this morning", admin, "queued"))
        asked = conversation.cx_message_ids.filtered(lambda m: m.direction == "inbound")
        self.assertEqual(answer.context_wamid, asked.wamid, "Reply made it a WhatsApp reply to the question")
        self.env["cx.whatsapp.message"]._cron_send()
        self.assertEqual(answer.status, "accepted")
        self.assertEqual(self.graph.sent("text")[-1]["text"]["body"], "Yes, it left Riyadh this morning")
