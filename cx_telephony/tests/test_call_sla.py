"""Calls in the ticket's SLA clock: an answered inbound call or a connected
outbound call linked to a ticket is its first response (on the phone), an
inbound call takes it off 'waiting on customer'."""

import copy

from odoo.addons.cx_telephony.tools.call_tracker import CallTracker

from .ami_fixtures import server_events
from .common import CxTelephonyCommon


def snapshots_of(case, capture):
    tracker = CallTracker(internal_max_digits=case.pbx.internal_number_max_digits)
    snapshots = []
    for at, message in server_events(capture):
        snapshots += [payload for kind, payload in tracker.handle(message, at) if kind == "call"]
    return snapshots


class TestCallSla(CxTelephonyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.phone_policy = cls._policy(name="Phone", channel="phone", first_response_hours=1, resolution_hours=8)
        cls.whatsapp_policy = cls._policy(name="WhatsApp", channel="whatsapp", first_response_hours=2)
        cls._policy(name="Email", channel="email", first_response_hours=4)

    def _apply(self, snapshots):
        return self.env["cx.call"]._cx_apply_snapshots(self.pbx, snapshots)

    def _linked_before_answer(self, capture, ticket):
        """The capture's call linked to ``ticket`` by the agent before it is
        answered, then the rest of the capture from the bridge."""
        snapshots = snapshots_of(self, capture)
        answer = next(index for index, snapshot in enumerate(snapshots) if snapshot.get("answered_time"))
        self.assertGreater(answer, 0)
        call = self._apply(snapshots[:answer])
        self.assertFalse(call.answered_time)
        call.with_user(self.agent_1).ticket_id = ticket
        first = self._sla(ticket, "first_response")
        self.assertEqual(first.status, "running", "a call not answered yet answers nothing")
        self._apply(snapshots[answer:])
        self.assertTrue(call.answered_time)
        return call, first

    def test_inbound_call_answered_meets_first_response(self):
        ticket = self._ticket(channel="phone")
        self.assertEqual(self._sla(ticket, "first_response").policy_id, self.phone_policy)
        _call, first = self._linked_before_answer("inbound_queue_answered", ticket)
        self.assertEqual((first.status, first.answered_channel), ("met", "phone"))
        self.assertTrue(ticket.first_response_date)

    def test_outbound_call_connected_meets_first_response(self):
        ticket = self._ticket(channel="email")
        call, first = self._linked_before_answer("outbound_click_to_dial_answered", ticket)
        self.assertEqual(call.direction, "outbound")
        self.assertEqual((first.status, first.answered_channel), ("met", "phone"))

    def test_outbound_call_not_connected_answers_nothing(self):
        ticket = self._ticket(channel="email")
        call = self._apply(snapshots_of(self, "outbound_click_to_dial_busy"))
        call.ticket_id = ticket
        self.assertEqual(call.state, "busy")
        self.assertEqual(self._sla(ticket, "first_response").status, "running")
        self.assertFalse(ticket.first_response_date)

    def test_ticket_opened_from_an_answered_call_is_answered(self):
        call = self._apply(snapshots_of(self, "inbound_queue_answered"))
        call.with_user(self.agent_1).action_create_ticket()
        ticket = call.ticket_id
        first = self._sla(ticket, "first_response")
        self.assertEqual(first.policy_id, self.phone_policy, "a phone ticket gets the phone targets")
        self.assertEqual((first.status, first.answered_channel), ("met", "phone"))
        self.assertEqual(ticket.first_response_date, ticket.create_date, "answered when opened, not before")

    def test_inbound_call_takes_ticket_off_waiting(self):
        ticket = self._ticket(channel="whatsapp")
        self.assertEqual(self._sla(ticket, "first_response").policy_id, self.whatsapp_policy)
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_waiting
        resolution_lines = ticket.sla_ids.filtered(lambda line: line.kind == "resolution")
        self.assertFalse(resolution_lines, "the WhatsApp policy has no resolution target")
        first = self._sla(ticket, "first_response")
        self.assertEqual(first.status, "paused")
        call = self._apply(snapshots_of(self, "inbound_queue_answered"))
        call.with_user(self.agent_1).ticket_id = ticket
        self.assertEqual(ticket.stage_id, self.stage_progress)
        self.assertEqual(first.status, "met", "the call resumed the clock, and answered it")
        self.assertEqual(first.answered_channel, "phone")
        self.assertEqual(ticket.last_customer_message_date, call.answered_time)

    def _answer_many(self, count, tag):
        """``count`` calls linked each to its own ticket while queued, then
        answered in one bridge batch: the queries of that batch."""
        snapshots = snapshots_of(self, "inbound_queue_answered")
        answer = next(index for index, snapshot in enumerate(snapshots) if snapshot.get("answered_time"))

        def copies(part):
            return [dict(copy.deepcopy(snapshot), linkedid=f"{snapshot['linkedid']}-{tag}-{n}")
                    for n in range(count) for snapshot in part]

        calls = self._apply(copies(snapshots[:answer]))
        for call in calls:
            call.ticket_id = self._ticket(channel="phone")
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._apply(copies(snapshots[answer:]))
        self.env.flush_all()
        lines = calls.ticket_id.sla_ids.filtered(lambda line: line.kind == "first_response")
        self.assertEqual(len(lines), count)
        self.assertEqual(set(lines.mapped("answered_channel")), {"phone"})
        return self.env.cr.sql_log_count - before

    def test_bridge_answers_tickets_in_one_batch(self):
        """The bridge's batch costs the same for 1 or 50 calls answered with a ticket."""
        one, fifty = self._answer_many(1, "one"), self._answer_many(50, "fifty")
        # the ORM writes the lines' outcomes in one UPDATE per set of equal
        # values: fifty lines may take two (their consumed times differ), never one per call
        self.assertLessEqual(one, fifty)
        self.assertLessEqual(fifty, one + 1)
