"""The one AMI client (tools/ami_client.py), without a database: the
synchronous one-shot session the server uses, against the AMI test server.
The bridge's use of it (reconnection, backoff, event lists) is in
test_ami_bridge.py."""

import socket
import unittest

from odoo.addons.cx_telephony.tools.ami_client import AmiError, run_actions

from .ami_server import AmiTestServer


def config(server, secret="amisecret"):
    return {"host": "127.0.0.1", "port": server.port, "username": "odoo", "secret": secret, "use_tls": False}


class TestAmiClientOneShot(unittest.TestCase):
    def test_login_actions_logoff(self):
        with AmiTestServer() as server:
            version = run_actions(config(server), [
                ("QueueAdd", {"Queue": "support", "Interface": "PJSIP/1001", "Paused": "false"}),
                ("Originate", {"ActionID": "cx-dial-1", "Channel": "PJSIP/1001", "Exten": "0501234567",
                               "Async": "true"}),
            ])
        self.assertEqual(version, "11.0.0")
        sent = [(action["Action"], action.get("Events"), action.get("Queue")) for action in server.actions]
        self.assertEqual(sent, [("Login", "off", None), ("QueueAdd", None, "support"), ("Originate", None, None),
                                ("Logoff", None, None)])
        # the caller's ActionID is kept: the bridge matches the OriginateResponse event with it
        self.assertEqual(server.actions[2]["ActionID"], "cx-dial-1")
        self.assertEqual(len({action["ActionID"] for action in server.actions}), 4)

    def test_refused_login(self):
        with AmiTestServer() as server, self.assertRaises(AmiError) as caught:
            run_actions(config(server, secret="wrong"), [("QueueAdd", {"Queue": "support"})])
        self.assertEqual((caught.exception.kind, caught.exception.message), ("login", "Authentication failed"))
        self.assertEqual([action["Action"] for action in server.actions], ["Login"])

    def test_refused_action_stops_the_session(self):
        with AmiTestServer() as server, self.assertRaises(AmiError) as caught:
            run_actions(config(server), [("Bogus", {}), ("QueueAdd", {"Queue": "support"})])
        error = caught.exception
        self.assertEqual((error.kind, error.action, error.message), ("refused", "Bogus", "Invalid/unknown command"))
        self.assertNotIn("QueueAdd", [action["Action"] for action in server.actions])

    def test_line_break_is_never_sent(self):
        # a member name with a line break would inject an action of its own
        with AmiTestServer() as server, self.assertRaises(ValueError):
            run_actions(config(server), [("QueueAdd", {"MemberName": "Sara\r\nAction: Originate"})])
        self.assertEqual([action["Action"] for action in server.actions], ["Login"])

    def test_unreachable_and_silent_pbx(self):
        with AmiTestServer() as server:
            port = server.port
        with self.assertRaisesRegex(ConnectionRefusedError, "refused"):
            run_actions({"host": "127.0.0.1", "port": port, "username": "odoo", "secret": "x"}, [])
        # a server that accepts and never speaks: bounded by the timeout
        with socket.create_server(("127.0.0.1", 0)) as silent, self.assertRaises(TimeoutError):
            run_actions({"host": "127.0.0.1", "port": silent.getsockname()[1], "username": "odoo", "secret": "x"},
                        [], timeout=0.3)
