"""The caller panel: bus messages to the agent only, and a tour in the browser."""

import json
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.cx_telephony.tools.call_tracker import CallTracker

from .ami_fixtures import server_events
from .common import CxTelephonyCommon
from .test_cx_call import replay


class TestScreenPop(CxTelephonyCommon):
    def test_bridge_changes_pop_the_agents_screen(self):
        ticket = self._ticket(partner_id=self.saudi.id, user_id=self.agent_1.id)
        tracker = CallTracker(internal_max_digits=4)
        changes = []
        for at, message in server_events("inbound_queue_answered"):
            changes += tracker.handle(message, at)
        sent = []
        with patch.object(type(self.env["res.users"]), "_bus_send", lambda user, kind, payload: sent.append((user, kind, payload))):
            self.pbx._cx_bridge_apply(changes)
        pops = [(user, payload) for user, kind, payload in sent if kind == "cx_telephony/screen_pop"]
        self.assertEqual([(user, payload["event"]) for user, payload in pops],
                         [(self.agent_1, "ringing"), (self.agent_1, "answered"), (self.agent_1, "ended")])
        states = [payload["state"] for user, kind, payload in sent if kind == "cx_telephony/agent_state"]
        self.assertIn("on_call", states, "the agent's state follows the queue member events")
        self.assertEqual(pops[0][1]["open_tickets"][0]["number"], ticket.number)

    def test_fast_path_before_the_call_is_recorded(self):
        sent = []
        signal = ("agent_ringing", {"linkedid": "fast.1", "interface": "Local/1001@agents/n", "queue": "support",
                                    "caller_number": "+966501234567"})
        with patch.object(type(self.env["res.users"]), "_bus_send", lambda user, kind, payload: sent.append((user, payload))):
            self.pbx._cx_bridge_notify([signal])
        ((user, payload),) = sent
        self.assertEqual(user, self.agent_1)
        self.assertEqual((payload["call_id"], payload["linkedid"], payload["pbx_id"]), (False, "fast.1", self.pbx.id))
        self.assertEqual(payload["partner"]["id"], self.saudi.id, "identified without the call record")
        self.assertEqual(payload["team"], self.team_l1.name)
        with self.assertRaises(UserError):
            self.env["cx.call"].cx_panel_call_id(self.pbx.id, "fast.1")
        self.env["cx.call"]._cx_apply_snapshots(self.pbx, [{"linkedid": "fast.1", "state": "queued", "caller_number": "+966501234567"}])
        self.assertTrue(self.env["cx.call"].cx_panel_call_id(self.pbx.id, "fast.1"))

    def test_fast_path_over_the_bridges_bus_connection(self):
        """The bridge wakes the bus over its own connection: the rows are the
        ones Odoo's bus stores for the agent, the wake-up waits for the commit."""
        signal = ("agent_ringing", {"linkedid": "fast.2", "interface": "Local/1001@agents/n", "queue": "support",
                                    "caller_number": "+966501234567"})
        woken = []
        last = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0
        self.pbx._cx_bridge_notify([signal], wake_bus=woken.append)
        self.assertEqual(woken, [], "nothing is woken before the commit")
        (row,) = self.env["bus.bus"].sudo().search([("id", ">", last)])
        self.env["bus.bus"].sudo()._sendone(self.agent_1.partner_id, "probe", {})
        self.env.cr.precommit.run()  # what _bus_send would have stored for the same agent
        probe = self.env["bus.bus"].sudo().search([("id", ">", row.id)])
        self.assertEqual(row.channel, probe.channel, "the agent's own channel, nobody else's")
        message = json.loads(row.message)
        self.assertEqual(message["type"], "cx_telephony/screen_pop")
        self.assertEqual(message["payload"]["partner"]["id"], self.saudi.id)
        self.env.cr.postcommit.run()
        self.assertEqual([[list(channel) for channel in channels] for channels in woken], [[json.loads(row.channel)]],
                         "woken once committed")


    def _bursts(self, signals, queries):
        """The panels of a burst of 5 calls then of 20 (after a first burst in
        which each agent's panel reads their rules), each burst in at most
        ``queries`` queries: ``(indexes, [(user, payload)])`` per burst."""
        with patch.object(type(self.env["res.users"]), "_bus_send", lambda *_args: None):
            self.pbx._cx_bridge_notify(signals(range(25)))
        for indexes in (range(5), range(5, 25)):
            sent, burst = [], signals(indexes)
            self.env.invalidate_all()
            with patch.object(type(self.env["res.users"]), "_bus_send",
                              lambda user, _k, payload, sent=sent: sent.append((user, payload))), \
                    self.assertQueryCount(queries):
                self.pbx._cx_bridge_notify(burst)
            yield indexes, sent
    def test_panels_of_many_callers_in_a_few_queries(self):
        """A burst of calls costs the same queries as one: 5 callers ringing
        5 agents or 20 ringing 20, each panel built with its agent's access
        (once the agents' rules are cached, as in the long-lived pop writer)."""
        callers = self.env["res.partner"].create(
            [{"name": f"Caller {i}", "phone": f"+96650555{i:04d}"} for i in range(25)])
        agents = self.env["res.users"].browse(
            [self._new_agent(f"cx_burst_{i}", f"Burst Agent {i}", cx_extension=f"3{i:03d}").id for i in range(25)])
        self.team_l1.member_ids |= agents
        for index, caller in enumerate(callers):
            if index % 2 == 0:  # the caller's ticket, the agent's own: on the panel
                self._ticket(partner_id=caller.id, user_id=agents[index].id)
            elif index % 3 == 0:  # a colleague's ticket: not on the panel
                self._ticket(partner_id=caller.id, user_id=self.agent_2.id)
        self.env.cr.precommit.run()  # the tickets' own bus messages ("My work") go before the burst

        def signals(indexes):
            return [("agent_ringing", {"linkedid": f"many.{i}", "interface": f"PJSIP/3{i:03d}", "queue": "support",
                                       "caller_number": callers[i].phone}) for i in indexes]

        for indexes, sent in self._bursts(signals, 14):
            self.assertEqual([(user, payload["partner"]["id"]) for user, payload in sent],
                             [(agents[i], callers[i].id) for i in indexes])
            self.assertEqual([len(payload["open_tickets"]) for _user, payload in sent],
                             [int(i % 2 == 0) for i in indexes])

    def test_panels_with_the_customer_360(self):
        """The panels carry the short customer 360 as each agent may read it
        (amounts owed for an agent with Invoicing rights, none for the
        others), and a burst still costs the same queries for 5 agents as for
        20."""
        callers = self.env["res.partner"].create(
            [{"name": f"Buyer {i}", "phone": f"+96650666{i:04d}"} for i in range(25)])
        groups = "cx_helpdesk.group_cx_agent,account.group_account_invoice,sales_team.group_sale_salesman_all_leads"
        agents = self.env["res.users"].browse([
            new_test_user(self.env, f"cx_erp_{i}", name=f"ERP Agent {i}", cx_extension=f"4{i:03d}", groups=groups).id
            for i in range(25)])
        self.team_l1.member_ids |= agents
        invoices = self.env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": caller.id, "invoice_date": "2026-01-01",
            "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 100.0 + index,
                                                 "tax_ids": [Command.clear()]})],
        } for index, caller in enumerate(callers)])
        invoices.action_post()
        self.env.cr.precommit.run()

        def signals(indexes):
            return [("agent_ringing", {"linkedid": f"erp.{i}", "interface": f"PJSIP/4{i:03d}", "queue": "support",
                                       "caller_number": callers[i].phone}) for i in indexes]

        for indexes, sent in self._bursts(signals, 17):
            self.assertEqual([payload["customer_360"]["invoices"]["amount_due"] for _user, payload in sent],
                             [100.0 + i for i in indexes])
            self.assertEqual({payload["customer_360"]["sale_orders"]["order_count"] for _user, payload in sent}, {0})

    def test_payload_without_invoicing_rights(self):
        call = replay(self, "inbound_queue_answered")
        payload = call._cx_screen_pop_payload("ringing", self.agent_1)
        self.assertIsNone(payload["customer_360"]["invoices"], "no amounts for an agent without Invoicing rights")

    def test_payload(self):
        call = replay(self, "inbound_queue_answered")
        ticket = self._ticket(partner_id=self.saudi.id)
        payload = call._cx_screen_pop_payload("ringing")
        self.assertEqual(payload["partner"]["name"], self.saudi.name)
        self.assertEqual([t["id"] for t in payload["open_tickets"]], [ticket.id])
        self.assertEqual(payload["number"], "+966501234567")


@tagged("-at_install", "post_install")
class TestScreenPopTour(HttpCase, CxTelephonyCommon):
    def test_caller_panel_tour(self):
        admin = self.env.ref("base.user_admin")
        admin.cx_team_ids = self.team_l1
        caller = self.env["res.partner"].create({"name": "Tour Caller", "phone": "+966509998877"})
        self._ticket(partner_id=caller.id, name="Printer offline")
        call = self.env["cx.call"].create(
            {"pbx_id": self.pbx.id, "linkedid": "tour.1", "state": "answered", "caller_number": "0509998877",
             "partner_id": caller.id, "team_id": self.team_l1.id, "user_id": admin.id}
        )
        self.start_tour(f"/odoo/cx-calls/{call.id}", "cx_telephony_screen_pop_tour", login="admin")
        self.assertEqual(call.ticket_id.partner_id, caller)
        self.assertEqual(call.ticket_id.channel, "phone")
