import json
import logging

from odoo import http
from odoo.http import request

from odoo.addons.cx_whatsapp.tools.webhook import secret_matches, verify_signature

_logger = logging.getLogger(__name__)


class CxWhatsappWebhook(http.Controller):
    def _account(self, account_id):
        return request.env["cx.whatsapp.account"].sudo().browse(account_id).exists().filtered("active")

    @http.route("/cx_whatsapp/webhook/<int:account_id>", type="http", auth="public", methods=["GET"], csrf=False)
    def verify(self, account_id, **params):
        """Meta's verification handshake: echo hub.challenge as plain text."""
        account = self._account(account_id)
        if (
            account
            and params.get("hub.mode") == "subscribe"
            and secret_matches(account.verify_token, params.get("hub.verify_token"))
        ):
            return request.make_response(params.get("hub.challenge", ""), [("Content-Type", "text/plain")])
        return request.make_response("Forbidden", [("Content-Type", "text/plain")], status=403)

    @http.route("/cx_whatsapp/webhook/<int:account_id>", type="http", auth="public", methods=["POST"], csrf=False)
    def receive(self, account_id, **_params):
        """A delivery: checked against the app secret (nothing is stored when
        the signature is wrong), stored as received, answered at once; the
        work is done by the processing cron, triggered now."""
        account = self._account(account_id)
        if not account:
            return request.make_response("Unknown account", [("Content-Type", "text/plain")], status=404)
        body = request.httprequest.get_data(cache=False)
        if not verify_signature(account.app_secret, body, request.httprequest.headers.get("X-Hub-Signature-256")):
            _logger.warning("WhatsApp webhook %s: bad signature, delivery rejected", account_id)
            return request.make_response("Bad signature", [("Content-Type", "text/plain")], status=403)
        try:
            json.loads(body)
        except ValueError:
            # signed but not JSON: Meta retrying would not help; nothing to store
            _logger.warning("WhatsApp webhook %s: signed delivery is not JSON, ignored", account_id)
            return request.make_response("ignored", [("Content-Type", "text/plain")])
        request.env["cx.whatsapp.webhook"].sudo().create({"account_id": account.id, "payload": body.decode("utf-8")})
        request.env["cx.whatsapp.webhook"].sudo()._cx_trigger_processing()
        return request.make_response("ok", [("Content-Type", "text/plain")])
