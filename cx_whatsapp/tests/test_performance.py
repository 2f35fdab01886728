"""Query budgets, 1 against 50 items: the webhook's batch
(cx.whatsapp.webhook._cron_process: the same queries for one message or
fifty, from one customer or fifty who wrote before) and the sending queue
(cx.whatsapp.message._cron_send: one Graph API call per message, the same
queries for one message or fifty: the outcomes are written in one UPDATE)."""

import copy
import json
import time

from odoo.tests import tagged, warmup

from .common import CxWhatsappCommon
from .test_webhook_tools import TEXT


@tagged("-at_install", "post_install")
class TestPerformance(CxWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 50 customers who already wrote: their conversations exist
        cls.wa_ids = [f"9665{index:08d}" for index in range(50)]
        cls.env["cx.whatsapp.webhook"].sudo().create([
            {"account_id": cls.account.id, "payload": cls._payload([(wa_id, f"wamid.SETUP{index}")])}
            for index, wa_id in enumerate(cls.wa_ids)
        ])
        cls.env["cx.whatsapp.webhook"]._cron_process()
        cls.conversations = cls.env["cx.whatsapp.conversation"].search([("account_id", "=", cls.account.id)])

    @classmethod
    def _payload(cls, messages):
        """One delivery of Meta's carrying ``[(wa_id, wamid)]``."""
        payload = copy.deepcopy(TEXT)
        value = payload["entry"][0]["changes"][0]["value"]
        value["contacts"] = [{"profile": {"name": f"Customer {wa_id}"}, "wa_id": wa_id}
                             for wa_id in dict.fromkeys(wa_id for wa_id, _wamid in messages)]
        value["messages"] = [{"from": wa_id, "id": wamid, "timestamp": str(int(time.time())), "type": "text",
                              "text": {"body": "Where is my order?"}} for wa_id, wamid in messages]
        return json.dumps(payload)

    def _deliveries(self, wa_ids):
        type(self)._serial += 1
        Webhook = self.env["cx.whatsapp.webhook"].sudo()
        deliveries = Webhook.create([
            {"account_id": self.account.id, "payload": self._payload([(wa_id, f"wamid.P{self._serial}-{index}")])}
            for index, wa_id in enumerate(wa_ids)
        ])
        self.env.flush_all()
        self.env.invalidate_all()
        return deliveries

    @warmup
    def test_inbound_batch_1_message(self):
        deliveries = self._deliveries(self.wa_ids[:1])
        with self.assertQueryCount(__system__=27):
            self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(set(deliveries.mapped("state")), {"done"})

    @warmup
    def test_inbound_batch_50_messages(self):
        deliveries = self._deliveries(self.wa_ids)
        with self.assertQueryCount(__system__=27):
            self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(set(deliveries.mapped("state")), {"done"})

    @warmup
    def test_inbound_batch_50_messages_one_customer(self):
        deliveries = self._deliveries(self.wa_ids[:1] * 50)
        # 27 when run alone, 29 after the other test modules of the addon
        # (the ORM's caches as they leave them); never a query per message
        with self.assertQueryCount(__system__=29):
            self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(set(deliveries.mapped("state")), {"done"})

    @warmup
    def test_inbound_batch_1_new_customer(self):
        # a new customer: a contact, a conversation routed to an agent and
        # its ticket (the account's rule is "always"), created in batch (no
        # email per ticket to its agent); each new conversation's link to
        # its ticket is still a write of its own (about 3 queries more per
        # new conversation: 65 for one, 228 for fifty)
        deliveries = self._deliveries([f"9668{self._serial:08d}"])
        with self.assertQueryCount(__system__=65):
            self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(set(deliveries.mapped("state")), {"done"})

    @warmup
    def test_inbound_batch_50_new_customers(self):
        deliveries = self._deliveries([f"9667{self._serial:04d}{index:04d}" for index in range(50)])
        with self.assertQueryCount(__system__=228):  # see test_inbound_batch_1_new_customer
            self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(set(deliveries.mapped("state")), {"done"})

    def _queue(self, count):
        Message = self.env["cx.whatsapp.message"].sudo()
        messages = Message.create([
            {"account_id": self.account.id, "conversation_id": conversation.id, "partner_id": conversation.partner_id.id,
             "wa_id": conversation.wa_id, "direction": "outbound", "message_type": "text", "body": "It leaves today",
             "status": "queued"}
            for conversation in self.conversations[:count]
        ])
        self.conversations.read_receipt_sent = True
        self.graph.requests.clear()
        self.env.flush_all()
        self.env.invalidate_all()
        return messages

    @warmup
    def test_send_1_message(self):
        messages = self._queue(1)
        with self.assertQueryCount(__system__=5):
            self.env["cx.whatsapp.message"]._cron_send()
        self.assertEqual(set(messages.mapped("status")), {"accepted"})
        self.assertEqual(len(self.graph.sent("text")), len(messages))

    @warmup
    def test_send_50_messages(self):
        messages = self._queue(50)
        with self.assertQueryCount(__system__=5):
            self.env["cx.whatsapp.message"]._cron_send()
        self.assertEqual(set(messages.mapped("status")), {"accepted"})
        self.assertEqual(len(self.graph.sent("text")), len(messages))
