"""Routing: round robin, least open tickets, skills and language, leaves and
capacity; round robin stays balanced when tickets are created in parallel."""

import threading
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged

from .common import CxHelpdeskCommon


class TestRouting(CxHelpdeskCommon):
    def test_round_robin_rotates(self):
        tickets = self.env["cx.ticket"].browse()
        for _index in range(6):
            tickets |= self._ticket()
        counts = Counter(ticket.user_id for ticket in tickets)
        self.assertEqual(counts, {self.agent_1: 2, self.agent_2: 2, self.agent_3: 2})
        # consecutive tickets go to different agents
        users = tickets.mapped("user_id")
        self.assertEqual(len(users), 3)
        self.assertTrue(all(tickets[i].user_id != tickets[i + 1].user_id for i in range(5)))
        self.assertTrue(all(tickets.mapped("assign_date")))

    def test_round_robin_in_one_batch(self):
        tickets = self.env["cx.ticket"].create([{"name": f"T{i}", "team_id": self.team_l1.id} for i in range(9)])
        self.assertEqual(set(Counter(ticket.user_id for ticket in tickets).values()), {3})

    def test_manual_team_leaves_tickets_unassigned(self):
        self.team_l1.assignment_method = "manual"
        self.assertFalse(self._ticket().user_id)

    def test_explicit_agent_is_kept(self):
        ticket = self._ticket(user_id=self.agent_3.id)
        self.assertEqual(ticket.user_id, self.agent_3)

    def test_least_open_tickets(self):
        self.team_l1.assignment_method = "load"
        self._ticket(user_id=self.agent_1.id)
        self._ticket(user_id=self.agent_1.id)
        self._ticket(user_id=self.agent_2.id)
        self.assertEqual(self._ticket().user_id, self.agent_3)
        self.assertEqual(self._ticket().user_id, self.agent_2)  # 1 each for 2 and 3: lowest id first

    def test_closed_tickets_do_not_count_as_load(self):
        self.team_l1.assignment_method = "load"
        for _index in range(3):
            self._ticket(user_id=self.agent_1.id).stage_id = self.stage_solved
        self._ticket(user_id=self.agent_2.id)
        self._ticket(user_id=self.agent_3.id)
        self.assertEqual(self._ticket().user_id, self.agent_1)

    def test_agent_on_leave_is_skipped(self):
        resource = self.env["resource.resource"].create({"name": "Agent One", "user_id": self.agent_1.id})
        now = fields.Datetime.now()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Annual leave",
                "resource_id": resource.id,
                "calendar_id": self.calendar.id,
                "date_from": now - timedelta(days=1),
                "date_to": now + timedelta(days=1),
            }
        )
        users = {self._ticket().user_id for _index in range(4)}
        self.assertEqual(users, {self.agent_2, self.agent_3})

    def test_capacity_is_respected(self):
        (self.agent_1 | self.agent_2 | self.agent_3).cx_ticket_capacity = 1
        tickets = self.env["cx.ticket"].create([{"name": f"T{i}", "team_id": self.team_l1.id} for i in range(4)])
        self.assertEqual(len(tickets.user_id), 3)
        self.assertFalse(tickets[3].user_id, "nobody has room: the ticket waits unassigned")

    def test_skills_and_language(self):
        billing = self.env["cx.skill"].create({"name": "Billing (routing test)"})
        refund = self.env["cx.ticket.type"].create({"name": "Refund (routing test)", "cx_skill_ids": [(6, 0, billing.ids)]})
        arabic = self.env["res.lang"]._activate_lang("ar_001")
        english = self.env.ref("base.lang_en")
        self.agent_1.write({"cx_skill_ids": [(6, 0, billing.ids)], "cx_lang_ids": [(6, 0, english.ids)]})
        self.agent_2.write({"cx_skill_ids": [(6, 0, billing.ids)], "cx_lang_ids": [(6, 0, (arabic | english).ids)]})
        self.agent_3.write({"cx_skill_ids": [(5, 0, 0)], "cx_lang_ids": [(6, 0, arabic.ids)]})
        self.team_l1.assignment_method = "skills"

        arabic_refund = self._ticket(type_id=refund.id, lang="ar_001")
        self.assertEqual(arabic_refund.user_id, self.agent_2, "billing skill and Arabic")
        english_refund = self._ticket(type_id=refund.id, lang="en_US")
        self.assertEqual(english_refund.user_id, self.agent_1, "both qualify: the less loaded")
        arabic_question = self._ticket(lang="ar_001")
        self.assertEqual(arabic_question.user_id, self.agent_3, "no skill needed, Arabic speakers, least loaded")
        # nobody speaks French: unassigned rather than a wrong agent
        french = self.env["res.lang"]._activate_lang("fr_FR")
        self.assertFalse(self._ticket(lang=french.code).user_id)

    def test_tag_skills_count(self):
        vip_skill = self.env["cx.skill"].create({"name": "VIP care (routing test)"})
        vip = self.env["cx.ticket.tag"].create({"name": "VIP (routing test)", "cx_skill_ids": [(6, 0, vip_skill.ids)]})
        self.agent_3.cx_skill_ids = vip_skill
        self.team_l1.assignment_method = "skills"
        self.assertEqual(self._ticket(tag_ids=[(6, 0, vip.ids)], lang="en_US").user_id, self.agent_3)


