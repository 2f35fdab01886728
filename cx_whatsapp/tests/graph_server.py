"""A fake of Meta's Graph API for the tests (local HTTP server in a thread).

It records what Odoo sends and answers like the Cloud API: message ids for
messages, ``{"success": true}`` for read receipts, media ids for uploads, media
lookups with a download URL (served by the same server), the phone number's
profile; and, when told, Meta's errors (131047, 130429, 131056, 190, 5xx...)
with their real body shape.
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGraphApi:
    def __init__(self):
        self.requests = []  # (method, path, json body or form text, headers)
        self.media = {}  # media id -> (bytes, mime type)
        self.templates = []  # as Meta lists them: dicts with id, name, language, status, category, components
        self._errors = []  # (path regex, code, http status, details)
        self._count = 0
        self._lock = threading.Lock()
        self._server = None
        self._thread = None
        self.url = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # ------------------------------------------------------------ controls
    def fail_next(self, code, http_status=400, details=None, path=r"/messages$", times=1):
        """The next ``times`` requests whose path matches answer Meta's error
        ``code`` (read receipts excepted: they are not messages)."""
        with self._lock:
            self._errors += [(re.compile(path), code, http_status, details)] * times

    def sent(self, kind=None):
        """The message bodies posted to /messages (``kind``: their type, or 'read')."""
        bodies = [body for method, path, body, _h in self.requests if method == "POST" and path.endswith("/messages")]
        if kind == "read":
            return [body for body in bodies if body.get("status") == "read"]
        return [body for body in bodies if body.get("status") != "read" and (kind is None or body.get("type") == kind)]

    # ------------------------------------------------------------ protocol
    def _handle(self, handler, method):
        path = handler.path.split("?")[0]
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = raw
        if "json" in (handler.headers.get("Content-Type") or ""):
            body = json.loads(raw or b"{}")
        with self._lock:
            self.requests.append((method, path, body, dict(handler.headers)))
            is_receipt = isinstance(body, dict) and body.get("status") == "read"
            error = None if is_receipt else next((e for e in self._errors if e[0].search(path)), None)
            if error:
                self._errors.remove(error)
            self._count += 1
            count = self._count
        if error:
            _pattern, code, status, details = error
            return self._answer(handler, status, {"error": {
                "message": f"(#{code}) error", "type": "OAuthException", "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": details or "fake error"},
                "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"}})
        if handler.headers.get("Authorization") != "Bearer test-token":
            return self._answer(handler, 401, {"error": {"message": "Invalid OAuth access token", "code": 190,
                                                        "type": "OAuthException"}})
        if path.startswith("/download/"):
            content, mimetype = self.media[path.rsplit("/", 1)[1]]
            handler.send_response(200)
            handler.send_header("Content-Type", mimetype)
            handler.send_header("Content-Length", str(len(content)))
            handler.end_headers()
            handler.wfile.write(content)
            return None
        parts = path.strip("/").split("/")  # version, object[, edge]
        if method == "POST" and parts[-1] == "messages":
            if body.get("status") == "read":
                return self._answer(handler, 200, {"success": True})
            return self._answer(handler, 200, {
                "messaging_product": "whatsapp", "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": f"wamid.FAKE{count}"}]})
        if parts[-1] == "message_templates":
            if method == "POST":
                template = dict(body, id=f"tmpl{count}", status="PENDING")
                self.templates.append(template)
                return self._answer(handler, 200, {"id": template["id"], "status": "PENDING", "category": body.get("category")})
            return self._answer(handler, 200, {"data": self.templates, "paging": {}})
        if method == "POST" and parts[-1] == "media":
            return self._answer(handler, 200, {"id": f"media.up{count}"})
        if method == "GET" and len(parts) == 2 and parts[1] in self.media:
            content, mimetype = self.media[parts[1]]
            return self._answer(handler, 200, {"url": f"{self.url}/download/{parts[1]}", "mime_type": mimetype,
                                               "file_size": len(content), "id": parts[1], "messaging_product": "whatsapp"})
        if method == "GET" and len(parts) == 2:
            return self._answer(handler, 200, {"display_phone_number": "+1 555-078-3881", "verified_name": "Care KSA",
                                               "quality_rating": "GREEN", "id": parts[1]})
        return self._answer(handler, 404, {"error": {"message": "Unknown path", "code": 100}})

    @staticmethod
    def _answer(handler, status, data):
        raw = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)
