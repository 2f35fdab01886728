"""cx_helpdesk speed, measured against the budgets of the helpdesk issue.

Run with `make bench` (or `bash bench/run.sh helpdesk`): it builds a database
`cx_bench` with cx_helpdesk (no demo data) and runs this file inside it. Every
measure prints its figure next to its budget and, where one exists, next to the
common alternative timed in the same run. Nothing is committed: each measure
runs in a transaction that is rolled back (the 1,000,000-ticket data set is
generated in SQL once, kept for the next runs, and dropped with the database).

Usage (inside `odoo-bin shell`): see bench/run.sh.
"""

import statistics
import time
import uuid
from datetime import datetime, timedelta

from odoo import fields
from odoo.tools import SQL

RESULTS = []


def report(name, seconds, budget=None, reference=None):
    line = f"{name:<62} {seconds * 1000:>10.1f} ms"
    if budget is not None:
        line += f"   budget {budget * 1000:>8.0f} ms  {'OK' if seconds <= budget else 'OVER'}"
    if reference is not None:
        line += f"   reference {reference * 1000:>10.1f} ms  (x{reference / seconds:.1f})"
    RESULTS.append(line)
    print(line, flush=True)


def percentiles(function, runs=30):
    """``(p50, p99)`` seconds of ``runs`` calls of ``function``."""
    samples = []
    for _index in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def timed(function, repeat=1):
    """Median wall time of ``function`` over ``repeat`` runs."""
    samples = []
    result = None
    for _index in range(repeat):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def make_world(env, policies=50, agents=10):
    run = uuid.uuid4().hex[:8]  # names are unique: the million data set keeps one world
    calendar = env["resource.calendar"].create(
        {
            "name": "Bench Sun-Thu 8-17 Riyadh",
            "tz": "Asia/Riyadh",
            "attendance_ids": [(5, 0, 0)]
            + [
                (0, 0, {"name": str(day), "dayofweek": str(day), "hour_from": 8, "hour_to": 17, "day_period": "full_day"})
                for day in (6, 0, 1, 2, 3)
            ],
        }
    )
    env["resource.calendar.leaves"].create(
        [
            {"name": f"Holiday {i}", "calendar_id": calendar.id,
             "date_from": datetime(2026, 1, 1) + timedelta(days=37 * i),
             "date_to": datetime(2026, 1, 1) + timedelta(days=37 * i, hours=23)}
            for i in range(10)
        ]
    )
    group = env.ref("cx_helpdesk.group_cx_agent")
    users = env["res.users"].create(
        [{"name": f"Bench agent {i}", "login": f"bench_agent_{i}_{run}", "group_ids": [(6, 0, group.ids)]} for i in range(agents)]
    )
    team = env["cx.team"].create(
        {"name": "Bench team", "assignment_method": "round_robin", "member_ids": [(6, 0, users.ids)],
         "resource_calendar_id": calendar.id}
    )
    types = env["cx.ticket.type"].create([{"name": f"Bench type {i} {run}"} for i in range(5)])
    tags = env["cx.ticket.tag"].create([{"name": f"Bench tag {i} {run}"} for i in range(10)])
    env["cx.sla.policy"].search([]).active = False
    # 50 policies, one per (type, tag): each ticket matches one, as on a real
    # helpdesk where policies get more specific rather than pile up
    env["cx.sla.policy"].create(
        [
            {
                "name": f"Bench policy {i}",
                "team_ids": [(6, 0, team.ids)],
                "type_ids": [(6, 0, types[i % 5].ids)],
                "tag_ids": [(6, 0, tags[i // 5].ids)],
                "first_response_hours": 1 + i % 8,
                "resolution_hours": 8 + 4 * (i % 10),
                "warning_percent": 80,
            }
            for i in range(policies)
        ]
    )
    partners = env["res.partner"].create([{"name": f"Bench customer {i}", "email": f"c{i}@bench.example"} for i in range(200)])
    return team, types, tags, partners, calendar


def ticket_values(team, types, tags, partners, count=10_000):
    return [
        {
            "name": f"Bench ticket {i}",
            "team_id": team.id,
            "partner_id": partners[i % len(partners)].id,
            "type_id": types[i % 5].id,
            "tag_ids": [(6, 0, tags[(i // 5) % 10].ids)],
            "priority": str(i % 4),
        }
        for i in range(count)
    ]


def bench_create(env):
    contexts = (
        ("create() 10,000 tickets, 50 policies", {}),
        ("  same, import context (no tracking, no creation log)",
         {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}),
    )
    for label, context in contexts:
        team, types, tags, partners, _calendar = make_world(env)
        vals_list = ticket_values(team, types, tags, partners)
        env.flush_all()
        Ticket = env["cx.ticket"].with_context(**context)
        seconds, _result = timed(lambda model=Ticket, values=vals_list: (model.create(values), env.flush_all()))
        lines = env["cx.ticket.sla"].search_count([("ticket_id.team_id", "=", team.id)])
        report(f"{label} ({lines} SLA lines)", seconds, budget=20)
        env.cr.rollback()

    # the deadlines alone: batch schedule vs the calendar's plan_hours per ticket
    team, _types, _tags, _partners, calendar = make_world(env)
    starts = [datetime(2026, 3, 1, 5) + timedelta(minutes=7 * i) for i in range(1000)]
    requests = [(start, (8 + i % 40) * 3600) for i, start in enumerate(starts)]
    batch, _deadlines = timed(lambda: team._cx_deadlines(requests), repeat=3)

    def one_by_one():
        return [calendar.plan_hours(seconds / 3600, start, compute_leaves=True) for start, seconds in requests]

    reference, _plans = timed(one_by_one)
    report("1,000 deadlines: batch WorkSchedule vs plan_hours() per ticket", batch, reference=reference)
    env.cr.rollback()


def generate_million(env, total=1_000_000, open_share=10):
    """1,000,000 tickets, one in ``open_share`` open with two running SLA
    lines each; generated in SQL (generate_series), not through the ORM."""
    env.cr.execute("SELECT count(*) FROM cx_ticket")
    if env.cr.fetchone()[0] >= total:
        return
    team, types, _tags, _partners, _calendar = make_world(env, policies=2)
    stages = env["cx.ticket.stage"].search([])
    open_stages = stages.filtered(lambda s: not s.is_closed)
    closed_stages = stages.filtered("is_closed")
    policy = env["cx.sla.policy"].search([("team_ids", "in", team.ids)], limit=1)
    env.flush_all()
    company = env.company.id
    uid = env.uid
    members = team.member_ids.ids
    started = time.perf_counter()
    env.cr.execute(
        SQL(
            """
            INSERT INTO cx_ticket (number, name, company_id, team_id, user_id, stage_id, is_closed, priority,
                                   channel, kanban_state, active, sla_status, type_id, lang, escalation_count,
                                   create_date, write_date, create_uid, write_uid, close_date)
            SELECT 'BENCH-' || n, 'Generated ticket ' || n, %(company)s, %(team)s,
                   (%(members)s)[1 + n %% %(nmembers)s],
                   CASE WHEN n %% %(share)s = 0 THEN (%(open)s)[1 + n %% %(nopen)s] ELSE (%(closed)s)[1 + n %% %(nclosed)s] END,
                   n %% %(share)s <> 0,
                   (n %% 4)::varchar, 'phone', 'normal', true,
                   CASE WHEN n %% %(share)s = 0 THEN 'running' ELSE 'met' END,
                   %(type)s, 'en_US', 0,
                   now() - (n || ' minutes')::interval, now(), %(uid)s, %(uid)s,
                   CASE WHEN n %% %(share)s = 0 THEN NULL ELSE now() - (n || ' minutes')::interval END
              FROM generate_series(1, %(total)s) AS n
            """,
            company=company, team=team.id, members=members, nmembers=len(members), share=open_share,
            open=open_stages.ids, nopen=len(open_stages), closed=closed_stages.ids, nclosed=len(closed_stages),
            type=types[0].id, uid=uid, total=total,
        )
    )
    # two running clocks per open ticket, due in the future: the cron has nothing to do
    env.cr.execute(
        SQL(
            """
            INSERT INTO cx_ticket_sla (ticket_id, policy_id, company_id, kind, target_hours, warning_percent,
                                       consumed_hours, clock_started_at, deadline, warning_deadline, status,
                                       warning_done, breach_done, next_check_at, create_date, write_date, create_uid, write_uid)
            SELECT t.id, %(policy)s, t.company_id, k.kind, 8, 80, 0, now(),
                   now() + interval '30 days' + (t.id || ' seconds')::interval,
                   now() + interval '20 days' + (t.id || ' seconds')::interval,
                   'running', false, false,
                   now() + interval '20 days' + (t.id || ' seconds')::interval,
                   now(), now(), %(uid)s, %(uid)s
              FROM cx_ticket t, (VALUES ('first_response'), ('resolution')) AS k(kind)
             WHERE NOT t.is_closed AND t.number LIKE 'BENCH-%%'
            """,
            policy=policy.id, uid=uid,
        )
    )
    env.cr.execute("ANALYZE cx_ticket; ANALYZE cx_ticket_sla")
    env.cr.commit()
    print(f"generated {total:,} tickets in SQL in {time.perf_counter() - started:.1f} s", flush=True)


def bench_million(env):
    generate_million(env)
    env.cr.execute("SELECT count(*), count(*) FILTER (WHERE NOT is_closed) FROM cx_ticket")
    total, open_count = env.cr.fetchone()
    env.cr.execute("SELECT count(*) FROM cx_ticket_sla")
    lines = env.cr.fetchone()[0]
    print(f"data: {total:,} tickets, {open_count:,} open, {lines:,} SLA lines", flush=True)
    Line = env["cx.ticket.sla"]

    def naive_scan():
        # the common alternative: load every running clock and compare in Python
        env.invalidate_all()
        now = fields.Datetime.now()
        lines = Line.search([("status", "in", ("running", "at_risk"))])
        return [line.id for line in lines if line.deadline <= now or (line.warning_deadline and line.warning_deadline <= now)]

    reference, _due = timed(naive_scan)
    seconds, _result = timed(lambda: Line._cron_sla_escalate(), repeat=20)
    report("escalation cron, nothing due (median of 20)", seconds, budget=0.2, reference=reference)

    # 1,000 lines become due (their warning threshold passed)
    env.cr.execute(
        """
        UPDATE cx_ticket_sla SET warning_deadline = now() - interval '1 minute',
                                 next_check_at = now() - interval '1 minute'
         WHERE id IN (SELECT id FROM cx_ticket_sla WHERE kind = 'resolution' ORDER BY id LIMIT 1000)
        """
    )
    env.invalidate_all()
    seconds, _result = timed(lambda: (Line._cron_sla_escalate(), env.flush_all()))
    env.cr.execute("SELECT count(*) FROM cx_ticket_sla WHERE status = 'at_risk'")
    report(f"escalation cron, 1,000 due lines ({env.cr.fetchone()[0]} now at risk)", seconds, budget=5)
    env.cr.rollback()

    Ticket = env["cx.ticket"]
    spec = {
        "number": {}, "name": {}, "partner_id": {"fields": {"display_name": {}}}, "tag_ids": {"fields": {"display_name": {}, "color": {}}},
        "sla_status": {}, "sla_deadline": {}, "channel": {}, "priority": {}, "activity_ids": {"fields": {}},
        "kanban_state": {}, "user_id": {"fields": {"display_name": {}}}, "color": {}, "active": {}, "stage_id": {"fields": {"display_name": {}}},
    }
    progress = {"field": "sla_status", "colors": {"running": "success", "at_risk": "warning", "breached": "danger"}}
    for label, domain in (("open tickets (default filter)", [("is_closed", "=", False)]), ("all 1,000,000 tickets", [])):
        def kanban(domain=domain):
            env.invalidate_all()
            groups = Ticket.web_read_group(
                domain, ["stage_id"], ["__count"], auto_unfold=True,
                unfold_read_specification=spec, unfold_read_default_limit=80,
            )
            Ticket.read_progress_bar(domain, "stage_id", progress)
            return groups

        seconds, _groups = timed(kanban, repeat=5)
        report(f"kanban first page + stage counts + progress, {label}", seconds, budget=0.3)


def main(env, which=("create", "million")):
    print(f"cx_helpdesk bench on {env.cr.dbname}, {fields.Datetime.now()}", flush=True)
    if "create" in which:
        bench_create(env)
        env.cr.rollback()
    if "million" in which:
        bench_million(env)
        env.cr.rollback()
    print("\nsummary")
    print("\n".join(RESULTS))
