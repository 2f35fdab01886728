"""Calls from the AMI event stream: caller identification (Saudi and Sudan
numbers), agents and teams, idempotent replays, callbacks, tickets."""

from odoo.exceptions import AccessError

from odoo.addons.cx_telephony.tools.call_tracker import CallTracker

from .ami_fixtures import server_events
from .common import CxTelephonyCommon
from .test_ami_tools import attended_transfer_events


def replay(case, capture):
    """The calls a capture writes on the test PBX."""
    tracker = CallTracker(internal_max_digits=case.pbx.internal_number_max_digits)
    snapshots = []
    for at, message in server_events(capture):
        snapshots += [payload for kind, payload in tracker.handle(message, at) if kind == "call"]
    return case.env["cx.call"]._cx_apply_snapshots(case.pbx, snapshots)


class TestCalls(CxTelephonyCommon):
    def _replay(self, capture):
        return replay(self, capture)

    def test_caller_identification_saudi_and_sudan(self):
        Partner = self.env["res.partner"]
        saudi, sudan = self.env.ref("base.sa"), self.env.ref("base.sd")
        found = Partner._cx_find_callers(["0501234567", "+966501234567", "00966501234567", "0555000000"], saudi, self.env.company)
        self.assertEqual(found, {"0501234567": self.saudi, "+966501234567": self.saudi, "00966501234567": self.saudi})
        found = Partner._cx_find_callers(["0912345678", "+249912345678", "249912345678"], sudan, self.env.company)
        self.assertEqual(set(found.values()), {self.sudanese})
        self.assertEqual(len(found), 3)
        # a Sudanese caller reaching the Saudi PBX in international form
        self.assertEqual(Partner._cx_find_callers(["+249912345678"], saudi, self.env.company), {"+249912345678": self.sudanese})

    def test_ambiguous_number_prefers_company_with_open_tickets(self):
        company_a = self.env["res.partner"].create({"name": "A Co", "is_company": True, "phone": "+966112223344"})
        company_b = self.env["res.partner"].create({"name": "B Co", "is_company": True, "phone": "+966112223344"})
        found = self.env["res.partner"]._cx_find_callers(["0112223344"], self.env.ref("base.sa"), self.env.company)
        self.assertEqual(found["0112223344"], company_a, "no tickets: the oldest")
        self._ticket(partner_id=company_b.id)
        found = self.env["res.partner"]._cx_find_callers(["0112223344"], self.env.ref("base.sa"), self.env.company)
        self.assertEqual(found["0112223344"], company_b)

    def test_inbound_answered_call(self):
        call = self._replay("inbound_queue_answered")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.partner_id, self.saudi)
        self.assertEqual(call.customer_e164, "+966501234567")
        self.assertEqual(call.user_id, self.agent_1, "Local/1001@agents/n is extension 1001")
        self.assertEqual(call.team_id, self.team_l1, "the support queue's team")
        self.assertEqual(call.state, "completed")
        self.assertEqual((call.wait_seconds, call.talk_seconds), (1, 5))
        self.assertTrue(call.has_recording)

    def test_replay_changes_nothing(self):
        call = self._replay("inbound_queue_answered")
        values = call.read(["state", "talk_seconds", "partner_id", "user_id", "end_time"])
        write_date = call.write_date
        again = self._replay("inbound_queue_answered")
        self.assertEqual(again, call)
        self.assertEqual(self.env["cx.call"].search_count([("pbx_id", "=", self.pbx.id)]), 1)
        self.assertEqual(again.read(["state", "talk_seconds", "partner_id", "user_id", "end_time"]), values)
        self.assertEqual(again.write_date, write_date, "nothing written")

    def test_abandoned_call_gets_a_callback(self):
        call = self._replay("inbound_queue_abandoned")
        self.assertEqual(call.state, "abandoned")
        self.assertEqual(call.partner_id, self.sudanese.browse(), "0912345678 is Saudi-local here: no match")
        activity = call.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.supervisor, "the team leader")
        self._replay("inbound_queue_abandoned")
        self.assertEqual(len(call.activity_ids), 1, "once")

    def test_ring_no_answer_agents_and_transfer(self):
        call = self._replay("inbound_ring_no_answer_then_answered")
        self.assertEqual(call.missed_agent_ids, self.agent_3)
        self.assertEqual(call.user_id, self.agent_l2)
        self.assertEqual(call.team_id, self.team_l2)
        transferred = self._replay("inbound_blind_transfer")
        self.assertEqual(transferred.transfer_ids.mapped("to_party"), ["3001"])

    def test_attended_transfer_recorded_on_the_customers_call(self):
        tracker = CallTracker(internal_max_digits=4)
        snapshots = []
        for at, message in attended_transfer_events():
            snapshots += [payload for kind, payload in tracker.handle(message, at) if kind == "call"]
        calls = self.env["cx.call"]._cx_apply_snapshots(self.pbx, snapshots)
        customer = calls.filtered(lambda c: c.linkedid == "1795447386.26")
        self.assertEqual([(t.kind, t.from_party, t.to_party, t.result) for t in customer.transfer_ids],
                         [("attended", "1002", "3001", "Success")])
        consultation = calls - customer
        self.assertEqual((consultation.direction, consultation.user_id), ("internal", self.agent_2))
        self.assertFalse(consultation.partner_id, "no customer on the agents' own call")

    def test_outbound_calls(self):
        answered = self._replay("outbound_click_to_dial_answered")
        self.assertEqual((answered.direction, answered.state, answered.customer_number), ("outbound", "completed", "0501112222"))
        self.assertEqual(answered.user_id, self.agent_1)
        busy = self._replay("outbound_click_to_dial_busy")
        self.assertEqual(busy.state, "busy")

    def test_call_to_ticket(self):
        call = self._replay("inbound_queue_answered")
        call.notes = "<p>Router reboots every hour</p>"
        call.with_user(self.agent_1).action_create_ticket()
        ticket = call.ticket_id
        self.assertEqual(ticket.partner_id, self.saudi)
        self.assertEqual(ticket.channel, "phone")
        self.assertEqual(ticket.team_id, self.team_l1)
        self.assertIn("Router reboots", ticket.description)
        self.assertEqual(ticket.cx_call_ids, call)

    def test_escalate_from_the_call(self):
        call = self._replay("inbound_queue_answered")
        action = call.with_user(self.agent_1).action_escalate()
        self.assertEqual(action["res_model"], "cx.ticket.escalate")
        wizard = self.env["cx.ticket.escalate"].with_user(self.agent_1).with_context(action["context"]).create(
            {"reason": "Needs the billing team"}
        )
        wizard.action_confirm()
        self.assertEqual(call.ticket_id.team_id, self.team_l2)
        self.assertEqual(call.ticket_id.partner_id, self.saudi)

    def test_agent_sees_own_calls_only(self):
        mine = self._replay("inbound_queue_answered")
        other = self._replay("inbound_ring_no_answer_then_answered")
        visible = self.env["cx.call"].with_user(self.agent_1).search([("id", "in", (mine | other).ids)])
        self.assertEqual(visible, mine)
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.supervisor_user).read(["secret"])
