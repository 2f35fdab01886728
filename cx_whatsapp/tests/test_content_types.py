"""Every content type Meta sends, kept and shown to the agent: shared
contacts, orders, number and identity changes, Flow answers, ads, what Odoo
cannot show, errors of a whole delivery, and what each message costs."""

import copy
import json

from .common import CxWhatsappCommon
from .test_webhook_tools import CONTACTS, FLOW, IDENTITY_CHANGED, NUMBER_CHANGED, ORDER, REFERRAL, TEXT, UNSUPPORTED


class TestContentTypes(CxWhatsappCommon):
    def _deliver(self, value):
        payload = copy.deepcopy(TEXT)
        payload["entry"][0]["changes"][0]["value"] = dict(
            {"messaging_product": "whatsapp", "metadata": {"phone_number_id": self.account.phone_number_id}}, **value)
        delivery = self.env["cx.whatsapp.webhook"].sudo().create({"account_id": self.account.id, "payload": json.dumps(payload)})
        self.env["cx.whatsapp.webhook"]._cron_process()
        return delivery

    def _message(self, payload):
        payload = copy.deepcopy(payload)
        kind = payload.pop("type")
        payload.pop("id"), payload.pop("from", None), payload.pop("timestamp")
        return self._receive(type=kind, **payload)

    def test_shared_contact_is_shown_and_saved(self):
        message = self._message(CONTACTS)
        self.assertEqual(message.message_type, "contacts")
        body = message.mail_message_id.body
        for shown in ("Noura Al-Harbi", "+966 50 999 8877", "noura@example.sa", "Harbi Trading"):
            self.assertIn(shown, body)
        conversation = message.conversation_id
        message.with_user(self.agent_1).action_save_contacts()
        noura = message.shared_partner_ids
        self.assertEqual((noura.name, noura.phone_sanitized, noura.email, noura.company_name, noura.function),
                         ("Noura Al-Harbi", "+966509998877", "noura@example.sa", "Harbi Trading", "Buyer"))
        self.assertEqual(noura.country_id, self.env.ref("base.sa"))
        self.assertIn("Created the contact", conversation.message_ids[0].body)
        # the same card again: linked, not doubled
        again = self._message(CONTACTS)
        again.with_user(self.agent_1).action_save_contacts()
        self.assertEqual(again.shared_partner_ids, noura)
        self.assertIn("Linked the existing contact", conversation.message_ids[0].body)
        # found by e-mail when the phone is new
        by_mail = copy.deepcopy(CONTACTS)
        by_mail["contacts"][0]["phones"] = [{"phone": "+249 91 000 0000", "type": "CELL"}]
        third = self._message(by_mail)
        third.with_user(self.agent_1).action_save_contacts()
        self.assertEqual(third.shared_partner_ids, noura)
        self.assertEqual(self.env["res.partner"].search_count([("email", "=", "noura@example.sa")]), 1)

    def test_order_shown_as_lines(self):
        message = self._message(ORDER)
        self.assertEqual(message.message_type, "order")
        self.assertEqual(message.extra["catalog_id"], "cat-77")
        self.assertEqual(len(message.extra["items"]), 2)
        body = message.mail_message_id.body
        self.assertIn("cat-77", body)
        self.assertIn("<li>2 × SKU-1 — 10.5 SAR</li>", body)
        self.assertIn("<li>1 × SKU-2 — 99 SAR</li>", body)
        self.assertIn("total 120 SAR", body)
        self.assertIn("Deliver before Friday", body)

    def test_changed_number_moves_the_conversation_and_the_customer(self):
        first = self._receive("hello")
        conversation, khalid = first.conversation_id, first.partner_id
        self.assertEqual(khalid.phone_sanitized, "+966551112233")
        notice = self._message(NUMBER_CHANGED)
        self.assertEqual(notice.message_type, "system")
        self.assertEqual(notice.conversation_id, conversation)
        self.assertEqual(conversation.wa_id, "966551119999")
        self.assertEqual(khalid.phone_sanitized, "+966551119999")
        self.assertEqual(notice.mail_message_id.subtype_id, self.env.ref("mail.mt_note"), "a note, not the customer's words")
        self.assertIn("from +966551112233 to +966551119999", notice.mail_message_id.body)
        self.assertEqual(conversation.last_inbound_wamid, first.wamid, "Meta's notice opens no window")
        # the customer writes from the new number: same conversation, same customer
        later = self._receive("it's me again", wa_id="966551119999")
        self.assertEqual((later.conversation_id, later.partner_id), (conversation, khalid))

    def test_identity_change_without_from(self):
        conversation = self._receive("hello").conversation_id
        payload = copy.deepcopy(TEXT)
        value = payload["entry"][0]["changes"][0]["value"]
        value.pop("contacts")
        value["messages"] = [IDENTITY_CHANGED, {"id": "w.nobody", "timestamp": "1", "type": "system",
                                                "system": {"body": "changed", "type": "user_identity_changed"}}]
        delivery = self.env["cx.whatsapp.webhook"].sudo().create({"account_id": self.account.id, "payload": json.dumps(payload)})
        self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(delivery.state, "done")
        notice = self.env["cx.whatsapp.message"].sudo().search([("wamid", "=", "w.identity")])
        self.assertEqual(notice.conversation_id, conversation)
        self.assertIn("identity changed", notice.mail_message_id.body)
        nobody = self.env["cx.whatsapp.message"].sudo().search([("wamid", "=", "w.nobody")])
        self.assertTrue(nobody, "kept, though nobody can be told")
        self.assertFalse(nobody.conversation_id)

    def test_identity_change_found_by_user_id(self):
        conversation = self._receive("hello").conversation_id
        conversation.partner_id.cx_whatsapp_user_id = "SA.123"
        notice = copy.deepcopy(IDENTITY_CHANGED)
        notice["system"].pop("customer")
        notice["from_user_id"] = "SA.123"
        payload = copy.deepcopy(TEXT)
        value = payload["entry"][0]["changes"][0]["value"]
        value.pop("contacts")
        value["messages"] = [notice]
        self.env["cx.whatsapp.webhook"].sudo().create({"account_id": self.account.id, "payload": json.dumps(payload)})
        self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(self.env["cx.whatsapp.message"].sudo().search([("wamid", "=", "w.identity")]).conversation_id,
                         conversation)

    def test_flow_answer_shown_as_fields(self):
        message = self._message(FLOW)
        self.assertEqual(message.extra["flow_response"]["order_number"], "1042")
        body = message.mail_message_id.body
        self.assertIn("<li>order_number: 1042</li>", body)
        self.assertIn("<li>issue: broken</li>", body)
        self.assertIn("<li>photos_ok: true</li>", body)
        self.assertNotIn("tok-1", body, "the Flow's token is plumbing, not an answer")

    def test_ad_referral_on_the_conversation_and_the_lead(self):
        message = self._receive("Is the sale still on?", referral=REFERRAL)
        conversation = message.conversation_id
        self.assertEqual((conversation.referral_headline, conversation.referral_source_id, conversation.referral_source_type,
                          conversation.referral_source_url, conversation.referral_ctwa_clid),
                         ("Winter sale 30%", "120212345", "ad", "https://fb.me/3cr4Wqqkv", "ARAkLkA8rmlFeiCktEJQ"))
        self.assertEqual(message.extra["referral"]["ctwa_clid"], "ARAkLkA8rmlFeiCktEJQ")
        self.assertIn("Winter sale 30%", message.mail_message_id.body)
        conversation.with_user(self.agent_1).action_create_lead()
        lead = conversation.sudo().lead_id
        self.assertEqual((lead.source_id.name, lead.medium_id.name, lead.campaign_id.name),
                         ("Facebook", "Click-to-WhatsApp ad", "Winter sale 30%"))
        self.assertEqual(lead.cx_source_channel, "ad", "the ad brought the customer, not customer service")
        # a second lead from the same ad reuses the same UTM records
        other = self._receive("me too", wa_id="966500000001", referral=REFERRAL).conversation_id
        other.with_user(self.agent_1).action_create_lead()
        self.assertEqual(other.sudo().lead_id.campaign_id, lead.campaign_id)
        self.assertEqual(self.env["utm.campaign"].search_count([("name", "=", "Winter sale 30%")]), 1)

    def test_unsupported_and_unknown_types_keep_meta_error_and_raw(self):
        message = self._message(UNSUPPORTED)
        self.assertEqual(message.message_type, "unsupported")
        self.assertEqual(message.error_code, 131051)
        self.assertIn("Message type unknown", message.error_details)
        self.assertIn("131051", message.mail_message_id.body)
        self.assertEqual(json.loads(message.raw_json)["errors"][0]["code"], 131051)
        unknown = self._receive(type="hologram", hologram={"beam": 3})
        self.assertEqual(unknown.message_type, "other")
        self.assertIn("hologram", unknown.mail_message_id.body)
        self.assertEqual(json.loads(unknown.raw_json)["hologram"], {"beam": 3})

    def test_errors_of_a_whole_delivery_are_recorded(self):
        delivery = self._deliver({"errors": [{"code": 131000, "title": "Something went wrong",
                                             "message": "Something went wrong", "error_data": {"details": "Unknown error"}}]})
        self.assertEqual((delivery.state, delivery.meta_error_code), ("done", 131000))
        self.assertIn("Something went wrong", delivery.meta_errors)

    def test_pricing_and_conversation_of_statuses(self):
        outbound = self.env["cx.whatsapp.message"].create(
            {"account_id": self.account.id, "wamid": "wamid.OUT", "direction": "outbound", "status": "accepted"})

        def status(name, **extra):
            return {"statuses": [dict({"id": "wamid.OUT", "status": name, "timestamp": "1749416500",
                                       "recipient_id": "966551112233"}, **extra)]}

        self._deliver(status("read"))
        self._deliver(status("sent", conversation={"id": "conv-9", "expiration_timestamp": "1749502800",
                                                   "origin": {"type": "marketing"}},
                             pricing={"billable": True, "pricing_model": "CBP", "category": "marketing"}))
        self.assertEqual(outbound.status, "read", "a late 'sent' still brings its bill, not its status")
        self.assertEqual((outbound.pricing_category, outbound.pricing_billable, outbound.pricing_model),
                         ("marketing", True, "CBP"))
        self.assertEqual((outbound.meta_conversation_id, outbound.meta_conversation_origin), ("conv-9", "marketing"))
        self.assertEqual(outbound.meta_conversation_expires_at.year, 2025)

    def test_new_contacts_get_the_country_and_its_language(self):
        self.env["res.lang"]._activate_lang("ar_001")
        for wa_id, country in (("966551112233", "base.sa"), ("249912345678", "base.sd"), ("971501234567", "base.ae"),
                               ("201001234567", "base.eg")):
            partner = self._receive("مرحبا", wa_id=wa_id, name=f"Customer {wa_id}").partner_id
            self.assertEqual((partner.country_id, partner.lang), (self.env.ref(country), "ar_001"), wa_id)
        american = self._receive("hi", wa_id="16505551234", name="Sheena").partner_id
        self.assertEqual((american.country_id, american.lang), (self.env.ref("base.us"), "en_US"))
        self.env["res.lang"].search([("code", "=", "fr_FR")]).active = False
        french = self._receive("bonjour", wa_id="33612345678", name="Claire").partner_id
        self.assertEqual(french.country_id, self.env.ref("base.fr"))
        self.assertFalse(french.lang, "French not installed: no language rather than a wrong one")
