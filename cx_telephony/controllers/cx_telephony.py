import contextlib
import mimetypes
import os

import requests
from werkzeug.datastructures import Headers

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import Response, Stream, request

# the PBX's answer headers the browser's player needs to seek
RELAYED_HEADERS = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified")
CHUNK_SIZE = 64 * 1024


class CxTelephony(http.Controller):
    @http.route("/cx_telephony/recording/<int:call_id>", type="http", auth="user")
    def recording(self, call_id, **kw):
        """A call's recording, for supervisors (of the calls they may read)
        and the agent who handled it. The file comes from the PBX's
        recordings directory (shared with Odoo) or its internal web server,
        never from a path the client chooses, and is streamed: HTTP Range
        requests are answered (the player seeks), no worker holds the whole
        file. Each listen is logged on the call (cx.call.listen)."""
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
        if base.startswith(("http://", "https://")):
            response = self._cx_relay_recording(base.rstrip("/") + "/" + name, name)
        else:
            response = self._cx_file_recording(base.removeprefix("file://"), name)
        if response.status_code in (200, 206):
            if request.httprequest.method == "GET" and _starts_a_listen(request.httprequest.range):
                request.env["cx.call.listen"].sudo().create({"call_id": call.id, "user_id": user.id})
            response.headers["Cache-Control"] = "private, no-store"
        return response

    def _cx_file_recording(self, directory, name):
        """The recording from the shared directory, with Odoo's file
        streaming (werkzeug: conditional and Range responses, the file read
        in chunks). Stream.from_path only serves addons' files: the stream is
        described the same way for the PBX's directory."""
        directory = os.path.realpath(directory)
        path = os.path.realpath(os.path.join(directory, name))
        if os.path.dirname(path) != directory or not os.path.isfile(path):
            return request.not_found()
        stat = os.stat(path)
        return Stream(
            type="path",
            path=path,
            mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
            download_name=name,
            etag=f"{int(stat.st_mtime)}-{stat.st_size}",
            last_modified=stat.st_mtime,
            size=stat.st_size,
        ).get_response(as_attachment=False)

    def _cx_relay_recording(self, url, name):
        """The recording from the PBX's web server, relayed chunk by chunk,
        with the browser's Range (and conditional) headers passed on and
        the PBX's partial answer (206, Content-Range) passed back."""
        forwarded = {
            header: value
            for header in ("Range", "If-Range", "If-None-Match", "If-Modified-Since")
            if (value := request.httprequest.headers.get(header))
        }
        try:
            upstream = requests.get(url, headers=forwarded, stream=True, timeout=10)
        except requests.RequestException:
            return request.not_found()
        if upstream.status_code not in (200, 206, 304, 416):
            upstream.close()
            return request.not_found()
        headers = Headers([(header, upstream.headers[header]) for header in RELAYED_HEADERS if header in upstream.headers])
        if "Content-Type" not in headers:
            headers["Content-Type"] = mimetypes.guess_type(name)[0] or "application/octet-stream"
        headers["Content-Disposition"] = http.content_disposition(name, "inline")
        headers["X-Content-Type-Options"] = "nosniff"

        def chunks():
            with contextlib.closing(upstream):
                yield from upstream.iter_content(CHUNK_SIZE)

        return Response(chunks(), status=upstream.status_code, headers=headers, direct_passthrough=True)


def _starts_a_listen(requested_range):
    """A request for the whole recording or from its first byte starts a
    listen; the player's later requests (seeks, the end of the file) do not."""
    return requested_range is None or requested_range.ranges[0][0] == 0
