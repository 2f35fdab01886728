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
        result = Partner._cx_find_callers([number], saudi, env.company)
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


class PbxProcess:
    """The AMI test server in a child process, as Asterisk is: its work does
    not share the bridge's interpreter. ``send_events`` writes a burst."""

    def __init__(self, secret):
        import multiprocessing

        from odoo.addons.cx_telephony.tests.ami_server import AmiTestServer

        def serve(connection):
            server = AmiTestServer(secret=secret)
            server.start()
            connection.send(server.port)
            while (events := connection.recv()) is not None:
                server.send_events(events)
                connection.send(True)
            server.stop()

        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child,), daemon=True)
        self._process.start()
        self.port = self._connection.recv()

    def send_events(self, events):
        self._connection.send(events)
        self._connection.recv()

    def stop(self):
        self._connection.send(None)
        self._process.join(10)


def bench_screen_pop(env, concurrent=50, rounds=4):
    """From the AgentCalled event reaching the bridge to the bus notification
    committed, with ``concurrent`` calls ringing at once: the real bridge, the
    AMI test server and the Odoo sink, on committed data (removed after)."""
    import asyncio
    import threading

    from odoo import api
    from odoo.modules.registry import Registry

    from odoo.addons.cx_telephony.bridge import ami_bridge
    from odoo.addons.cx_telephony.bridge.pop_process import PopWriterProcess

    registry = Registry(env.cr.dbname)
    server = PbxProcess(secret="bench")  # Asterisk is a process of its own, not a thread of the bridge's
    group = env.ref("cx_helpdesk.group_cx_agent")
    team = env["cx.team"].create({"name": "Bench screen-pop team", "assignment_method": "manual"})
    agents = env["res.users"].create(
        [{"name": f"Pop agent {i}", "login": f"bench_pop_{i}_{server.port}", "cx_extension": f"7{i:03d}",
          "group_ids": [(6, 0, group.ids)]} for i in range(concurrent)]
    )
    team.member_ids = agents
    pbx = env["cx.pbx"].create({"name": "Bench pop PBX", "host": "127.0.0.1", "port": server.port, "username": "odoo",
                                "secret": "bench", "internal_number_max_digits": 4,
                                "queue_ids": [(0, 0, {"name": "support", "team_id": team.id})]})
    env.cr.commit()
    config = pbx._cx_bridge_configs()
    config = [c for c in config if c["id"] == pbx.id]
    emitted, committed = {}, {}

    def sink(pbx_id, changes):
        with registry.cursor() as cr:
            api.Environment(cr, api.SUPERUSER_ID, {})["cx.pbx"].browse(pbx_id)._cx_bridge_apply(changes)

    pop_writer = PopWriterProcess(env.cr.dbname)  # as the command runs it

    def notify(pbx_id, signals):
        now = pop_writer(pbx_id, signals)  # committed, in the screen-pop process
        for kind, payload in signals:
            if kind == "agent_ringing":
                committed.setdefault(payload["linkedid"], now)

    # as the odoo-bin command runs it: screen-pops on their fast path
    bridge = ami_bridge.AmiBridge(lambda: config, sink, flush_interval=0.2, notify=notify)
    original_emit = bridge.emit

    def emit(pbx_id, change):
        if change[0] == "agent_ringing":
            emitted.setdefault(change[1]["linkedid"], time.perf_counter())
        original_emit(pbx_id, change)

    bridge.emit = emit
    thread = threading.Thread(target=lambda: asyncio.run(bridge.run()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not bridge.sessions or not next(iter(bridge.sessions.values())).logged_in:
        if time.monotonic() > deadline:
            raise RuntimeError("the bridge did not log in")
        time.sleep(0.05)
    try:
        for round_ in range(rounds + 1):
            burst = []  # the calls of a round ring at once: one write from the PBX
            for i in range(concurrent):
                linkedid = f"1796000{round_}{i:03d}.1"
                burst += [
                    [("Event", "Newchannel"), ("Channel", f"PJSIP/trunk-{round_}{i}"), ("CallerIDNum", f"+96650{round_}{i:06d}"),
                     ("Exten", "966112345678"), ("Uniqueid", linkedid), ("Linkedid", linkedid)],
                    [("Event", "QueueCallerJoin"), ("Channel", f"PJSIP/trunk-{round_}{i}"), ("Queue", "support"),
                     ("CallerIDNum", f"+96650{round_}{i:06d}"), ("Uniqueid", linkedid), ("Linkedid", linkedid)],
                    [("Event", "AgentCalled"), ("Channel", f"PJSIP/trunk-{round_}{i}"), ("Queue", "support"),
                     ("Interface", f"PJSIP/7{i:03d}"), ("MemberName", f"Pop agent {i}"),
                     ("Uniqueid", linkedid), ("Linkedid", linkedid)],
                ]
            server.send_events(burst)
            deadline = time.monotonic() + 30
            while len(committed) < concurrent * (round_ + 1) and time.monotonic() < deadline:
                time.sleep(0.01)
        # the first round warms the bridge up (connections, caches): not measured
        latencies = sorted(committed[key] - emitted[key] for key in committed if key in emitted and not key.startswith("17960000"))
    finally:
        bridge.stop()
        thread.join(10)
        server.stop()
        pop_writer.close()
        env.cr.rollback()  # the bridge wrote meanwhile: clean up from a fresh transaction
        with registry.cursor() as cr:
            clean = api.Environment(cr, api.SUPERUSER_ID, {})
            cr.execute("DELETE FROM cx_call WHERE pbx_id = %s", [pbx.id])
            clean["cx.pbx"].browse(pbx.id).unlink()
            clean["cx.team"].browse(team.id).unlink()
            clean["res.users"].browse(agents.ids).unlink()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[max(int(len(latencies) * 0.99) - 1, 0)]
    report(f"screen-pop, AgentCalled -> bus committed, p50 ({len(latencies)} pops, {concurrent} at once, after a warm-up round)", p50, budget=0.02)
    report("  same, p99", p99, budget=0.1)


def main(env, which=("lookup", "ingestion", "screen_pop")):
    if "screen_pop" in which:
        bench_screen_pop(env, concurrent=1, rounds=50)
        bench_screen_pop(env, concurrent=50, rounds=4)
    if "lookup" in which:
        bench_lookup(env)
        env.cr.rollback()
    if "ingestion" in which:
        bench_ingestion(env)
    print("\nsummary")
    print("\n".join(RESULTS))
