"""cx_telephony speed, measured against the budgets of the telephony issue.

`make bench ARGS="telephony"`: caller identification on 1,000,000 contacts
(next to the common LIKE '%<last 8 digits>' search over the raw phone
column), and the ingestion rate of AMI events into call records.
"""

import random
import statistics
import time
from datetime import timedelta

from bench_helpdesk import RESULTS, report

from odoo.tools import SQL

from odoo.addons.cx_telephony.tests.ami_fixtures import server_events
from odoo.addons.cx_telephony.tools.ami import AmiMessage
from odoo.addons.cx_telephony.tools.call_tracker import CallTracker


def generate_partners(env, total=1_000_000):
    """1,000,000 contacts with Saudi and Sudanese numbers, in SQL (kept)."""
    env.cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE 'Bench caller %%'")
    if env.cr.fetchone()[0] >= total:
        return
    started = time.perf_counter()
    env.cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, phone, phone_sanitized, active, type, is_company,
                                     create_date, write_date)
            SELECT 'Bench caller ' || n, 'Bench caller ' || n,
                   CASE WHEN n %% 2 = 0 THEN '05' || lpad((n::bigint * 7919 %% 100000000)::text, 8, '0')
                        ELSE '09' || lpad((n::bigint * 7919 %% 100000000)::text, 8, '0') END,
                   CASE WHEN n %% 2 = 0 THEN '+9665' || lpad((n::bigint * 7919 %% 100000000)::text, 8, '0')
                        ELSE '+2499' || lpad((n::bigint * 7919 %% 100000000)::text, 8, '0') END,
                   true, 'contact', false, now(), now()
              FROM generate_series(1, %s) AS n
            """,
            total,
        )
    )
    env.cr.execute("ANALYZE res_partner")
    env.cr.commit()
    print(f"generated {total:,} contacts in SQL in {time.perf_counter() - started:.1f} s", flush=True)


def bench_lookup(env):
    generate_partners(env)
    saudi = env.ref("base.sa")
    rng = random.Random(7)
    numbers = ["05" + f"{(n * 7919) % 100000000:08d}" for n in (rng.randrange(1, 1_000_000, 2) + 1 for _i in range(300))]
    Partner = env["res.partner"]
    samples = []
    found = 0
    for number in numbers:
        start = time.perf_counter()
        result = Partner._cx_find_callers([number], saudi)
        samples.append(time.perf_counter() - start)
        found += bool(result)
    like = []
    for number in numbers[:30]:
        start = time.perf_counter()
        env.cr.execute(SQL("SELECT id FROM res_partner WHERE phone LIKE %s", f"%{number[-8:]}"))
        env.cr.fetchall()
        like.append(time.perf_counter() - start)
    report(
        f"caller -> contact on 1,000,000 contacts, median ({found}/{len(numbers)} found)",
        statistics.median(samples),
        budget=0.001,
        reference=statistics.median(like),
    )
    report("  same, p99", sorted(samples)[int(len(samples) * 0.99) - 1])


def bench_ingestion(env, copies=300):
    """The interleaved two-call capture replayed ``copies`` times with fresh
    Linkedids, through the call tracker and into call records in batches of
    500 changes (as the bridge writes)."""
    pbx = env["cx.pbx"].create({"name": "Bench PBX", "host": "127.0.0.1", "port": 1, "username": "odoo",
                                "internal_number_max_digits": 4})
    template = server_events("inbound_two_calls_interleaved")
    tracker = CallTracker(internal_max_digits=4)
    events = []
    for copy in range(copies):
        shift = timedelta(seconds=copy * 20)
        for at, message in template:
            fields = [
                (key, f"{value}-{copy}" if key in ("Uniqueid", "Linkedid", "DestUniqueid", "UniqueID") and value else value)
                for key, value in message.fields
            ]
            events.append((at + shift, AmiMessage(fields)))
    env.flush_all()
    start = time.perf_counter()
    batch = []
    for at, message in events:
        batch += tracker.handle(message, at)
        if len(batch) >= 500:
            pbx._cx_bridge_apply(batch)
            env.flush_all()
            batch = []
    pbx._cx_bridge_apply(batch)
    env.flush_all()
    seconds = time.perf_counter() - start
    calls = env["cx.call"].search_count([("pbx_id", "=", pbx.id)])
    ended = env["cx.call"].search_count([("pbx_id", "=", pbx.id), ("end_time", "!=", False)])
    rate = len(events) / seconds
    line = f"ingestion: {len(events):,} AMI events -> {calls} calls ({ended} ended, {2 * copies} expected)"
    report(line, seconds)
    RESULTS.append(f"{'  events per second':<62} {rate:>10.0f}      budget     1000 /s  {'OK' if rate >= 1000 else 'UNDER'}")
    print(RESULTS[-1], flush=True)
    env.cr.rollback()


def main(env, which=("lookup", "ingestion")):
    if "lookup" in which:
        bench_lookup(env)
        env.cr.rollback()
    if "ingestion" in which:
        bench_ingestion(env)
    print("\nsummary")
    print("\n".join(RESULTS))
