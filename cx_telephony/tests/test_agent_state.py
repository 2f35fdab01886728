"""Agent states: queue login, pause with a reason, resume, logout through
AMI, and states following the PBX's queue member events."""

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .ami_server import AmiTestServer
from .common import CxTelephonyCommon


class TestAgentState(CxTelephonyCommon):
    def test_login_pause_resume_logout(self):
        agent = self.agent_1.with_user(self.agent_1)
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            self.assertEqual(agent.action_cx_queue_login(), "available")
            self.assertEqual(agent.action_cx_queue_pause("Lunch"), "paused")
            self.assertEqual(self.agent_1.cx_pause_reason, "Lunch")
            self.assertEqual(agent.action_cx_queue_resume(), "available")
            self.assertEqual(agent.action_cx_queue_logout(), "logged_out")
        sent = [(a["Action"], a.get("Queue"), a.get("Interface"), a.get("Paused"), a.get("Reason"))
                for a in server.actions if a["Action"] not in ("Login", "Logoff")]
        # agent_1's team (Call Center) answers the support and empty queues
        self.assertEqual(sent[:2], [("QueueAdd", "empty", "PJSIP/1001", "false", None), ("QueueAdd", "support", "PJSIP/1001", "false", None)])
        self.assertIn(("QueuePause", "support", "PJSIP/1001", "true", "Lunch"), sent)
        self.assertEqual(sent[-1][0], "QueueRemove")

    def test_errors_are_clear(self):
        without_extension = self._new_agent("cx_no_extension", "No Extension")
        with self.assertRaisesRegex(UserError, "no phone extension"):
            without_extension.with_user(without_extension).action_cx_queue_login()
        self.agent_l2.cx_team_ids = False
        with self.assertRaisesRegex(UserError, "None of your teams"):
            self.agent_l2.with_user(self.agent_l2).action_cx_queue_login()
        with AmiTestServer() as server:
            port = server.port
        self.pbx.port = port
        with self.assertRaisesRegex(UserError, "cannot be reached"):
            self.agent_1.with_user(self.agent_1).action_cx_queue_login()

    def test_states_follow_queue_member_events(self):
        events = [
            ("member_status", {"interface": "Local/1001@agents/n", "status": "ringing", "paused": False, "event": "QueueMemberStatus"}),
            ("member_status", {"interface": "Local/1001@agents/n", "status": "in_call", "paused": False, "event": "QueueMemberStatus"}),
            ("member_status", {"interface": "Local/1001@agents/n", "status": "available", "paused": True,
                               "paused_reason": "After-call work", "event": "QueueMemberPause"}),
        ]
        states = []
        for change in events:
            self.pbx._cx_bridge_apply([change])
            states.append((self.agent_1.cx_agent_state, self.agent_1.cx_pause_reason))
        self.assertEqual(states, [("ringing", False), ("on_call", False), ("paused", "After-call work")])
        self.pbx._cx_bridge_apply([("member_status", {"interface": "Local/1001@agents/n", "event": "QueueMemberRemoved"})])
        self.assertEqual(self.agent_1.cx_agent_state, "logged_out")


@tagged("-at_install", "post_install")
class TestAgentStateTour(HttpCase, CxTelephonyCommon):
    def test_systray_login_pause_resume(self):
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            self.start_tour("/odoo", "cx_telephony_agent_state_tour", login="cx_agent_1")
        self.assertEqual(self.agent_1.cx_agent_state, "available")
        self.assertIn("QueuePause", [action["Action"] for action in server.actions])
