"""'Test connection' against the AMI test server; who may listen to recordings."""

import os
import tempfile

from odoo.tests import HttpCase, tagged

from .ami_server import AmiTestServer
from .common import CxTelephonyCommon


class TestPbxConnection(CxTelephonyCommon):
    def test_connection_reports_version(self):
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            result = self.pbx.action_test_connection()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("11.0.0", result["params"]["message"])
        self.assertEqual(self.pbx.asterisk_version, "11.0.0")
        self.assertEqual([a["Action"] for a in server.actions], ["Login", "Logoff"])

    def test_bad_credentials_are_explained(self):
        with AmiTestServer(secret="another") as server:
            self.pbx.port = server.port
            result = self.pbx.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("Authentication failed", result["params"]["message"])
        self.assertEqual(self.pbx.connection_state, "error")

    def test_unreachable_pbx(self):
        with AmiTestServer() as server:
            port = server.port
        self.pbx.port = port  # nobody listens any more
        result = self.pbx.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("refused", result["params"]["message"].lower())


@tagged("-at_install", "post_install")
class TestRecordingAccess(HttpCase, CxTelephonyCommon):
    def test_only_the_agent_and_supervisors_listen(self):
        directory = tempfile.mkdtemp()
        with open(os.path.join(directory, "1795447327.1.wav"), "wb") as recording:
            recording.write(b"RIFF-fake-wave")
        self.pbx.recording_base_url = directory
        call = self.env["cx.call"].create(
            {"pbx_id": self.pbx.id, "linkedid": "rec.1", "state": "completed", "user_id": self.agent_1.id,
             "team_id": self.team_l1.id, "recording_path": "/var/spool/asterisk/monitor/1795447327.1.wav"}
        )
        url = f"/cx_telephony/recording/{call.id}"
        self.authenticate("cx_agent_1", "cx_agent_1")
        response = self.url_open(url)
        self.assertEqual((response.status_code, response.content), (200, b"RIFF-fake-wave"))
        self.authenticate("cx_agent_2", "cx_agent_2")
        self.assertEqual(self.url_open(url).status_code, 404, "another agent")
        self.authenticate("cx_supervisor", "cx_supervisor")
        self.assertEqual(self.url_open(url).status_code, 200)
