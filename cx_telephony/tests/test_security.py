"""Who does what in cx_telephony, tested as the least-privileged user: agent
states, the caller panel, calls, PBX secrets and recordings, per group
(agent, supervisor, manager, agent of another team, user of another company,
portal user)."""

import os
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .ami_server import AmiTestServer
from .common import CxTelephonyCommon

RECORDING = bytes(range(256)) * 4  # 1 KiB of "audio"


class CxTelephonySecurityCommon(CxTelephonyCommon):
    """Company A (the tests' company, its PBX and teams) and company B with
    its own PBX, team and agent; a portal user; calls of the Saudi customer
    for each kind of user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_l1.assignment_method = "manual"
        cls.team_l2.assignment_method = "manual"
        cls.company_b = cls.env["res.company"].create({"name": "CX Company B", "country_id": cls.env.ref("base.sa").id})
        cls.agent_b = new_test_user(
            cls.env, "cx_agent_b", groups="cx_helpdesk.group_cx_agent", name="Agent of B",
            company_id=cls.company_b.id, company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.agent_b.cx_extension = "4001"
        cls.team_b = cls.env["cx.team"].create(
            {"name": "B support", "company_id": cls.company_b.id, "member_ids": [(6, 0, cls.agent_b.ids)],
             "assignment_method": "manual"})
        cls.pbx_b = cls.env["cx.pbx"].create({
            "name": "PBX of B", "company_id": cls.company_b.id, "host": "127.0.0.2", "port": 1, "username": "odoo",
            "secret": "bsecret", "queue_ids": [(0, 0, {"name": "support_b", "team_id": cls.team_b.id})],
        })
        cls.portal = new_test_user(cls.env, "cx_tel_portal", groups="base.group_portal", name="Portal Customer")
        Call = cls.env["cx.call"]
        values = {"pbx_id": cls.pbx.id, "state": "completed", "partner_id": cls.saudi.id, "caller_number": "+966501234567"}
        cls.call_own = Call.create({**values, "linkedid": "sec.own", "user_id": cls.agent_1.id, "team_id": cls.team_l1.id})
        cls.call_colleague = Call.create(
            {**values, "linkedid": "sec.colleague", "user_id": cls.agent_2.id, "team_id": cls.team_l1.id})
        cls.call_unanswered = Call.create({**values, "linkedid": "sec.missed", "state": "missed", "team_id": cls.team_l1.id})
        cls.call_other_team = Call.create(
            {**values, "linkedid": "sec.l2", "user_id": cls.agent_l2.id, "team_id": cls.team_l2.id})
        cls.call_b = Call.create({"pbx_id": cls.pbx_b.id, "linkedid": "sec.b", "state": "completed",
                                  "user_id": cls.agent_b.id, "team_id": cls.team_b.id})
        cls.calls = cls.call_own | cls.call_colleague | cls.call_unanswered | cls.call_other_team | cls.call_b


class TestAgentStateAccess(CxTelephonySecurityCommon):
    def test_agent_acts_on_themselves_only(self):
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            for action in ("action_cx_queue_login", "action_cx_queue_pause", "action_cx_queue_resume",
                           "action_cx_queue_logout"):
                # a colleague, an agent of another team, of another company, a portal user
                for user in (self.agent_2, self.agent_l2, self.agent_b, self.portal):
                    with self.subTest(action=action, user=user.login), self.assertRaises(AccessError):
                        getattr(self.agent_1.with_user(user), action)()
        self.assertEqual(server.actions, [], "nothing reached the PBX, not even a login")
        self.assertEqual(self.agent_1.cx_agent_state, "logged_out")

    def test_supervisor_acts_on_the_agents_of_the_teams_they_lead(self):
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            self.assertEqual(self.agent_1.with_user(self.supervisor).action_cx_queue_pause("Meeting"), "paused")
            with self.assertRaises(AccessError):
                self.agent_1.with_user(self.supervisor_user).action_cx_queue_pause("Meeting")  # leads no team
        pauses = [(a["Interface"], a["Reason"]) for a in server.actions if a["Action"] == "QueuePause"]
        self.assertEqual(pauses, [("PJSIP/1001", "Meeting")] * 2, "the agent's interface, once per queue of their team")
        self.assertEqual((self.agent_1.cx_agent_state, self.agent_1.cx_pause_reason), ("paused", "Meeting"))

    def test_manager_acts_on_the_agents_of_their_companies(self):
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            self.assertEqual(self.agent_1.with_user(self.manager).action_cx_queue_logout(), "logged_out")
            with self.assertRaises(AccessError):
                self.agent_b.with_user(self.manager).action_cx_queue_logout()
        self.assertEqual([a["Action"] for a in server.actions if a["Action"].startswith("Queue")], ["QueueRemove"] * 2)


@tagged("-at_install", "post_install")
class TestAgentStateOverRpc(HttpCase, CxTelephonySecurityCommon):
    def test_agent_cannot_pause_a_colleague_over_rpc(self):
        self.authenticate("cx_agent_2", "cx_agent_2")
        with AmiTestServer(secret="amisecret") as server:
            self.pbx.port = server.port
            with self.assertRaises(JsonRpcException) as error:
                self.make_jsonrpc_request("/web/dataset/call_kw/res.users/action_cx_queue_pause", {
                    "model": "res.users", "method": "action_cx_queue_pause", "args": [self.agent_1.ids, "Lunch"],
                    "kwargs": {},
                })
        self.assertEqual(error.exception.args[0], "odoo.exceptions.AccessError")
        self.assertEqual(server.actions, [])
        self.assertEqual(self.agent_1.cx_agent_state, "logged_out")


class TestCallerPanelAccess(CxTelephonySecurityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Ticket = cls.env["cx.ticket"]
        values = {"partner_id": cls.saudi.id, "team_id": cls.team_l1.id}
        cls.ticket_own = Ticket.create({**values, "name": "own", "user_id": cls.agent_1.id})
        cls.ticket_colleague = Ticket.create({**values, "name": "colleague's", "user_id": cls.agent_2.id})
        cls.ticket_unassigned = Ticket.create({**values, "name": "unassigned"})
        cls.ticket_b = Ticket.create({"name": "B's", "partner_id": cls.saudi.id, "team_id": cls.team_b.id})

    def _ring(self, pbx, interface, number="+966501234567", queue="support"):
        """The panel the bridge pops on the agent's screen (as superuser)."""
        sent = []
        signal = ("agent_ringing", {"linkedid": f"ring.{interface}", "interface": interface, "queue": queue,
                                    "caller_number": number})
        with patch.object(type(self.env["res.users"]), "_bus_send", lambda user, _kind, payload: sent.append((user, payload))):
            pbx._cx_bridge_notify([signal])
        ((_user, payload),) = sent
        return payload

    def _shown(self, panel):
        return {ticket["name"] for ticket in panel["open_tickets"]}

    def test_panel_shows_what_the_agent_may_read(self):
        panel = self._ring(self.pbx, "PJSIP/1001")
        self.assertEqual(self._shown(panel), {"own", "unassigned"}, "not the colleague's, not company B's")
        self.assertEqual({call["id"] for call in panel["last_calls"]}, {self.call_own.id, self.call_unanswered.id})
        self.assertEqual(self._shown(self._ring(self.pbx, "PJSIP/2002", queue="sales")), set(), "agent of another team")

    def test_supervisor_panel_shows_their_teams(self):
        panel = self.call_own.with_user(self.supervisor)._cx_screen_pop_payload("reopened")
        self.assertEqual(self._shown(panel), {"own", "colleague's", "unassigned"})
        self.assertEqual({call["id"] for call in panel["last_calls"]},
                         {self.call_colleague.id, self.call_unanswered.id, self.call_other_team.id})

    def test_agent_of_another_company_sees_none_of_company_a(self):
        panel = self._ring(self.pbx_b, "PJSIP/4001", queue="support_b")
        self.assertEqual(panel["partner"]["id"], self.saudi.id, "a shared contact")
        self.assertEqual(self._shown(panel), {"B's"}, "no subject, stage or SLA of company A")
        self.assertEqual(panel["last_calls"], [])

    def test_reopened_panel_hides_a_ticket_the_agent_may_not_read(self):
        self.call_own.ticket_id = self.ticket_colleague
        sent = []
        with patch.object(type(self.env["res.users"]), "_bus_send", lambda user, _kind, payload: sent.append(payload)):
            self.call_own.with_user(self.agent_1).action_show_caller_panel()
        self.assertFalse(sent[0]["ticket_id"])
        self.call_own.ticket_id = self.ticket_own
        with patch.object(type(self.env["res.users"]), "_bus_send", lambda user, _kind, payload: sent.append(payload)):
            self.call_own.with_user(self.agent_1).action_show_caller_panel()
        self.assertEqual(sent[1]["ticket_id"], self.ticket_own.id)

    def test_callers_are_matched_among_the_pbx_company_contacts(self):
        only_a = self.env["res.partner"].create(
            {"name": "A's customer", "phone": "+966507777777", "company_id": self.company.id})
        self.assertEqual(self._ring(self.pbx, "PJSIP/1001", number="0507777777")["partner"]["id"], only_a.id)
        self.assertFalse(self._ring(self.pbx_b, "PJSIP/4001", number="0507777777", queue="support_b")["partner"])
        call = self.env["cx.call"]._cx_apply_snapshots(
            self.pbx_b, [{"linkedid": "b.2", "state": "ringing", "caller_number": "0507777777"}])
        self.assertFalse(call.partner_id, "another company's contact is not this PBX's caller")


