"""Templates: written here, submitted and synced with Meta (the fake Graph
API), status webhooks, sent with variables filled from the record, the
satisfaction survey whose buttons rate the ticket."""

import json

from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from .common import CxWhatsappCommon


class TestTemplates(CxWhatsappCommon):
    def _template(self, **values):
        values = {
            "name": "ticket_update", "account_id": self.account.id, "language": "ar", "category": "UTILITY",
            "res_model": "cx.ticket", "body": "مرحبا {{1}}، تذكرتك {{2}} قيد المعالجة.",
            "variable_ids": [(0, 0, {"position": 1, "name": "Customer", "field_path": "partner_id.name", "sample": "Khalid"}),
                             (0, 0, {"position": 2, "name": "Ticket", "field_path": "number", "sample": "TCK-0042"})],
            **values,
        }
        return self.env["cx.whatsapp.template"].create(values)

    def test_submit_then_approved_by_webhook(self):
        template = self._template(button_ids=[(0, 0, {"kind": "URL", "text": "Track", "url": "https://example.com/t"})])
        template.action_submit()
        self.assertEqual(template.status, "pending")
        sent = self.graph.templates[-1]
        self.assertEqual((sent["name"], sent["language"], sent["category"]), ("ticket_update", "ar", "UTILITY"))
        body = next(c for c in sent["components"] if c["type"] == "BODY")
        self.assertEqual(body["example"], {"body_text": [["Khalid", "TCK-0042"]]})
        self.assertEqual(next(c for c in sent["components"] if c["type"] == "BUTTONS")["buttons"][0]["url"], "https://example.com/t")
        payload = {"entry": [{"id": self.account.waba_id, "changes": [{"field": "message_template_status_update", "value": {
            "event": "APPROVED", "message_template_id": template.meta_id,
            "message_template_name": "ticket_update", "message_template_language": "ar", "reason": "NONE"}}]}]}
        self.env["cx.whatsapp.webhook"].sudo().create({"account_id": self.account.id, "payload": json.dumps(payload)})
        self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(template.status, "approved")

    def test_sync_adds_and_updates(self):
        template = self._template()
        template.action_submit()
        self.graph.templates[-1]["status"] = "REJECTED"
        self.graph.templates[-1]["rejected_reason"] = "INVALID_FORMAT"
        self.graph.templates.append({"id": "tmpl-made-in-meta", "name": "order_shipped", "language": "en", "status": "APPROVED",
                                     "category": "UTILITY", "components": [{"type": "BODY", "text": "Your order {{1}} shipped"},
                                                                          {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]}]})
        self.account.action_sync_templates()
        self.assertEqual((template.status, template.rejected_reason), ("rejected", "INVALID_FORMAT"))
        made = self.env["cx.whatsapp.template"].search([("name", "=", "order_shipped")])
        self.assertEqual((made.status, made.body, len(made.variable_ids), made.button_ids.text), ("approved", "Your order {{1}} shipped", 1, "Thanks"))

    def test_variables_must_match_the_text(self):
        with self.assertRaises(ValidationError):
            self._template(body="Hello {{1}} and {{3}}")
        with self.assertRaises(ValidationError):
            self._template(variable_ids=[(0, 0, {"position": 1, "field_path": "no_such_field"}),
                                         (0, 0, {"position": 2, "field_path": "number"})])
        with self.assertRaises(ValidationError):
            self._template(name="Ticket Update")

    def test_send_filled_from_the_ticket_outside_the_window(self):
        template = self._template(status="approved")
        conversation = self._receive("old question", at=1_700_000_000).conversation_id
        self.assertFalse(conversation.window_open)
        ticket = conversation.ticket_id
        wizard = self.env["cx.whatsapp.template.send"].with_user(self.agent_1).with_context(
            active_model="cx.ticket", active_id=ticket.id).create({"template_id": template.id})
        self.assertEqual(wizard.conversation_id, conversation)
        self.assertEqual(wizard.preview, f"مرحبا {ticket.partner_id.name}، تذكرتك {ticket.number} قيد المعالجة.")
        wizard.action_send()
        self.env["cx.whatsapp.message"]._cron_send()
        (sent,) = self.graph.sent("template")
        self.assertEqual(sent["template"]["name"], "ticket_update")
        self.assertEqual(sent["template"]["language"], {"code": "ar"})
        self.assertEqual([p["text"] for p in sent["template"]["components"][0]["parameters"]], [ticket.partner_id.name, ticket.number])
        self.assertIn(ticket.number, conversation.message_ids[0].body, "what was sent shows in the conversation")

    def test_template_starts_a_conversation_and_respects_opt_out(self):
        template = self._template(name="promo", category="MARKETING", res_model="res.partner", body="Hi {{1}}!",
                                  variable_ids=[(0, 0, {"position": 1, "field_path": "name"})], status="approved")
        partner = self.env["res.partner"].create({"name": "Amna", "phone": "+249912345678"})
        wizard = self.env["cx.whatsapp.template.send"].with_context(active_model="res.partner", active_id=partner.id).create(
            {"template_id": template.id})
        self.assertEqual(wizard.phone, "+249912345678")
        wizard.action_send()
        conversation = self.env["cx.whatsapp.conversation"].search([("wa_id", "=", "249912345678")])
        self.assertEqual(conversation.partner_id, partner)
        self.env["phone.blacklist"].sudo()._add(["+249912345678"])
        with self.assertRaisesRegex(UserError, "opted out"):
            self.env["cx.whatsapp.template.send"].with_context(active_model="res.partner", active_id=partner.id).create(
                {"template_id": template.id}).action_send()
        draft = self._template(name="not_yet", res_model="res.partner", body="Hi", variable_ids=[])
        with self.assertRaisesRegex(UserError, "not approved"):
            draft._cx_queue(conversation, partner)

    def test_number_typed_in_a_local_form(self):
        """The number typed in the wizard is read as the suite reads every
        number: a Saudi customer's 050 number is their +966 WhatsApp."""
        template = self._template(name="hello", res_model="res.partner", body="Hi {{1}}!",
                                  variable_ids=[(0, 0, {"position": 1, "field_path": "name"})], status="approved")
        partner = self.env["res.partner"].create({"name": "Noura", "country_id": self.env.ref("base.sa").id})
        Wizard = self.env["cx.whatsapp.template.send"].with_user(self.agent_1).with_context(
            active_model="res.partner", active_id=partner.id)
        Wizard.create({"template_id": template.id, "phone": "050-999 8877"}).action_send()
        conversation = self.env["cx.whatsapp.conversation"].search([("partner_id", "=", partner.id)])
        self.assertEqual(conversation.wa_id, "966509998877")
        self.assertEqual(conversation.phone, "+966509998877")
        other = self.env["res.partner"].create({"name": "Amna"})
        Wizard = Wizard.with_context(active_id=other.id)
        with self.assertRaisesRegex(UserError, "not a WhatsApp number"):
            Wizard.create({"template_id": template.id, "phone": "call me"}).action_send()
        Wizard.create({"template_id": template.id, "phone": "00249 91 234 5678"}).action_send()
        self.assertEqual(self.env["cx.whatsapp.conversation"].search([("partner_id", "=", other.id)]).wa_id, "249912345678")

    def test_filled_from_one_of_the_customers_orders(self):
        if "sale.order" not in self.env:
            self.skipTest("Sales is not installed")
        template = self._template(name="order_total", res_model="sale.order", body="Order {{1}}: {{2}} SAR",
                                  variable_ids=[(0, 0, {"position": 1, "field_path": "name"}),
                                                (0, 0, {"position": 2, "field_path": "amount_total"})], status="approved")
        conversation = self._receive("how much do I owe?").conversation_id
        product = self.env["product.product"].create({"name": "Router", "list_price": 50.0})
        order = self.env["sale.order"].create({"partner_id": conversation.partner_id.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 2, "price_unit": 50.0, "tax_ids": [(6, 0, [])]})]})
        wizard = self.env["cx.whatsapp.template.send"].with_user(self.agent_1).with_context(
            active_model="cx.whatsapp.conversation", active_id=conversation.id).create({"template_id": template.id})
        self.assertFalse(wizard.fill_from, "a conversation is not an order: the agent picks one")
        with self.assertRaisesRegex(UserError, "Choose the Sales Order"):
            wizard.action_send()
        wizard.fill_from = order
        total = format_amount(self.env, 100.0, order.currency_id)
        self.assertEqual(wizard.preview, f"Order {order.name}: {total} SAR")
        wizard.action_send()
        self.env["cx.whatsapp.message"]._cron_send()
        (sent,) = self.graph.sent("template")
        self.assertEqual([p["text"] for p in sent["template"]["components"][0]["parameters"]], [order.name, total])

    def test_nps_survey_by_whatsapp_for_whatsapp_customers(self):
        template = self._template(name="nps", res_model="cx.nps.survey", body="How likely are you to recommend us? {{1}}",
                                  variable_ids=[(0, 0, {"position": 1, "field_path": "survey_url"})], status="approved")
        self.company.write({"cx_nps_schedule": "tickets", "cx_nps_after_tickets": 1,
                            "cx_whatsapp_nps_template_id": template.id})
        conversation = self._receive("my screen is broken").conversation_id
        conversation.ticket_id.action_close()
        self.customer.email = "fatima@customer.example"
        self._closed_ticket_for(self.customer)
        Survey = self.env["cx.nps.survey"]
        Survey._cron_send_due()
        by_whatsapp = Survey.search([("partner_id", "=", conversation.partner_id.id)])
        self.assertEqual(by_whatsapp.channel, "whatsapp")
        self.assertEqual(Survey.search([("partner_id", "=", self.customer.id)]).channel, "email", "no WhatsApp: the email")
        self.env["cx.whatsapp.message"]._cron_send()
        (sent,) = self.graph.sent("template")
        self.assertEqual(sent["template"]["name"], "nps")
        self.assertEqual(sent["template"]["components"][0]["parameters"][0]["text"], by_whatsapp.sudo().survey_url)
        self.assertIn(f"/cx/nps/{by_whatsapp.sudo().token}", by_whatsapp.sudo().survey_url)

    def _closed_ticket_for(self, partner):
        ticket = self._ticket(partner_id=partner.id)
        ticket.stage_id = self.stage_solved
        return ticket

    def test_satisfaction_survey_rates_the_ticket(self):
        survey = self._template(name="csat", body="How did we do on {{1}}?", is_csat=True, status="approved",
                                variable_ids=[(0, 0, {"position": 1, "field_path": "number"})],
                                button_ids=[(0, 0, {"text": "😀 Great"}), (0, 0, {"text": "😐 OK"}), (0, 0, {"text": "😞 Bad"})])
        self.team_l1.write({"use_rating": True, "cx_whatsapp_rating_template_id": survey.id})
        conversation = self._receive("my screen is broken").conversation_id
        ticket = conversation.ticket_id
        ticket.action_close()
        self.env["cx.whatsapp.message"]._cron_send()
        (sent,) = self.graph.sent("template")
        buttons = [c for c in sent["template"]["components"] if c["type"] == "button"]
        payloads = [b["parameters"][0]["payload"] for b in buttons]
        self.assertEqual([p.rsplit(":", 1)[1] for p in payloads], ["5", "3", "1"])
        # the customer taps "😐 OK"
        self._receive(type="button", button={"payload": payloads[1], "text": "😐 OK"})
        self.assertEqual(ticket.rating_last_value, 3)
