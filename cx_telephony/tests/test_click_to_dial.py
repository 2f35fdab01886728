"""Click-to-dial through the agent's extension, against the AMI test server."""

from odoo.exceptions import UserError

from .ami_server import AmiTestServer
from .common import CxTelephonyCommon


class TestClickToDial(CxTelephonyCommon):
    def test_dialable_forms(self):
        self.assertEqual(self.pbx._cx_dialable("+966 50 123 4567"), "0501234567")
        self.assertEqual(self.pbx._cx_dialable("0501234567"), "0501234567")
        self.assertEqual(self.pbx._cx_dialable("+249 91 234 5678"), "00249912345678")
        self.assertEqual(self.pbx._cx_dialable("1002"), "1002", "an extension")
        self.assertFalse(self.pbx._cx_dialable("not a number"))

    def test_dial_a_customer(self):
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            result = self.env["cx.pbx"].with_user(self.agent_1).action_click_to_dial(
                self.saudi.phone, res_model="res.partner", res_id=self.saudi.id
            )
        originate = next(a for a in server.actions if a["Action"] == "Originate")
        self.assertEqual((originate["Channel"], originate["Exten"], originate["Context"]), ("PJSIP/1001", "0501234567", "agents"))
        self.assertEqual(result["params"]["type"], "info")
        call = self.env["cx.call"].search([("originate_action_id", "=", originate["ActionID"])])
        self.assertEqual((call.direction, call.partner_id, call.user_id), ("outbound", self.saudi, self.agent_1))

    def test_errors_are_clear(self):
        Pbx = self.env["cx.pbx"]
        without_extension = self._new_agent("cx_dial_no_ext", "No Extension")
        with self.assertRaisesRegex(UserError, "no phone extension"):
            Pbx.with_user(without_extension).action_click_to_dial("0501234567")
        with self.assertRaisesRegex(UserError, "cannot|not a phone number"):
            Pbx.with_user(self.agent_1).action_click_to_dial("hello")
        with AmiTestServer() as server:
            port = server.port
        self.pbx.port = port  # the PBX is down
        with self.assertRaisesRegex(UserError, "could not place the call"):
            Pbx.with_user(self.agent_1).action_click_to_dial("0501234567")

    def test_busy_destination_comes_back_from_the_bridge(self):
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            self.env["cx.pbx"].with_user(self.agent_1).action_click_to_dial("0112345678")
        action_id = next(a for a in server.actions if a["Action"] == "Originate")["ActionID"]
        self.pbx._cx_bridge_apply([("originate", {"action_id": action_id, "success": False, "reason": "5", "uniqueid": None})])
        call = self.env["cx.call"].search([("originate_action_id", "=", action_id)])
        self.assertEqual(call.state, "busy")

    def test_placed_call_merges_into_the_tracked_one(self):
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            self.env["cx.pbx"].with_user(self.agent_1).action_click_to_dial(self.saudi.phone, "res.partner", self.saudi.id)
        action_id = next(a for a in server.actions if a["Action"] == "Originate")["ActionID"]
        snapshot = {"linkedid": "1795447362.12", "direction": "outbound", "state": "answered",
                    "caller_number": "1001", "called_number": "0501234567", "start_time": False}
        self.pbx._cx_bridge_apply([("call", snapshot), ("originate", {"action_id": action_id, "success": True, "uniqueid": "1795447362.12"})])
        calls = self.env["cx.call"].search([("pbx_id", "=", self.pbx.id)])
        self.assertEqual(len(calls), 1)
        self.assertEqual((calls.linkedid, calls.partner_id, calls.originate_action_id), ("1795447362.12", self.saudi, action_id))