class TestCallAccess(CxTelephonySecurityCommon):
    def _visible(self, user):
        return self.env["cx.call"].with_user(user).search([("id", "in", self.calls.ids)])

    def test_visibility_per_group(self):
        self.assertEqual(self._visible(self.agent_1), self.call_own | self.call_unanswered)
        self.assertEqual(self._visible(self.agent_l2), self.call_other_team, "agent of another team")
        self.assertEqual(self._visible(self.supervisor), self.calls - self.call_b, "leader of both teams of A")
        self.assertFalse(self._visible(self.supervisor_user), "a supervisor of no team: none of the teams' calls")
        self.assertEqual(self._visible(self.manager), self.calls - self.call_b)
        self.assertEqual(self._visible(self.agent_b), self.call_b, "user of another company")
        with self.assertRaises(AccessError):
            self._visible(self.portal)

    def test_agent_changes_their_calls_only(self):
        self.call_own.with_user(self.agent_1).write({"notes": "<p>asked for a refund</p>"})
        with self.assertRaises(AccessError):
            self.call_colleague.with_user(self.agent_1).write({"notes": "<p>mine now</p>"})
        with self.assertRaises(AccessError):
            self.env["cx.call"].with_user(self.agent_1).create({"pbx_id": self.pbx.id, "linkedid": "forged"})
        with self.assertRaises(AccessError):
            self.call_own.with_user(self.agent_1).unlink()

    def test_listens_tab_for_supervisors_only(self):
        agent_form = self.env["cx.call"].with_user(self.agent_1).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("listen_ids", agent_form)
        supervisor_form = self.env["cx.call"].with_user(self.supervisor).get_views([(False, "form")])["views"]["form"]
        self.assertIn("listen_ids", supervisor_form["arch"])

    def test_transfers_follow_their_call(self):
        Transfer = self.env["cx.call.transfer"]
        own = Transfer.create({"call_id": self.call_own.id, "kind": "blind", "to_party": "1002"})
        colleague = Transfer.create({"call_id": self.call_colleague.id, "kind": "blind", "to_party": "1003"})
        self.assertEqual(Transfer.with_user(self.agent_1).search([("id", "in", (own | colleague).ids)]), own)
        self.assertEqual(Transfer.with_user(self.supervisor).search([("id", "in", (own | colleague).ids)]), own | colleague)

    def test_recording_file_name_for_supervisors_only(self):
        self.call_own.recording_path = "/var/spool/asterisk/monitor/a.wav"
        self.assertTrue(self.call_own.with_user(self.agent_1).has_recording)
        with self.assertRaises(AccessError):
            self.call_own.with_user(self.agent_1).read(["recording_path"])
        self.assertEqual(self.call_own.with_user(self.supervisor).recording_path, "/var/spool/asterisk/monitor/a.wav")


