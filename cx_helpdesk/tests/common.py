"""Shared fixtures of the cx_helpdesk tests (and of the addons built on it).

The world: a company working Monday to Friday 09:00-17:00 UTC (8 working hours
a day, no lunch break, so the arithmetic reads easily), a first-line team
(round robin, three agents) escalating to a second-line team, the standard
stages, and a customer.
"""

import json
from datetime import datetime

from odoo.tests import TransactionCase, new_test_user

# Monday 5 January 2026, 09:00 UTC: the start of a working week
MONDAY_9 = datetime(2026, 1, 5, 9, 0)


class CxHelpdeskCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        cls.company = cls.env.company
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Mon-Fri 9-17 UTC",
                "tz": "UTC",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (0, 0, {"name": f"day {day}", "dayofweek": str(day), "hour_from": 9, "hour_to": 17, "day_period": "full_day"})
                    for day in range(5)
                ],
            }
        )
        cls.stage_new = cls.env.ref("cx_helpdesk.stage_new")
        cls.stage_progress = cls.env.ref("cx_helpdesk.stage_in_progress")
        cls.stage_waiting = cls.env.ref("cx_helpdesk.stage_waiting_customer")
        cls.stage_solved = cls.env.ref("cx_helpdesk.stage_solved")

        cls.agent_1 = cls._new_agent("cx_agent_1", "Agent One")
        cls.agent_2 = cls._new_agent("cx_agent_2", "Agent Two")
        cls.agent_3 = cls._new_agent("cx_agent_3", "Agent Three")
        cls.agent_l2 = cls._new_agent("cx_agent_l2", "Second Line Agent")
        cls.supervisor = new_test_user(
            cls.env, "cx_supervisor", groups="cx_helpdesk.group_cx_supervisor", name="Supervisor", email="sup@example.com"
        )
        cls.manager = new_test_user(
            cls.env, "cx_manager", groups="cx_helpdesk.group_cx_manager", name="Manager", email="mgr@example.com"
        )

        cls.team_l2 = cls.env["cx.team"].create(
            {
                "name": "Customer Service",
                "tier": "2",
                "assignment_method": "load",
                "member_ids": [(6, 0, cls.agent_l2.ids)],
                "leader_id": cls.supervisor.id,
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.team_l1 = cls.env["cx.team"].create(
            {
                "name": "Call Center",
                "tier": "1",
                "assignment_method": "round_robin",
                "member_ids": [(6, 0, (cls.agent_1 | cls.agent_2 | cls.agent_3).ids)],
                "leader_id": cls.supervisor.id,
                "resource_calendar_id": cls.calendar.id,
                "escalation_team_id": cls.team_l2.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Fatima Customer", "email": "fatima@customer.example", "phone": "+966501234567"}
        )
        # the demo policies would apply to our tickets too: tests set their own
        cls.env["cx.sla.policy"].search([]).active = False

    @classmethod
    def _new_agent(cls, login, name, **kwargs):
        return new_test_user(
            cls.env, login, groups="cx_helpdesk.group_cx_agent", name=name, email=f"{login}@example.com", **kwargs
        )

    @classmethod
    def _policy(cls, **values):
        return cls.env["cx.sla.policy"].create({"name": values.pop("name", "Policy"), **values})

    def _ticket(self, **values):
        values.setdefault("name", "My order never arrived")
        values.setdefault("team_id", self.team_l1.id)
        values.setdefault("partner_id", self.customer.id)
        return self.env["cx.ticket"].create(values)

    def _work_notified(self, since=0):
        """The users told on the bus that their "My work" changed (bus
        messages after id ``since``)."""
        self.env.cr.precommit.run()  # the bus records are created before the commit
        partner_ids = set()
        for notification in self.env["bus.bus"].sudo().search([("id", ">", since)]):
            if json.loads(notification.message).get("type") == "cx_helpdesk/work":
                _db, model, res_id = json.loads(notification.channel)[:3]
                if model == "res.partner":
                    partner_ids.add(res_id)
        return self.env["res.users"].search([("partner_id", "in", list(partner_ids))])

    def _bus_mark(self):
        self.env.cr.precommit.run()
        return self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0

    def _sla(self, ticket, kind):
        """The current line of ``kind`` (lines of replaced policies stay on the ticket)."""
        lines = ticket.sla_ids.filtered(lambda line: line.kind == kind and not line.replaced_date)
        self.assertEqual(len(lines), 1, f"one {kind} line expected")
        return lines
