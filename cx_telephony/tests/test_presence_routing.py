"""Presence-aware routing: agents paused or on a call are busy for the teams
that skip busy agents, and get the waiting work once free again."""

from odoo.addons.cx_telephony.tools.call_tracker import CallTracker

from .ami_fixtures import server_events
from .common import CxTelephonyCommon


class TestPresenceRouting(CxTelephonyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_l1.write({"assignment_method": "load", "presence_routing": True})
        cls.cron = cls.env.ref("cx_helpdesk.ir_cron_offer_waiting")

    def _call(self, agent, state="answered", **values):
        return self.env["cx.call"].create(
            {"pbx_id": self.pbx.id, "linkedid": f"presence.{agent.id}.{state}", "state": state, "user_id": agent.id, **values}
        )

    def _triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])

    def test_busy_agents(self):
        agents = self.agent_1 | self.agent_2 | self.agent_3
        self.assertFalse(agents._cx_busy_agents(), "logged out of the queues is not busy: ticket-only agents")
        self.agent_1._cx_set_agent_state("paused", "Lunch")
        self._call(self.agent_2)  # an answered call, queue state or not
        self._call(self.agent_3, state="completed")
        self.assertEqual(agents._cx_busy_agents(), self.agent_1 | self.agent_2)
        self.agent_3._cx_set_agent_state("on_call")
        self.assertEqual(agents._cx_busy_agents(), agents)

    def test_paused_and_on_call_agents_get_no_ticket(self):
        self.agent_1._cx_set_agent_state("paused", "Break")
        self._call(self.agent_2, state="ringing")
        tickets = self.env["cx.ticket"].create([{"name": f"T{i}", "team_id": self.team_l1.id} for i in range(2)])
        self.assertEqual(tickets.user_id, self.agent_3)

    def test_agent_back_to_available_gets_the_waiting_ticket(self):
        for agent in self.agent_1 | self.agent_2 | self.agent_3:
            agent._cx_set_agent_state("paused", "Meeting")
        ticket = self._ticket()
        self.assertFalse(ticket.user_id, "everyone paused: the ticket waits")
        before = self._triggers()
        self.agent_2._cx_apply_member_status({"event": "QueueMemberPause", "status": "available", "paused": False})
        self.assertEqual(self.agent_2.cx_agent_state, "available")
        self.assertEqual(self._triggers(), before + 1, "free again: the routing cron runs at once")
        self.env["cx.team"]._cron_offer_waiting()
        self.assertEqual(ticket.user_id, self.agent_2)

    def test_call_ended_offers_the_waiting_ticket(self):
        self.agent_2._cx_set_agent_state("paused", "Meeting")
        self.agent_3._cx_set_agent_state("paused", "Meeting")
        tracker = CallTracker(internal_max_digits=self.pbx.internal_number_max_digits)
        snapshots = []
        for at, message in server_events("inbound_queue_answered"):
            snapshots += [payload for kind, payload in tracker.handle(message, at) if kind == "call"]
        answered = next(i for i, s in enumerate(snapshots) if s["state"] == "answered")
        call = self.env["cx.call"]._cx_apply_snapshots(self.pbx, snapshots[: answered + 1])
        self.assertEqual((call.user_id, call.state), (self.agent_1, "answered"))
        # the call's own date is that of the capture: busy while it is not over, whatever its age
        call.start_time = call.create_date
        ticket = self._ticket()
        self.assertFalse(ticket.user_id, "agent 1 on the phone, the others paused")
        before = self._triggers()
        self.env["cx.call"]._cx_apply_snapshots(self.pbx, snapshots[answered + 1 :])
        self.assertTrue(call.end_time)
        self.assertEqual(self._triggers(), before + 1)
        self.env["cx.team"]._cron_offer_waiting()
        self.assertEqual(ticket.user_id, self.agent_1)

    def test_stale_call_does_not_block_forever(self):
        self._call(self.agent_1, start_time="2020-01-01 10:00:00")
        self.assertFalse(self.agent_1._cx_busy_agents(), "a call the bridge never saw end stops counting")
