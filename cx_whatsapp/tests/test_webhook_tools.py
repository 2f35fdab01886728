"""Webhook signature and payload parsing, without a database."""

import hashlib
import hmac
import json
import unittest
from unittest.mock import patch

from odoo.addons.cx_whatsapp.tools.webhook import (
    country_language,
    parse_payload,
    secret_matches,
    status_advances,
    verify_signature,
)

TEXT = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234", "user_id": "US.13491208655302741918"}],
    "messages": [{"from": "16505551234", "id": "wamid.A", "timestamp": "1749416383", "type": "text",
                  "text": {"body": "Does it come in another color?"}}]}}]}]}


# the content types Meta documents (v20 and later), as its examples have them
CONTACTS = {"from": "966551112233", "id": "w.contacts", "timestamp": "1", "type": "contacts", "contacts": [{
    "name": {"formatted_name": "Noura Al-Harbi", "first_name": "Noura", "last_name": "Al-Harbi"},
    "phones": [{"phone": "+966 50 999 8877", "wa_id": "966509998877", "type": "CELL"}],
    "emails": [{"email": "noura@example.sa", "type": "WORK"}],
    "org": {"company": "Harbi Trading", "title": "Buyer"},
    "addresses": [{"city": "Riyadh"}]}]}
ORDER = {"from": "966551112233", "id": "w.order", "timestamp": "1", "type": "order", "order": {
    "catalog_id": "cat-77", "text": "Deliver before Friday", "product_items": [
        {"product_retailer_id": "SKU-1", "quantity": 2, "item_price": 10.5, "currency": "SAR"},
        {"product_retailer_id": "SKU-2", "quantity": "1", "item_price": "99", "currency": "SAR"}]}}
NUMBER_CHANGED = {"from": "966551112233", "id": "w.system", "timestamp": "1", "type": "system", "system": {
    "body": "Khalid changed their phone number to a new number 966551119999", "new_wa_id": "966551119999",
    "type": "user_changed_number"}}
IDENTITY_CHANGED = {"id": "w.identity", "timestamp": "1", "type": "system", "system": {
    "body": "User 966551112233 changed", "identity": "acc8f2a6", "type": "user_identity_changed",
    "customer": "966551112233"}}
FLOW = {"from": "966551112233", "id": "w.flow", "timestamp": "1", "type": "interactive", "interactive": {
    "type": "nfm_reply", "nfm_reply": {"name": "flow", "body": "Sent", "response_json":
        '{"flow_token": "tok-1", "order_number": "1042", "issue": "broken", "photos_ok": true}'}}}
REFERRAL = {"source_url": "https://fb.me/3cr4Wqqkv", "source_id": "120212345", "source_type": "ad",
            "headline": "Winter sale 30%", "body": "Chat with us", "media_type": "image",
            "image_url": "https://scontent.example/ad.jpg", "ctwa_clid": "ARAkLkA8rmlFeiCktEJQ"}
UNSUPPORTED = {"from": "966551112233", "id": "w.unsupported", "timestamp": "1", "type": "unsupported", "errors": [
    {"code": 131051, "title": "Message type unknown", "message": "Message type unknown",
     "error_data": {"details": "Message type is currently not supported."}}]}


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


def _payload(*messages, **value):
    return {"entry": [{"changes": [{"field": "messages", "value": {
        "metadata": {"phone_number_id": "1"}, "messages": list(messages), **value}}]}]}