class TestPresenceRouting(CxHelpdeskCommon):
    """Teams that skip busy agents: the presence comes from a channel
    (cx_telephony) through ``res.users._cx_busy_agents``, stubbed here."""

    def _busy(self, agents):
        return patch.object(type(self.env["res.users"]), "_cx_busy_agents", lambda users: users & agents)

    def test_busy_agents_are_skipped(self):
        self.team_l1.write({"assignment_method": "load", "presence_routing": True})
        with self._busy(self.agent_1 | self.agent_2):
            tickets = self.env["cx.ticket"].create([{"name": f"T{i}", "team_id": self.team_l1.id} for i in range(3)])
        self.assertEqual(tickets.user_id, self.agent_3)

    def test_busy_agents_count_without_the_option(self):
        self.team_l1.assignment_method = "load"
        with self._busy(self.agent_1 | self.agent_2):
            tickets = self.env["cx.ticket"].create([{"name": f"T{i}", "team_id": self.team_l1.id} for i in range(3)])
        self.assertEqual(tickets.user_id, self.agent_1 | self.agent_2 | self.agent_3)

    def test_round_robin_skips_busy_agents_too(self):
        self.team_l1.presence_routing = True
        with self._busy(self.agent_2):
            tickets = self.env["cx.ticket"].create([{"name": f"T{i}", "team_id": self.team_l1.id} for i in range(4)])
        self.assertEqual(tickets.user_id, self.agent_1 | self.agent_3)

    def test_waiting_ticket_goes_to_the_first_agent_free(self):
        self.team_l1.write({"assignment_method": "load", "presence_routing": True})
        everyone = self.agent_1 | self.agent_2 | self.agent_3
        with self._busy(everyone):
            ticket = self._ticket()
            self.assertFalse(ticket.user_id, "everyone busy: the ticket waits unassigned")
            self.env["cx.team"]._cron_offer_waiting()
            self.assertFalse(ticket.user_id, "still nobody free")
        with self._busy(everyone - self.agent_2):
            self.env["cx.team"]._cron_offer_waiting()
        self.assertEqual(ticket.user_id, self.agent_2)
        self.assertTrue(ticket.assign_date)

    def test_manual_teams_are_not_offered_anything(self):
        self.team_l1.assignment_method = "manual"
        ticket = self._ticket()
        self.env["cx.team"]._cron_offer_waiting()
        self.assertFalse(ticket.user_id)


@tagged("-at_install", "post_install")
class TestRoutingConcurrency(TransactionCase):
    """Parallel transactions, each committing: the fixtures live in committed
    data of their own and are removed at the end. Not on the common fixtures:
    the test's own transaction must hold no lock the committed transactions
    need (creating users updates the default digest's subscribers when digest
    is installed, as crm installs it)."""

    def _in_parallel(self, login, team_values, agent_values, create_ticket, count=20):
        """``count`` tickets created at once, each in a transaction of its own
        (``create_ticket(env, team_id, index)``, committing), for a committed
        team of 4 agents; ``{agent id or None: tickets}`` of the team, the
        fixtures removed at the end."""
        registry = self.registry
        with registry.cursor() as cr:
            env = self.env(cr=cr)
            agents = env["res.users"].create([
                {"name": f"Parallel agent {i}", "login": f"{login}_{i}",
                 "group_ids": [(6, 0, env.ref("cx_helpdesk.group_cx_agent").ids)], **agent_values}
                for i in range(4)
            ])
            team = env["cx.team"].create({"name": f"Team {login}", "member_ids": [(6, 0, agents.ids)], **team_values})
            cr.commit()
            team_id, agent_ids = team.id, agents.ids
        barrier = threading.Barrier(count)
        errors = []

        def run(index):
            try:
                with registry.cursor() as cr:
                    env = self.env(cr=cr)
                    barrier.wait(timeout=30)
                    create_ticket(env, team_id, index)
            except Exception as error:
                errors.append(error)

        try:
            threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=180)
            self.assertFalse(errors)
            with registry.cursor() as cr:
                cr.execute("SELECT user_id, count(*) FROM cx_ticket WHERE team_id = %s GROUP BY user_id", [team_id])
                return agent_ids, dict(cr.fetchall())
        finally:
            with registry.cursor() as cr:
                cr.execute("DELETE FROM cx_ticket WHERE team_id = %s", [team_id])
                env = self.env(cr=cr)
                env["cx.team"].browse(team_id).unlink()
                env["res.users"].browse(agent_ids).unlink()
                cr.commit()

    def test_parallel_round_robin_is_balanced(self):
        def create_ticket(env, team_id, index):
            env["cx.ticket"].create({"name": f"Parallel {index}", "team_id": team_id})
            env.cr.commit()

        agent_ids, counts = self._in_parallel("cx_parallel", {"assignment_method": "round_robin"}, {}, create_ticket)
        self.assertEqual(counts, dict.fromkeys(agent_ids, 5))

    def test_parallel_capacity_is_respected(self):
        """20 tickets in parallel transactions for 4 agents who take 3 open
        tickets each: 12 assigned, 3 per agent, 8 waiting. Each transaction
        runs as Odoo runs a request: retried on a serialization failure."""
        def create_ticket(env, team_id, index):
            def create():
                env["cx.ticket"].create({"name": f"Capacity {index}", "team_id": team_id})
                env.cr.commit()

            retrying(create, env)

        agent_ids, counts = self._in_parallel(
            "cx_capacity", {"assignment_method": "load"}, {"cx_ticket_capacity": 3}, create_ticket)
        self.assertEqual(counts, {**dict.fromkeys(agent_ids, 3), None: 8})
