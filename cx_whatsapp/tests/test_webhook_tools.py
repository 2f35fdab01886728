"""Webhook signature and payload parsing, without a database."""

import hashlib
import hmac
import json
import unittest

from odoo.addons.cx_whatsapp.tools.webhook import parse_payload, status_advances, verify_signature

TEXT = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234", "user_id": "US.13491208655302741918"}],
    "messages": [{"from": "16505551234", "id": "wamid.A", "timestamp": "1749416383", "type": "text",
                  "text": {"body": "Does it come in another color?"}}]}}]}]}


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class TestWebhookTools(unittest.TestCase):
    def test_signature(self):
        body = json.dumps(TEXT).encode()
        self.assertTrue(verify_signature("s3cret", body, sign("s3cret", body)))
        self.assertFalse(verify_signature("s3cret", body, sign("other", body)))
        self.assertFalse(verify_signature("s3cret", body + b" ", sign("s3cret", body)))
        self.assertFalse(verify_signature("s3cret", body, None))
        self.assertFalse(verify_signature("s3cret", body, "md5=abc"))
        self.assertFalse(verify_signature("", body, sign("", body)))

    def test_text_message(self):
        (event,) = parse_payload(TEXT)
        self.assertEqual(event["kind"], "message")
        self.assertEqual((event["wamid"], event["from"], event["user_id"]), ("wamid.A", "16505551234", "US.13491208655302741918"))
        self.assertEqual(event["profile_name"], "Sheena Nelson")
        self.assertEqual(event["body"], "Does it come in another color?")
        self.assertEqual(event["phone_number_id"], "106540352242922")
        self.assertEqual(event["at"].year, 2025)

    def test_every_element_and_type(self):
        value = TEXT["entry"][0]["changes"][0]["value"]
        messages = [
            {"from": "1", "id": "w1", "timestamp": "1", "type": "image", "image": {"id": "m1", "mime_type": "image/jpeg", "caption": "photo"}},
            {"from": "1", "id": "w2", "timestamp": "1", "type": "location", "location": {"latitude": 24.7, "longitude": 46.7, "name": "Riyadh"}},
            {"from": "1", "id": "w3", "timestamp": "1", "type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "b1", "title": "Yes"}}},
            {"from": "1", "id": "w4", "timestamp": "1", "type": "button", "button": {"payload": "p", "text": "Stop promotions"}},
            {"from": "1", "id": "w5", "timestamp": "1", "type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
            {"from": "1", "id": "w6", "timestamp": "1", "type": "text", "text": {"body": "reply"}, "context": {"from": "2", "id": "wamid.Q"}},
            {"from": "1", "id": "w7", "timestamp": "1", "type": "unsupported", "errors": [{"code": 131051}]},
            {"from": "1", "id": "w8", "timestamp": "1", "type": "brand_new_type", "brand_new_type": {}},
        ]
        payload = {"entry": [{"changes": [{"field": "messages", "value": dict(value, messages=messages)},
                                          {"field": "messages", "value": dict(value, messages=[dict(messages[0], id="w9")])}]}]}
        events = parse_payload(payload)
        self.assertEqual([e["wamid"] for e in events], ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9"])
        self.assertEqual(events[0]["extra"]["media_id"], "m1")
        self.assertIn("Riyadh", events[1]["body"])
        self.assertEqual((events[2]["body"], events[2]["extra"]["reply_id"]), ("Yes", "b1"))
        self.assertEqual(events[3]["extra"]["payload"], "p")
        self.assertEqual(events[4]["extra"]["reacted_to"], "wamid.X")
        self.assertEqual(events[5]["context_wamid"], "wamid.Q")
        self.assertEqual(events[6]["extra"]["errors"][0]["code"], 131051)
        self.assertEqual(events[7]["body"], "")

    def test_statuses_and_malformed_payloads(self):
        payload = {"entry": [{"changes": [{"field": "messages", "value": {"metadata": {"phone_number_id": "1"}, "statuses": [
            {"id": "w1", "status": "read", "timestamp": "2"},
            {"id": "w1", "status": "failed", "timestamp": "3", "errors": [{"code": 131047}]},
            {"status": "sent"},
        ]}}]}]}
        events = parse_payload(payload)
        self.assertEqual([(e["wamid"], e["status"]) for e in events], [("w1", "read"), ("w1", "failed")])
        self.assertEqual(events[1]["errors"][0]["code"], 131047)
        for junk in (None, [], "x", {"entry": "x"}, {"entry": [{"changes": [{"value": "x"}]}]}, {"entry": [None, 3]}):
            self.assertEqual(parse_payload(junk), [])

    def test_status_order(self):
        self.assertTrue(status_advances(False, "sent"))
        self.assertTrue(status_advances("sent", "read"))
        self.assertFalse(status_advances("read", "delivered"), "out of order: never backwards")
        self.assertTrue(status_advances("delivered", "failed"))
        self.assertFalse(status_advances("failed", "read"))
