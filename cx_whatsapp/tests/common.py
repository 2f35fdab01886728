import copy
import json
import time

from odoo.addons.cx_helpdesk.tests.common import CxHelpdeskCommon

from .graph_server import FakeGraphApi
from .test_webhook_tools import TEXT


class CxWhatsappCommon(CxHelpdeskCommon):
    """The helpdesk world, a WhatsApp number of the first-line team, and the
    fake Graph API behind it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.graph = FakeGraphApi()
        cls.graph.start()
        cls.addClassCleanup(cls.graph.stop)
        cls.env["ir.config_parameter"].sudo().set_param("cx_whatsapp.graph_url", cls.graph.url)
        cls.account = cls.env["cx.whatsapp.account"].create(
            {"name": "Care KSA", "display_phone_number": "15550783881", "phone_number_id": "106540352242922",
             "waba_id": "102290129340398", "access_token": "test-token", "app_secret": "s3cret",
             "verify_token": "let-me-in", "team_id": cls.team_l1.id}
        )
        cls._serial = 0

    def setUp(self):
        super().setUp()
        self.graph.requests.clear()

    def _receive(self, text="Does it come in another color?", wa_id="966551112233", name="Khalid", at=None, env=None,
                 **message):
        """A customer's message as Meta's webhook brings it, processed (in
        ``env``, by default the test's)."""
        env = env or self.env
        type(self)._serial += 1
        payload = copy.deepcopy(TEXT)
        value = payload["entry"][0]["changes"][0]["value"]
        value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
        entry = {"from": wa_id, "id": f"wamid.IN{self._serial}", "timestamp": str(int(at or time.time())),
                 "type": "text", "text": {"body": text}}
        if "type" in message:
            del entry["text"]
        entry |= message
        value["messages"] = [entry]
        env["cx.whatsapp.webhook"].sudo().create({"account_id": self.account.id, "payload": json.dumps(payload)})
        env["cx.whatsapp.webhook"]._cron_process()
        return env["cx.whatsapp.message"].sudo().search([("wamid", "=", entry["id"])])
