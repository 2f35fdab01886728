"""The webhook through Odoo's HTTP stack: verification, signatures, durable
queue, duplicates, every message, out-of-order statuses, customers."""

import copy
import hmac
import json
import threading
from unittest.mock import patch

import psycopg2.errors
import requests

from odoo.tests import HttpCase, tagged

from odoo.addons.cx_helpdesk.tests.common import CxHelpdeskCommon

from .test_webhook_tools import TEXT, sign


@tagged("-at_install", "post_install")
class TestWebhook(HttpCase, CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["cx.whatsapp.account"].create(
            {"name": "Care KSA", "display_phone_number": "15550783881", "phone_number_id": "106540352242922",
             "app_secret": "s3cret", "verify_token": "let-me-in", "team_id": cls.team_l1.id}
        )
        cls.url = f"/cx_whatsapp/webhook/{cls.account.id}"

    def _post(self, payload, secret="s3cret", raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        return self.url_open(self.url, data=body, headers={"Content-Type": "application/json",
                                                          "X-Hub-Signature-256": sign(secret, body)})

    def _process(self):
        self.env["cx.whatsapp.webhook"]._cron_process()
        return self.env["cx.whatsapp.message"].search([("account_id", "=", self.account.id)])

    def test_verification_handshake(self):
        ok = self.url_open(f"{self.url}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=let-me-in")
        self.assertEqual((ok.status_code, ok.text), (200, "1158201444"))
        self.assertTrue(ok.headers["Content-Type"].startswith("text/plain"))
        wrong = self.url_open(f"{self.url}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope")
        self.assertEqual(wrong.status_code, 403)

    def test_verify_token_compared_in_constant_time(self):
        with patch("hmac.compare_digest", wraps=hmac.compare_digest) as compare:
            ok = self.url_open(f"{self.url}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=let-me-in")
            wrong = self.url_open(f"{self.url}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=let-me-out")
        self.assertEqual((ok.status_code, wrong.status_code), (200, 403))
        self.assertIn(((b"let-me-in", b"let-me-out"), {}), compare.call_args_list)
        arabic = self.url_open(f"{self.url}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=مفتاح")
        self.assertEqual(arabic.status_code, 403, "a plain no, not a server error")

    def test_bad_signature_stores_nothing(self):
        response = self._post(TEXT, secret="forged")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.env["cx.whatsapp.webhook"].search([("account_id", "=", self.account.id)]))

    def test_text_message_and_new_contact(self):
        response = self._post(TEXT)
        self.assertEqual((response.status_code, response.text), (200, "ok"))
        message = self._process()
        self.assertEqual(len(message), 1)
        self.assertEqual(message.body, "Does it come in another color?")
        self.assertEqual(message.partner_id.name, "Sheena Nelson")
        self.assertEqual(message.partner_id.phone_sanitized, "+16505551234")
        self.assertEqual(message.partner_id.cx_whatsapp_user_id, "US.13491208655302741918")

    def test_duplicates_are_stored_once(self):
        self._post(TEXT)
        self._post(TEXT)
        doubled = copy.deepcopy(TEXT)
        value = doubled["entry"][0]["changes"][0]["value"]
        value["messages"] = value["messages"] * 2
        self._post(doubled)
        self.assertEqual(len(self._process()), 1)

    def test_concurrent_duplicates_are_stored_once(self):
        """Meta retrying while the first delivery is still in flight: every
        copy is acknowledged, the message is stored once."""
        answers = []
        body = json.dumps(TEXT).encode()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign("s3cret", body)}

        def post(cookies):  # plain requests: url_open belongs to the test's thread
            answers.append(requests.post(f"{self.base_url()}{self.url}", data=body, headers=headers, cookies=cookies,
                                         timeout=20).status_code)

        self.env.flush_all()
        with self.allow_requests():
            cookies = dict(self.opener.cookies)
            threads = [threading.Thread(target=post, args=(cookies,)) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        self.env.invalidate_all()
        self.assertEqual(answers, [200] * 4)
        self.assertEqual(self.env["cx.whatsapp.webhook"].search_count([("account_id", "=", self.account.id)]), 4)
        self.assertEqual(len(self._process()), 1)
        self.assertEqual(set(self.env["cx.whatsapp.webhook"].search([("account_id", "=", self.account.id)]).mapped("state")), {"done"})

    def test_a_raced_delivery_waits_for_the_next_run(self):
        """Another transaction stored the message first (unique key): the
        delivery is neither failed nor lost, the next run finds it known."""
        self._post(TEXT)
        delivery = self.env["cx.whatsapp.webhook"].search([("account_id", "=", self.account.id)])
        real_receive = type(self.env["cx.whatsapp.message"])._cx_receive

        def raced(model, account, events):
            model.env.cr.execute("SELECT 1 FROM cx_whatsapp_message WHERE false")  # the other transaction won
            raise psycopg2.errors.UniqueViolation("duplicate key value violates unique constraint")

        with patch.object(type(self.env["cx.whatsapp.message"]), "_cx_receive", raced):
            self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(delivery.state, "pending")
        with patch.object(type(self.env["cx.whatsapp.message"]), "_cx_receive", real_receive):
            self.env["cx.whatsapp.webhook"]._cron_process()
        self.assertEqual(delivery.state, "done")

    def test_known_customers_saudi_and_sudan(self):
        saudi = self.env["res.partner"].create({"name": "Saudi", "phone": "0509876543", "country_id": self.env.ref("base.sa").id})
        sudanese = self.env["res.partner"].create({"name": "Sudanese", "phone": "0912345678", "country_id": self.env.ref("base.sd").id})
        payload = copy.deepcopy(TEXT)
        value = payload["entry"][0]["changes"][0]["value"]
        value["contacts"] = []
        value["messages"] = [
            dict(value["messages"][0], id="w.sa", **{"from": "966509876543"}),
            dict(value["messages"][0], id="w.sd", **{"from": "249912345678"}),
        ]
        self._post(payload)
        messages = self._process()
        self.assertEqual({m.wamid: m.partner_id for m in messages}, {"w.sa": saudi, "w.sd": sudanese})

    def test_statuses_never_move_backwards(self):
        message = self.env["cx.whatsapp.message"].create(
            {"account_id": self.account.id, "wamid": "wamid.OUT", "direction": "outbound", "status": "sent"}
        )

        def status(name, at, errors=None):
            entry = {"id": "wamid.OUT", "status": name, "timestamp": str(at), "recipient_id": "16505551234"}
            if errors:
                entry["errors"] = errors
            return {"entry": [{"changes": [{"field": "messages", "value": {"metadata": {"phone_number_id": "106540352242922"}, "statuses": [entry]}}]}]}

        self._post(status("read", 30))
        self._post(status("delivered", 20))  # late
        self._process()
        self.assertEqual(message.status, "read")
        other = self.env["cx.whatsapp.message"].create(
            {"account_id": self.account.id, "wamid": "wamid.OUT2", "direction": "outbound", "status": "sent"}
        )
        failed = status("failed", 40, [{"code": 131047, "title": "Re-engagement message",
                                         "error_data": {"details": "More than 24 hours have passed."}}])
        failed["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = "wamid.OUT2"
        self._post(failed)
        self._process()
        self.assertEqual((other.status, other.error_code, other.error_details), ("failed", 131047, "More than 24 hours have passed."))

    def test_clean_answers_to_bad_deliveries(self):
        self.assertEqual(self.url_open("/cx_whatsapp/webhook/999999", data=b"{}").status_code, 404)
        response = self._post(None, raw=b"{not json")
        self.assertEqual(response.status_code, 200, "signed but broken: a no-op, so Meta stops retrying")
        self.assertFalse(self.env["cx.whatsapp.webhook"].search([("account_id", "=", self.account.id)]))
        # a delivery that breaks while processing is kept, marked failed, and the next ones go on
        self._post({"entry": [{"changes": [{"field": "messages", "value": {"messages": [{"id": "w.bad", "type": "text", "from": None}]}}]}]})
        self._post(TEXT)
        messages = self._process()
        self.assertIn("wamid.A", messages.mapped("wamid"))
