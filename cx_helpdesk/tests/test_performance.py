"""Query budgets: creating a ticket costs the same whatever the number of
SLA policies, and the escalation cron reads only due lines."""

from odoo.tests import tagged, warmup

from .common import CxHelpdeskCommon


@tagged("-at_install", "post_install")
class TestPerformance(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = cls.env["cx.ticket.tag"].create({"name": "Perf tag"})
        cls.ticket_type = cls.env["cx.ticket.type"].create({"name": "Perf type"})
        # a ticket first, so sequences and caches exist like on a live database
        cls.env["cx.ticket"].create({"name": "warm", "team_id": cls.team_l1.id, "partner_id": cls.customer.id})

    def _policies(self, count):
        self.env["cx.sla.policy"].search([]).active = False
        return self.env["cx.sla.policy"].create(
            [
                {
                    "name": f"Policy {index}",
                    "team_ids": [(6, 0, self.team_l1.ids)],
                    "type_ids": [(6, 0, self.ticket_type.ids)],
                    "tag_ids": [(6, 0, self.tag.ids)],
                    "first_response_hours": 1 + index % 4,
                    "resolution_hours": 8 + index % 16,
                }
                for index in range(count)
            ]
        )

    def _create_ticket(self):
        return self.env["cx.ticket"].create(
            {
                "name": "Perf",
                "team_id": self.team_l1.id,
                "partner_id": self.customer.id,
                "type_id": self.ticket_type.id,
                "tag_ids": [(6, 0, self.tag.ids)],
            }
        )

    @warmup
    def test_create_with_1_policy(self):
        self._policies(1)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=63):
            ticket = self._create_ticket()
        self.assertEqual(len(ticket.sla_ids), 2)

    @warmup
    def test_create_with_50_policies(self):
        self._policies(50)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=63):
            ticket = self._create_ticket()
        self.assertEqual(len(ticket.sla_ids), 100)

    def test_cron_with_nothing_due_is_one_query(self):
        self._policies(3)
        for _index in range(5):
            self._create_ticket()
        # lines of other tickets may be due (the demo tickets, on a database
        # older than their first deadlines): a first run handles them
        self.env["cx.ticket.sla"]._cron_sla_escalate()
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.env["cx.ticket.sla"]._cron_sla_escalate()
