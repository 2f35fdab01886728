"""cx_helpdesk "My work" speed: an agent's first page with 1,000,000 tickets,
200,000 WhatsApp conversations and 2,000,000 calls in the database.

Run with `make bench ARGS=mywork` (or `bash bench/run.sh mywork`). The data
is generated in SQL once and kept in cx_bench (the tickets are
bench_helpdesk's million-ticket set); each measure runs in a transaction that
is rolled back. Prints the first page's server time (p50/p99 of 30 runs) next
to the 150 ms budget and to the common alternative timed in the same run:
each model searched on its own and the pages merged in Python.

Usage (inside `odoo-bin shell`): see bench/run.sh.
"""

import time

import bench_helpdesk
from bench_helpdesk import percentiles

from odoo import fields
from odoo.tools import SQL

RUNS = 30
CONVERSATIONS = 200_000
CALLS = 2_000_000
SPEC = {
    "res_model": {}, "res_id": {}, "is_overdue": {}, "deadline": {}, "time_left": {}, "channel": {}, "item_type": {},
    "name": {}, "partner_id": {"fields": {"display_name": {}}}, "team_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}}, "state": {},
}


def generate(env):
    """The million tickets (bench_helpdesk), their earliest deadlines, then
    200,000 conversations (one in ten awaiting an answer) and 2,000,000 calls
    (one in 200 with an open callback), in SQL, once."""
    bench_helpdesk.generate_million(env)
    env.cr.execute("SELECT count(*) FROM cx_whatsapp_conversation")
    if env.cr.fetchone()[0] >= CONVERSATIONS:
        return generate_callbacks(env)
    started = time.perf_counter()
    team = env["cx.team"].search([("name", "=", "Bench team")], limit=1)
    members = team.member_ids.ids
    supervisor = env["res.users"].create({
        "name": "Bench supervisor", "login": "bench_mywork_supervisor",
        "group_ids": [(6, 0, env.ref("cx_helpdesk.group_cx_supervisor").ids)]})
    team.leader_id = supervisor
    # the generated tickets' earliest running clock, as _compute_sla_status stores it
    env.cr.execute("""
        UPDATE cx_ticket t SET sla_deadline = s.deadline
          FROM (SELECT ticket_id, min(deadline) AS deadline FROM cx_ticket_sla
                 WHERE status = 'running' GROUP BY ticket_id) s
         WHERE s.ticket_id = t.id AND t.sla_deadline IS NULL AND t.number LIKE 'BENCH-%'
    """)
    account = env["cx.whatsapp.account"].create({
        "name": "Bench My Work", "display_phone_number": "15550009999", "phone_number_id": "bench-mywork",
        "team_id": team.id})
    pbx = env["cx.pbx"].create({"name": "Bench My Work PBX"})
    env.flush_all()
    env.cr.execute("SELECT min(id), max(id) FROM res_partner")
    low, high = env.cr.fetchone()
    span = high - low + 1
    company, uid = env.company.id, env.uid
    # one in ten awaiting an answer (the customer wrote last), spread over
    # the last two days: some windows are still open, some closed
    env.cr.execute(SQL(
        """
        INSERT INTO cx_whatsapp_conversation (account_id, company_id, partner_id, wa_id, name, team_id, user_id,
                                              last_inbound_at, last_inbound_wamid, read_receipt_sent, last_message_at,
                                              window_expires_at, create_date, write_date, create_uid, write_uid)
        SELECT %(account)s, %(company)s, %(low)s + (n * 7) %% %(span)s, (966500000000 + n)::varchar,
               'Bench customer ' || n, %(team)s,
               CASE WHEN n %% 3 = 0 THEN NULL ELSE (%(members)s)[1 + n %% %(nmembers)s] END,
               now() - (n %% 2880 || ' minutes')::interval, 'wamid.BENCH' || n, false,
               now() - (n %% 2880 || ' minutes')::interval
                     + CASE WHEN n %% 10 = 0 THEN interval '0' ELSE interval '5 minutes' END,
               now() - (n %% 2880 || ' minutes')::interval + interval '24 hours',
               now(), now(), %(uid)s, %(uid)s
          FROM generate_series(1, %(total)s) AS n
        """,
        account=account.id, company=company, low=low, span=span, team=team.id, members=members,
        nmembers=len(members), uid=uid, total=CONVERSATIONS,
    ))
    # 2,000,000 calls over the last year; one in twenty missed, one in 200
    # with its callback still open (due over the last and next few days)
    env.cr.execute(SQL(
        """
        INSERT INTO cx_call (pbx_id, company_id, linkedid, direction, state, caller_number, customer_number,
                             partner_id, user_id, team_id, start_time, end_time, create_date, write_date,
                             create_uid, write_uid)
        SELECT %(pbx)s, %(company)s, 'bench.' || n, 'inbound',
               CASE WHEN n %% 20 = 0 THEN 'missed' ELSE 'completed' END,
               '+9665' || lpad((n %% 100000000)::varchar, 8, '0'), '+9665' || lpad((n %% 100000000)::varchar, 8, '0'),
               %(low)s + (n * 13) %% %(span)s,
               CASE WHEN n %% 20 = 0 THEN NULL ELSE (%(members)s)[1 + n %% %(nmembers)s] END, %(team)s,
               now() - (n * 15 || ' seconds')::interval, now() - (n * 15 - 120 || ' seconds')::interval,
               now(), now(), %(uid)s, %(uid)s
          FROM generate_series(1, %(total)s) AS n
        """,
        pbx=pbx.id, company=company, low=low, span=span, members=members, nmembers=len(members), team=team.id,
        uid=uid, total=CALLS,
    ))
    env.cr.commit()
    print(f"generated {CONVERSATIONS:,} conversations and {CALLS:,} calls in SQL in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    generate_callbacks(env)


def generate_callbacks(env):
    """One missed call in ten with its callback still open, due over the
    last and next three days (10,000 activities)."""
    pbx = env["cx.pbx"].search([("name", "=", "Bench My Work PBX")], limit=1)
    env.cr.execute(SQL("SELECT count(*) FROM mail_activity a JOIN cx_call c ON c.id = a.res_id "
                       "WHERE a.res_model = 'cx.call' AND c.pbx_id = %s", pbx.id))
    if env.cr.fetchone()[0]:
        return
    team = env["cx.team"].search([("name", "=", "Bench team")], limit=1)
    members, supervisor, uid = team.member_ids.ids, team.leader_id, env.uid
    call_type = env.ref("mail.mail_activity_data_call").id
    call_model = env["ir.model"]._get_id("cx.call")
    env.cr.execute(SQL(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, summary, date_deadline,
                                   user_id, active, automated, create_date, write_date, create_uid, write_uid)
        SELECT %(model)s, 'cx.call', c.id, c.customer_number, %(type)s, 'Call back ' || c.customer_number,
               (now() - ((c.id %% 7) - 3 || ' days')::interval)::date,
               (%(responsible)s)[1 + c.id %% %(nresponsible)s], true, false, now(), now(), %(uid)s, %(uid)s
          FROM cx_call c
         WHERE c.pbx_id = %(pbx)s AND c.state = 'missed' AND c.id %% 200 < 20
        """,
        model=call_model, type=call_type, responsible=[supervisor.id, *members], nresponsible=len(members) + 1,
        uid=uid, pbx=pbx.id,
    ))
    env.cr.execute("ANALYZE cx_ticket; ANALYZE cx_whatsapp_conversation; ANALYZE cx_call; ANALYZE mail_activity")
    env.cr.commit()


def separate_searches(env, limit=80):
    """The common alternative: each model searched on its own with the same
    conditions and order, the pages merged in Python."""
    user = env.user
    mine = ["|", ("user_id", "=", user.id), "&", ("user_id", "=", False), ("team_id.member_ids", "in", [user.id])]
    tickets = env["cx.ticket"].search_fetch(
        [("is_closed", "=", False)] + mine, ["sla_deadline", "name", "partner_id", "channel"], order="sla_deadline",
        limit=limit)
    conversations = env["cx.whatsapp.conversation"].search_fetch(
        mine + [("last_inbound_at", "!=", False)], ["window_expires_at", "last_message_at", "last_inbound_at", "name"],
        order="window_expires_at", limit=limit * 10)  # the "awaiting" condition compares two columns: Python filters
    conversations = conversations.filtered(
        lambda c: c.last_message_at <= c.last_inbound_at and (not c.ticket_id or c.ticket_id.is_closed))[:limit]
    activities = env["mail.activity"].search_fetch(
        [("res_model", "=", "cx.call"), ("user_id", "=", user.id)], ["date_deadline", "summary", "res_id"],
        order="date_deadline", limit=limit)
    items = [(t.sla_deadline, t) for t in tickets] + [(c.window_expires_at, c) for c in conversations] + [
        (fields.Datetime.to_datetime(a.date_deadline), a) for a in activities]
    items.sort(key=lambda item: (item[0] is None, item[0] or fields.Datetime.now()))
    return items[:limit]


def main(env, which=("agent", "supervisor")):
    print(f"cx_helpdesk My Work bench on {env.cr.dbname}, {fields.Datetime.now()}", flush=True)
    generate(env)
    for table in ("cx_ticket", "cx_whatsapp_conversation", "cx_call", "mail_activity"):
        env.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
        print(f"data: {table} {env.cr.fetchone()[0]:,} rows", flush=True)
    team = env["cx.team"].search([("name", "=", "Bench team")], limit=1)
    agent = team.member_ids[:1]
    Item = env(user=agent)["cx.work.item"]

    def first_page(model=Item, **kwargs):
        model.env.invalidate_all()
        # as the web client asks for it: a page of 80, counted up to 10,001
        return model.web_search_read([], SPEC, limit=80, count_limit=10001, **kwargs)

    page = first_page()
    print(f"agent {agent.login}: {page['length']:,} items waiting, first page of {len(page['records'])}", flush=True)
    query = Item._search([], order=Item._order, limit=80)
    env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query.select()))
    plan = [row[0] for row in env.cr.fetchall()]
    print("plan of the first page (agent):", *plan[:12], "  ...", plan[-1], sep="\n  ", flush=True)
    if "agent" in which:
        p50, p99 = percentiles(first_page, runs=RUNS)
        reference, _ref99 = percentiles(lambda: (env.invalidate_all(), separate_searches(env(user=agent))), runs=10)
        bench_helpdesk.report("My work, agent, first page of 80 (p50)", p50, budget=0.15, reference=reference)
        bench_helpdesk.report("My work, agent, first page of 80 (p99)", p99, budget=0.15)
    if "supervisor" in which:
        supervisor = team.leader_id
        Supervised = env(user=supervisor)["cx.work.item"]

        def by_team():
            Supervised.env.invalidate_all()
            return Supervised.web_read_group([], ["team_id"], ["__count"], auto_unfold=True,
                                             unfold_read_specification=SPEC, unfold_read_default_limit=80)

        p50, p99 = percentiles(by_team, runs=10)
        # no budget in the issue: the team counts read every waiting item of the teams
        bench_helpdesk.report("My work, supervisor, by team: counts + first pages (p50)", p50)
        bench_helpdesk.report("My work, supervisor, by team: counts + first pages (p99)", p99)
    env.cr.rollback()
    print("\nsummary")
    print("\n".join(bench_helpdesk.RESULTS))