class TestPbxAccess(CxTelephonySecurityCommon):
    def test_ami_secret_for_administrators_only(self):
        self.assertEqual(self.pbx.with_user(self.agent_1).name, "Test PBX", "agents see which PBX they use")
        for user in (self.agent_1, self.supervisor, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.pbx.with_user(user).read(["secret"])
        admin = self.env.ref("base.user_admin")
        self.assertEqual(self.pbx.with_user(admin).secret, "amisecret")
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.manager).write({"secret": "stolen"})

    def test_recordings_location_for_managers_only(self):
        self.pbx.recording_base_url = "http://asterisk.internal/recordings/"
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.supervisor).read(["recording_base_url"])
        self.assertEqual(self.pbx.with_user(self.manager).recording_base_url, "http://asterisk.internal/recordings/")

    def test_agents_cannot_configure_and_others_cannot_see(self):
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.agent_1).write({"host": "evil.example"})
        with self.assertRaises(AccessError):
            self.pbx.queue_ids[:1].with_user(self.supervisor).write({"team_id": self.team_l2.id})
        self.assertFalse(self.env["cx.pbx"].with_user(self.agent_b).search([("id", "=", self.pbx.id)]))
        self.assertFalse(self.env["cx.pbx"].with_user(self.manager).search([("id", "=", self.pbx_b.id)]))
        with self.assertRaises(AccessError):
            self.env["cx.pbx"].with_user(self.portal).search([])


