import mimetypes
import os

import requests

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request


class CxTelephony(http.Controller):
    @http.route("/cx_telephony/recording/<int:call_id>", type="http", auth="user", readonly=True)
    def recording(self, call_id, **kw):
        """A call's recording, for supervisors and the agent who handled it.
        The file comes from the PBX's recordings directory (shared with Odoo)
        or its internal web server, never from a path the client chooses."""
        call = request.env["cx.call"].browse(call_id)
        try:
            call.check_access("read")
            call = call.exists()
        except (AccessError, MissingError):
            return request.not_found()
        user = request.env.user
        if not call or not (call.user_id == user or user.has_group("cx_helpdesk.group_cx_supervisor")):
            return request.not_found()
        call = call.sudo()
        name = os.path.basename(call.recording_path or "")
        base = (call.pbx_id.recording_base_url or "").strip()
        if not name or not base or name.startswith("."):
            return request.not_found()
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        headers = [("Content-Type", mimetype), ("Content-Disposition", http.content_disposition(name)),
                   ("Cache-Control", "private, no-store")]
        if base.startswith(("http://", "https://")):
            try:
                response = requests.get(base.rstrip("/") + "/" + name, timeout=10)
            except requests.RequestException:
                return request.not_found()
            if response.status_code != 200:
                return request.not_found()
            return request.make_response(response.content, headers)
        directory = base.removeprefix("file://")
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            return request.not_found()
        with open(path, "rb") as recording:
            return request.make_response(recording.read(), headers)