class TestContentTypes(unittest.TestCase):
    def test_shared_contacts(self):
        (event,) = parse_payload(_payload(CONTACTS))
        self.assertEqual(event["type"], "contacts")
        (card,) = event["extra"]["contacts"]
        self.assertEqual(card["name"], "Noura Al-Harbi")
        self.assertEqual(card["phones"], [{"phone": "+966 50 999 8877", "wa_id": "966509998877", "type": "CELL"}])
        self.assertEqual(card["emails"], [{"email": "noura@example.sa", "type": "WORK"}])
        self.assertEqual((card["company"], card["title"]), ("Harbi Trading", "Buyer"))
        self.assertEqual(event["body"], "Noura Al-Harbi")

    def test_order(self):
        (event,) = parse_payload(_payload(ORDER))
        self.assertEqual(event["extra"]["catalog_id"], "cat-77")
        self.assertEqual([(i["product_retailer_id"], i["quantity"], i["item_price"], i["currency"]) for i in event["extra"]["items"]],
                         [("SKU-1", 2, 10.5, "SAR"), ("SKU-2", "1", "99", "SAR")])
        self.assertEqual(event["body"], "Deliver before Friday")

    def test_system_with_and_without_from(self):
        changed, identity = parse_payload(_payload(NUMBER_CHANGED, IDENTITY_CHANGED))
        self.assertEqual((changed["from"], changed["extra"]["new_wa_id"], changed["extra"]["system_type"]),
                         ("966551112233", "966551119999", "user_changed_number"))
        self.assertEqual(identity["from"], "966551112233", "no `from`: the customer the notice names")
        self.assertEqual(identity["extra"]["system_type"], "user_identity_changed")
        (nobody,) = parse_payload(_payload({"id": "w.x", "type": "system", "system": {"type": "user_identity_changed"}}))
        self.assertIsNone(nobody["from"])

    def test_flow_answer(self):
        (event,) = parse_payload(_payload(FLOW))
        self.assertEqual(event["extra"]["reply_type"], "nfm_reply")
        self.assertEqual(event["extra"]["flow_response"], {"flow_token": "tok-1", "order_number": "1042", "issue": "broken", "photos_ok": True})
        broken = dict(FLOW, interactive={"type": "nfm_reply", "nfm_reply": {"name": "f", "response_json": "{not json"}})
        self.assertEqual(parse_payload(_payload(broken))[0]["extra"]["flow_response"], {"response_json": "{not json"})

    def test_referral_and_referred_product(self):
        text = {"from": "1", "id": "w.ad", "timestamp": "1", "type": "text", "text": {"body": "Hi"}, "referral": REFERRAL,
                "context": {"referred_product": {"catalog_id": "cat-77", "product_retailer_id": "SKU-1"}}}
        (event,) = parse_payload(_payload(text))
        self.assertEqual(event["referral"], REFERRAL)
        self.assertEqual(event["extra"]["referred_product"]["product_retailer_id"], "SKU-1")
        self.assertIsNone(parse_payload(TEXT)[0]["referral"])

    def test_unsupported_and_unknown_keep_the_raw_message(self):
        unsupported, unknown = parse_payload(_payload(UNSUPPORTED, {"from": "1", "id": "w.new", "type": "hologram", "hologram": {"x": 1}}))
        self.assertEqual(unsupported["extra"]["errors"], [{"code": 131051, "title": "Message type unknown",
                                                           "message": "Message type unknown",
                                                           "details": "Message type is currently not supported."}])
        self.assertEqual(unsupported["body"], "Message type unknown")
        self.assertEqual(unsupported["extra"]["raw"], UNSUPPORTED)
        self.assertEqual(unknown["extra"]["raw"]["hologram"], {"x": 1})

    def test_errors_at_the_value_level(self):
        payload = {"entry": [{"changes": [{"field": "messages", "value": {"metadata": {"phone_number_id": "1"}, "errors": [
            {"code": 131000, "title": "Something went wrong", "message": "Something went wrong",
             "error_data": {"details": "Unknown error"}}]}}]}]}
        (event,) = parse_payload(payload)
        self.assertEqual(event["kind"], "error")
        self.assertEqual(event["errors"][0]["code"], 131000)
        self.assertEqual(event["errors"][0]["details"], "Unknown error")

    def test_status_pricing_and_conversation(self):
        payload = {"entry": [{"changes": [{"field": "messages", "value": {"metadata": {"phone_number_id": "1"}, "statuses": [
            {"id": "w1", "status": "sent", "timestamp": "2",
             "conversation": {"id": "conv-9", "expiration_timestamp": "1749502800", "origin": {"type": "utility"}},
             "pricing": {"billable": True, "pricing_model": "CBP", "category": "utility"}},
            {"id": "w2", "status": "delivered", "timestamp": "2"},
        ]}}]}]}
        sent, delivered = parse_payload(payload)
        self.assertEqual(sent["pricing"], {"billable": True, "pricing_model": "CBP", "category": "utility", "type": None})
        self.assertEqual((sent["conversation"]["id"], sent["conversation"]["origin"]), ("conv-9", "utility"))
        self.assertEqual(sent["conversation"]["expires_at"].year, 2025)
        self.assertIsNone(delivered["pricing"])
        self.assertIsNone(delivered["conversation"])


class TestSecretsAndLocale(unittest.TestCase):
    def test_secrets_compared_in_constant_time(self):
        with patch("hmac.compare_digest", wraps=hmac.compare_digest) as compare:
            self.assertTrue(secret_matches("let-me-in", "let-me-in"))
            self.assertFalse(secret_matches("let-me-in", "let-me-out"))
        self.assertEqual(compare.call_count, 2)
        self.assertFalse(secret_matches("", ""), "no secret set: nothing matches")
        self.assertFalse(secret_matches("let-me-in", None))
        self.assertFalse(secret_matches("let-me-in", "مفتاح"), "non-ASCII: a plain no, not an error")

    def test_language_of_a_country(self):
        installed = ["en_US", "ar_001", "ar_SY", "fr_FR"]
        for country in ("SA", "SD", "AE", "KW", "BH", "QA", "OM", "EG"):
            self.assertEqual(country_language(country, installed), "ar_001", country)
        self.assertEqual(country_language("FR", installed), "fr_FR")
        self.assertEqual(country_language("US", installed), "en_US")
        self.assertEqual(country_language("SA", ["en_US"]), None, "Arabic not installed: no language")
        self.assertEqual(country_language("CA", ["en_US", "fr_CA"]), "en_US")
        self.assertEqual(country_language("SY", installed), "ar_SY", "the country's own variant first")
        self.assertIsNone(country_language(None, installed))