class _RangeHandler(BaseHTTPRequestHandler):
    """The PBX's web server: serves RECORDING with byte ranges."""

    def do_GET(self):
        if self.path != "/recordings/1795447327.1.wav":
            self.send_error(404)
            return
        start, end = 0, len(RECORDING) - 1
        requested = self.headers.get("Range")
        if requested:
            first, _dash, last = requested.removeprefix("bytes=").partition("-")
            start, end = int(first), int(last) if last else end
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(RECORDING)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(RECORDING[start:end + 1])

    def log_message(self, *args):
        pass


@tagged("-at_install", "post_install")
class TestRecordings(HttpCase, CxTelephonySecurityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.directory = tempfile.mkdtemp()
        cls.addClassCleanup(shutil.rmtree, cls.directory)
        with open(os.path.join(cls.directory, "1795447327.1.wav"), "wb") as recording:
            recording.write(RECORDING)
        cls.pbx.recording_base_url = cls.directory
        cls.call_own.recording_path = "/var/spool/asterisk/monitor/1795447327.1.wav"
        cls.url = f"/cx_telephony/recording/{cls.call_own.id}"

    def _get(self, login, byte_range=None):
        self.authenticate(login, login)
        response = self.url_open(self.url, headers={"Range": byte_range} if byte_range else None)
        self.env.invalidate_all()  # the listens the request wrote
        return response

    def test_who_may_listen(self):
        self.assertEqual(self._get("cx_agent_1").status_code, 200, "the agent of the call")
        self.assertEqual(self._get("cx_supervisor").status_code, 200, "the leader of its team")
        self.assertEqual(self._get("cx_manager").status_code, 200)
        for login in ("cx_agent_2", "cx_agent_l2", "cx_tel_sup", "cx_agent_b", "cx_tel_portal"):
            with self.subTest(login=login):
                self.assertEqual(self._get(login).status_code, 404)
        self.assertEqual(self.call_own.listen_ids.user_id, self.agent_1 | self.supervisor | self.manager)

    def test_player_seeks_in_a_file_of_the_shared_directory(self):
        response = self._get("cx_agent_1", "bytes=0-99")
        self.assertEqual((response.status_code, response.content), (206, RECORDING[:100]))
        self.assertEqual(response.headers["Content-Range"], f"bytes 0-99/{len(RECORDING)}")
        self.assertEqual(response.headers["Accept-Ranges"], "bytes")
        self.assertIn("no-store", response.headers["Cache-Control"])
        response = self._get("cx_agent_1", "bytes=1000-")
        self.assertEqual((response.status_code, response.content), (206, RECORDING[1000:]))
        listens = self.call_own.listen_ids
        self.assertEqual(len(listens), 1, "a seek is not another listen")
        self.assertEqual(listens.user_id, self.agent_1)
        self.assertTrue(listens.listened_at)

    def test_player_seeks_in_a_file_of_the_pbx_web_server(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _RangeHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            self.pbx.recording_base_url = f"http://127.0.0.1:{server.server_port}/recordings/"
            response = self._get("cx_supervisor", "bytes=10-19")
            self.assertEqual((response.status_code, response.content), (206, RECORDING[10:20]))
            self.assertEqual(response.headers["Content-Range"], f"bytes 10-19/{len(RECORDING)}")
            response = self._get("cx_supervisor")
            self.assertEqual((response.status_code, response.content), (200, RECORDING))
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(self.call_own.listen_ids.user_id, self.supervisor, "the listen from the start, not the seek")

    def test_listens_are_reported_to_supervisors(self):
        self._get("cx_agent_1")
        Listen = self.env["cx.call.listen"]
        self.assertEqual(Listen.with_user(self.supervisor).search([("call_id", "=", self.call_own.id)]).user_id, self.agent_1)
        self.assertFalse(Listen.with_user(self.manager).search([("call_id", "=", self.call_b.id)]))
        with self.assertRaises(AccessError):
            Listen.with_user(self.agent_1).search([])
        with self.assertRaises(AccessError):
            Listen.with_user(self.supervisor).create({"call_id": self.call_own.id, "user_id": self.supervisor.id})
