"""WhatsApp conversations routed to agents (team's method, busy agents,
limit of open conversations, waiting ones offered later), two agents
answering at once, and the away message outside business hours."""

import json
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, tagged

from .common import CxWhatsappCommon

# Mon-Fri 9-17 UTC is the helpdesk tests' calendar
TUESDAY_10 = datetime(2026, 11, 24, 10, 0)
TUESDAY_20 = datetime(2026, 11, 24, 20, 0)
SATURDAY_10 = datetime(2026, 11, 28, 10, 0)


class WhatsappRoutingCase(CxWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.ticket_rule = "never"  # conversations on their own; tickets are tested apart
        cls.team_l1.assignment_method = "load"

    def _busy(self, agents):
        return patch.object(type(self.env["res.users"]), "_cx_busy_agents", lambda users: users & agents)

    def _answer(self, conversation, agent, text="On it", **context):
        return conversation.with_user(agent).with_context(**context).message_post(
            body=text, message_type="comment", subtype_xmlid="mail.mt_comment")

    def _queued(self, conversation):
        return conversation.cx_message_ids.filtered(lambda m: m.direction == "outbound")


class TestConversationRouting(WhatsappRoutingCase):
    def test_conversations_go_to_the_least_loaded_agent(self):
        first = self._receive("hi", wa_id="966550000001").conversation_id
        second = self._receive("hello", wa_id="966550000002").conversation_id
        third = self._receive("salam", wa_id="966550000003").conversation_id
        self.assertEqual((first | second | third).user_id, self.agent_1 | self.agent_2 | self.agent_3)
        again = self._receive("are you there?", wa_id="966550000001").conversation_id
        self.assertEqual(again.user_id, first.user_id, "an open conversation keeps its agent")

    def test_limit_of_open_conversations(self):
        (self.agent_1 | self.agent_2 | self.agent_3).cx_conversation_capacity = 1
        conversations = [self._receive("hi", wa_id=f"96655000001{i}").conversation_id for i in range(4)]
        self.assertEqual(len(self.env["cx.whatsapp.conversation"].union(*conversations[:3]).user_id), 3)
        waiting = conversations[3]
        self.assertFalse(waiting.user_id, "everyone has an open conversation: it waits")
        self.env["cx.team"]._cron_offer_waiting()
        self.assertFalse(waiting.user_id, "still everyone full")
        # agent 2 answers; an hour later their conversation is idle and no longer counts
        done = next(c for c in conversations if c.user_id == self.agent_2)
        self._answer(done, self.agent_2, "Glad to help")
        with freeze_time(datetime.now() + timedelta(minutes=61)):
            self.assertFalse(done._cx_is_open(datetime.now()))
            self.env["cx.team"]._cron_offer_waiting()
            self.assertEqual(waiting.user_id, self.agent_2)

    def test_busy_agents_get_no_conversation(self):
        self.team_l1.presence_routing = True
        with self._busy(self.agent_1 | self.agent_3):
            conversations = [self._receive("hi", wa_id=f"96655000002{i}").conversation_id for i in range(2)]
        self.assertEqual(self.env["cx.whatsapp.conversation"].union(*conversations).user_id, self.agent_2)
        with self._busy(self.agent_1 | self.agent_2 | self.agent_3):
            waiting = self._receive("anyone?", wa_id="966550000029").conversation_id
            self.assertFalse(waiting.user_id)
        self.env["cx.team"]._cron_offer_waiting()
        self.assertEqual(waiting.user_id, self.agent_1, "free again: least loaded first")

    def test_idle_conversation_starts_again(self):
        conversation = self._receive("hi", wa_id="966550000031").conversation_id
        agent = conversation.user_id
        self._answer(conversation, agent)
        self.team_l1.presence_routing = True
        with freeze_time(datetime.now() + timedelta(hours=3)):
            self._receive("one more question", wa_id="966550000031")
            self.assertEqual(conversation.user_id, agent, "idle, started again: the same agent when free")
            self._answer(conversation, agent)
        with freeze_time(datetime.now() + timedelta(hours=6)), self._busy(agent):
            self._receive("and another", wa_id="966550000031")
            self.assertTrue(conversation.user_id)
            self.assertNotEqual(conversation.user_id, agent, "their agent is on a call: another one")

    def test_ticket_takes_the_conversations_agent(self):
        self.account.ticket_rule = "always"
        (self.agent_1 | self.agent_2).cx_conversation_capacity = 1
        self._receive("hi", wa_id="966550000041")
        self._receive("hi", wa_id="966550000042")
        conversation = self._receive("my order", wa_id="966550000043").conversation_id
        self.assertEqual(conversation.user_id, self.agent_3)
        self.assertEqual(conversation.ticket_id.user_id, self.agent_3, "one agent for the conversation and its ticket")

    def test_manual_team_assigns_nobody(self):
        self.team_l1.assignment_method = "manual"
        conversation = self._receive("hi", wa_id="966550000051").conversation_id
        self.assertFalse(conversation.user_id)
        conversation.user_id = self.agent_3
        self.env["cx.team"]._cron_offer_waiting()
        self._receive("hello?", wa_id="966550000051")
        self.assertEqual(conversation.user_id, self.agent_3)


class TestConcurrentAnswers(WhatsappRoutingCase):
    def test_second_agent_is_told_before_sending(self):
        conversation = self._receive("Where is my order?").conversation_id
        (self.agent_1 | self.agent_2).write({"cx_team_ids": [(4, self.team_l1.id)]})
        seen = conversation.message_ids[:1].id  # both agents' screens show the customer's question
        self._answer(conversation, self.agent_1, "It left this morning", cx_whatsapp_seen_message_id=seen)
        count = len(conversation.message_ids)
        with freeze_time(datetime.now() + timedelta(seconds=20)), \
                self.assertRaisesRegex(UserError, "Agent One answered this customer 2[01] seconds ago: read their answer"):
            self._answer(conversation, self.agent_2, "Let me check", cx_whatsapp_seen_message_id=seen)
        self.assertEqual(len(conversation.message_ids), count, "nothing posted")
        self.assertEqual(self._queued(conversation).mapped("body"), ["It left this morning"], "nothing queued")
        # having read it, the second agent may add to it; so may the first, after their own answer
        latest = conversation.message_ids[:1].id
        self._answer(conversation, self.agent_2, "Tracking: 1042", cx_whatsapp_seen_message_id=latest)
        self._answer(conversation, self.agent_2, "Anything else?", cx_whatsapp_seen_message_id=latest)
        with self.assertRaisesRegex(UserError, "Agent Two answered"):
            self._answer(conversation, self.agent_1, "Bye", cx_whatsapp_seen_message_id=latest - 1)
        # notes are not answers, and clients that do not say what they show are not checked
        conversation.with_user(self.agent_1).with_context(cx_whatsapp_seen_message_id=seen).message_post(
            body="upset customer", message_type="comment", subtype_xmlid="mail.mt_note")
        self._answer(conversation, self.agent_1, "Bye")
        self.assertEqual(len(self._queued(conversation)), 4)


@tagged("-at_install", "post_install")
class TestConcurrentAnswersHttp(HttpCase, WhatsappRoutingCase):
    def test_refused_over_the_web_clients_route(self):
        conversation = self._receive("Is it in stock?").conversation_id
        seen = conversation.message_ids[:1].id
        self._answer(conversation, self.agent_1, "Yes, two left", cx_whatsapp_seen_message_id=seen)
        self.authenticate("cx_agent_2", "cx_agent_2")
        response = self.url_open("/mail/message/post", data=json.dumps({"params": {
            "thread_model": "cx.whatsapp.conversation", "thread_id": conversation.id,
            "post_data": {"body": "Let me look", "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
            "context": {"cx_whatsapp_seen_message_id": seen},
        }}), headers={"Content-Type": "application/json"})
        error = response.json()["error"]
        self.assertIn("Agent One answered this customer", error["data"]["message"])
        self.assertEqual(self._queued(conversation).mapped("body"), ["Yes, two left"])


class TestAwayMessage(WhatsappRoutingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.arabic = cls.env["res.lang"]._activate_lang("ar_001")
        cls.account.write({"away_message_enabled": True, "away_message": "We are closed: we answer from 9:00."})
        cls.account.update_field_translations("away_message", {"ar_001": "نحن مغلقون الآن: نرد من الساعة 9:00."})

    def _away(self, conversation):
        return self._queued(conversation).filtered("automatic")

    def test_sent_once_per_closed_period(self):
        with freeze_time(TUESDAY_20):
            conversation = self._receive("hello?", wa_id="447700900123").conversation_id
            self.assertNotEqual((conversation.partner_id.lang or "")[:2], "ar")
            (away,) = self._away(conversation)
            self.assertEqual((away.body, away.status, away.user_id, away.message_type),
                             ("We are closed: we answer from 9:00.", "queued", self.env["res.users"], "text"))
            self.assertEqual(away.mail_message_id.author_id, self.env.ref("base.partner_root"), "in the chatter, by OdooBot")
            self.assertEqual(away.mail_message_id.res_id, conversation.id)
            self.assertTrue(conversation.window_open)
            self.env["cx.whatsapp.message"]._cron_send()
            self.assertEqual(away.status, "accepted", "through the normal queue")
            self.assertEqual(self.graph.sent("text")[-1]["text"]["body"], "We are closed: we answer from 9:00.")
            self.assertFalse(conversation.read_receipt_sent or self.graph.sent("read"), "nobody read it yet: no blue ticks")
        with freeze_time(TUESDAY_20 + timedelta(hours=2)):
            self._receive("still there?", wa_id="447700900123")
        with freeze_time(datetime(2026, 11, 25, 7, 0)):  # Wednesday 07:00, the same night
            self._receive("good morning", wa_id="447700900123")
        self.assertEqual(len(self._away(conversation)), 1, "once in a closed period")
        with freeze_time(TUESDAY_10 + timedelta(days=1, hours=1)):  # Wednesday 11:00: open
            self._receive("hi again", wa_id="447700900123")
            self.assertEqual(len(self._away(conversation)), 1, "no away message during business hours")
        with freeze_time(SATURDAY_10):
            self._receive("weekend question", wa_id="447700900123")
        self.assertEqual(len(self._away(conversation)), 2, "the team was open in between: a new closed period")

    def test_arabic_customer_gets_arabic(self):
        with freeze_time(SATURDAY_10):
            conversation = self._receive("مرحبا", wa_id="966551112299").conversation_id
        self.assertEqual(conversation.partner_id.lang, "ar_001")
        self.assertEqual(self._away(conversation).body, "نحن مغلقون الآن: نرد من الساعة 9:00.")

    def test_not_during_open_hours_nor_when_off(self):
        with freeze_time(TUESDAY_10):
            conversation = self._receive("hello", wa_id="447700900124").conversation_id
        self.assertFalse(self._away(conversation))
        self.account.away_message_enabled = False
        with freeze_time(SATURDAY_10):
            self._receive("hello", wa_id="447700900125")
        self.assertFalse(self.env["cx.whatsapp.message"].search([("automatic", "=", True)]))

    def test_not_an_answer_and_no_reply_to_reactions(self):
        with freeze_time(SATURDAY_10):
            conversation = self._receive(type="reaction", reaction={"message_id": "wamid.X", "emoji": "👍"},
                                         wa_id="447700900126").conversation_id
            self.assertFalse(self._away(conversation), "a reaction gets no away message")
            self._receive("question", wa_id="447700900126")
            self.assertTrue(self._away(conversation))
            self.assertTrue(conversation._cx_is_open(datetime.now()))
            self.assertTrue(conversation._cx_awaits_answer(), "the customer still awaits an agent's answer")

    def test_message_required_when_on(self):
        with self.assertRaises(ValidationError):
            self.account.away_message = False


class TestRoutingQueries(WhatsappRoutingCase):
    """The inbound batch routes and sends away messages for all its
    conversations at once: the cost does not grow with their number."""

    def _queries(self, method, conversations):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        method(conversations)
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_batch_costs(self):
        self.team_l1.assignment_method = "manual"
        with freeze_time(SATURDAY_10):
            Conversation = self.env["cx.whatsapp.conversation"]
            conversations = Conversation.union(
                *[self._receive("hi", wa_id=f"4477009002{i:02d}").conversation_id for i in range(22)])
            self.team_l1.assignment_method = "load"
            self.account.write({"away_message_enabled": True, "away_message": "Closed until Monday 9:00."})
            warm, one, twenty = conversations[:1], conversations[1:2], conversations[2:]
            for method in (type(Conversation)._cx_route, type(Conversation)._cx_send_away_messages):
                method(warm)  # the caches every batch finds warm
                for_one = self._queries(method, one)
                # routing: the agents follow their conversations (four queries per agent, none per conversation)
                self.assertEqual(self._queries(method, twenty), for_one + (8 if method.__name__ == "_cx_route" else 0))
            self.assertEqual(len(twenty.user_id), 3)
            self.assertEqual(len(self.env["cx.whatsapp.message"].search([("automatic", "=", True)])), 22)


@tagged("-at_install", "post_install")
class TestConcurrentAnswersTour(HttpCase, WhatsappRoutingCase):
    def test_second_agent_told_in_the_web_client(self):
        admin = self.env.ref("base.user_admin")
        self.team_l1.member_ids = [(4, admin.id)]
        conversation = self._receive("Do you deliver to Jeddah?").conversation_id
        Conversation = type(conversation)
        original = Conversation.message_post
        seen = []

        def message_post(records, **kwargs):
            if records.env.uid == admin.id and kwargs.get("message_type") == "comment":
                seen.append(records.env.context.get("cx_whatsapp_seen_message_id"))
            return original(records, **kwargs)

        def other_agent_answers(records):
            # the tour calls this while its agent types: Agent One answers meanwhile
            records.with_user(self.agent_1).message_post(body="We deliver everywhere in the Kingdom",
                                                         message_type="comment", subtype_xmlid="mail.mt_comment")
            return True

        with patch.object(Conversation, "message_post", message_post), \
                patch.object(Conversation, "action_mark_read", other_agent_answers):
            self.start_tour(f"/odoo/cx-whatsapp/{conversation.id}", "cx_whatsapp_concurrent_answer_tour", login="admin")
        question = conversation.cx_message_ids.filtered(lambda m: m.direction == "inbound").mail_message_id
        other = self._queued(conversation).filtered(lambda m: m.user_id == self.agent_1).mail_message_id
        self.assertEqual(seen, [question.id, other.id], "the web client says what it shows")
        self.assertEqual(self._queued(conversation).sorted("id").mapped(lambda m: (m.body, m.user_id)),
                         [("We deliver everywhere in the Kingdom", self.agent_1), ("Yes, in two days", admin)])
