"""'Test connection' against the AMI test server."""

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
