"""The AMI bridge against the AMI test server, without a database: calls
arrive, reconnection after a cut, a refused login, a database away; its
journal, and what a bridge killed or stopped leaves to the next one."""

import asyncio
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
from datetime import datetime, timedelta, timezone

from odoo.addons.cx_telephony.bridge.ami_bridge import AmiBridge
from odoo.addons.cx_telephony.bridge.pop_process import PopWriterProcess
from odoo.addons.cx_telephony.tools.call_tracker import CallTracker, merge_snapshot
from odoo.addons.cx_telephony.tools.journal import ChangeJournal, JournalLocked

from .ami_fixtures import load_capture, server_events
from .ami_server import AmiTestServer
from .common import CxTelephonyCommon

ADDON = pathlib.Path(__file__).resolve().parent.parent


class Sink:
    """Collects what the bridge writes; can refuse, like a database that is down."""

    def __init__(self):
        self.changes = []
        self.refuse = False
        self.lock = threading.Lock()

    def __call__(self, pbx_id, changes):
        if self.refuse:
            raise ConnectionError("database unreachable")
        with self.lock:
            self.changes += [(pbx_id, change) for change in changes]

    def calls(self):
        final = {}
        for _pbx, (kind, payload) in self.changes:
            if kind == "call":
                final[payload["linkedid"]] = payload
        return final

    def statuses(self):
        return [payload["state"] for _pbx, (kind, payload) in self.changes if kind == "status"]


def pbx_config(server, secret="amisecret"):
    return {"id": 1, "host": "127.0.0.1", "port": server.port, "username": "odoo", "secret": secret,
            "internal_number_max_digits": 4}


def wait_for(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


class BridgeHarness:
    """Runs a bridge in a thread of its own for the duration of a test."""

    def __init__(self, server, secret="amisecret", load_pbxs=None, **options):
        self.sink = Sink()
        self.pops = []
        config = pbx_config(server, secret)
        options.setdefault("max_backoff", 1)
        self.bridge = AmiBridge(load_pbxs or (lambda: [config]), self.sink, flush_interval=0.05, **options)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.bridge.run()), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.bridge.stop()
        self.thread.join(10)

    def wait_for(self, condition, timeout=10):
        return wait_for(condition, timeout)


class TestAmiBridge(unittest.TestCase):
    def test_calls_arrive(self):
        with AmiTestServer() as server, BridgeHarness(server) as harness:
            harness.wait_for(lambda: "connected" in harness.sink.statuses())
            server.play("inbound_queue_answered")
            harness.wait_for(lambda: any(c["ended"] for c in harness.sink.calls().values()))
        (call,) = harness.sink.calls().values()
        self.assertEqual(call["state"], "completed")
        self.assertEqual(call["caller_number"], "+966501234567")
        live = [payload for _pbx, (kind, payload) in harness.sink.changes if kind == "live_calls"]
        self.assertEqual(live[0]["linkedids"], [], "CoreShowChannels after login")

    def test_connection_dropped_mid_call_then_restored(self):
        with AmiTestServer() as server, BridgeHarness(server) as harness:
            harness.wait_for(lambda: "connected" in harness.sink.statuses())
            server.send_event([("Event", "Newchannel"), ("Channel", "PJSIP/trunk-1"), ("CallerIDNum", "+249912345678"),
                               ("Exten", "966112345678"), ("Uniqueid", "1795000000.1"), ("Linkedid", "1795000000.1")])
            harness.wait_for(lambda: harness.sink.calls())
            server.drop_connections()
            harness.wait_for(lambda: harness.sink.statuses().count("connected") >= 2, timeout=15)
            # the channel is not live any more: the call is closed on reconnection
            harness.wait_for(lambda: harness.sink.calls()["1795000000.1"]["ended"])
        self.assertIn("disconnected", harness.sink.statuses())
        self.assertEqual(harness.sink.calls()["1795000000.1"]["state"], "missed")

    def test_refused_login_is_reported(self):
        with AmiTestServer(secret="right") as server, BridgeHarness(server, secret="wrong") as harness:
            harness.wait_for(lambda: "error" in harness.sink.statuses())
        errors = [p["error"] for _pbx, (k, p) in harness.sink.changes if k == "status" and p["state"] == "error"]
        self.assertIn("Authentication failed", errors[0])

    def test_database_away_loses_nothing(self):
        with AmiTestServer() as server, BridgeHarness(server) as harness:
            harness.wait_for(lambda: "connected" in harness.sink.statuses())
            harness.sink.refuse = True
            server.play("inbound_two_calls_interleaved")
            harness.wait_for(lambda: harness.bridge.sink_failures > 0 and len(harness.bridge.journal) > 0)
            harness.sink.refuse = False
            harness.wait_for(lambda: len(harness.bridge.journal) == 0 and len(harness.sink.calls()) == 2)
        self.assertTrue(all(call["ended"] for call in harness.sink.calls().values()))

    def test_malformed_lines_are_skipped(self):
        with AmiTestServer() as server, BridgeHarness(server) as harness:
            harness.wait_for(lambda: "connected" in harness.sink.statuses())
            server.send_event([("Event", "Hangup"), ("Cause", "not a number")])
            server.send_event([("Event", "TotallyNew"), ("Weird", "")])
            server.play("inbound_queue_abandoned")
            harness.wait_for(lambda: any(c["ended"] for c in harness.sink.calls().values()))
        self.assertEqual(next(iter(harness.sink.calls().values()))["state"], "abandoned")


class TestScreenPopFastPath(unittest.TestCase):
    def test_pops_go_to_notify_at_once_not_to_the_sink(self):
        pops = []
        with AmiTestServer() as server, BridgeHarness(server, notify=lambda pbx_id, signals: pops.extend(signals)) as harness:
            harness.wait_for(lambda: "connected" in harness.sink.statuses())
            server.play("inbound_queue_answered")
            harness.wait_for(lambda: any(c["ended"] for c in harness.sink.calls().values()))
        self.assertEqual([kind for kind, _payload in pops], ["agent_ringing", "agent_answered"])
        self.assertFalse([kind for _pbx, (kind, _p) in harness.sink.changes if kind.startswith("agent_")])


class TestPopWriterProcess(CxTelephonyCommon):
    def test_screen_pops_written_by_a_process_of_their_own(self):
        """The command's screen-pop process: it starts with connections of its
        own (it sees committed data only: the demo PBX), answers once
        committed, and tells the errors it met."""
        pbx = self.env.ref("cx_telephony.pbx_demo", raise_if_not_found=False)
        if not pbx:
            self.skipTest("no demo data")
        pop_writer = PopWriterProcess(self.env.cr.dbname)
        try:
            self.assertIsInstance(pop_writer(pbx.id, []), float, "nothing to write: committed at once")
            with self.assertRaises(RuntimeError):
                pop_writer(0, [("agent_ringing", {"linkedid": "x.1", "interface": "PJSIP/1001"})])
            self.assertIsInstance(pop_writer(pbx.id, []), float, "an error does not stop it")
        finally:
            pop_writer.close()
        self.assertEqual(self.env["res.partner"].search_count([("id", "=", self.saudi.id)]), 1,
                         "this test's own connection still works after the fork")


def read(path):
    try:
        return pathlib.Path(path).read_text()
    except FileNotFoundError:
        return ""


def alive(pid):
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


# the bridge's engine alone in a process of its own, without Odoo (bridge/
# ami_bridge.py and tools/ need no ORM: the addon's package is not run),
# writing to a file for a database; the database is down while ``down`` exists
BRIDGE_PROCESS = textwrap.dedent('''
    import asyncio, json, logging, os, signal, sys, types
    addon, port, journal, database, down = sys.argv[1:6]
    sys.modules["cx_addon"] = package = types.ModuleType("cx_addon")
    package.__path__ = [addon]
    from cx_addon.bridge.ami_bridge import AmiBridge
    assert not any(name == "odoo" or name.startswith("odoo.") for name in sys.modules)
    logging.basicConfig(level=logging.WARNING)

    def sink(pbx_id, changes):
        if os.path.exists(down):
            raise ConnectionError("database unreachable")
        with open(database, "a") as db:
            db.writelines(json.dumps(change, default=str) + "\\n" for change in changes)

    config = {"id": 1, "host": "127.0.0.1", "port": int(port), "username": "odoo", "secret": "amisecret",
              "internal_number_max_digits": 4}
    bridge = AmiBridge(lambda: [config], sink, journal_path=journal, flush_interval=0.05, max_backoff=1)

    async def main():
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, bridge.stop)
        await bridge.run()

    asyncio.run(main())
''')

# the screen-pop process of the bridge, its database part left out
POP_PROCESS = textwrap.dedent('''
    import importlib.util, sys, time
    spec = importlib.util.spec_from_file_location("pop_process", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def serve(connection, dbname):
        connection.send(True)
        while connection.recv() is not None:
            connection.send((True, 0.0))

    module._serve = serve
    writer = module.PopWriterProcess("no-database")
    print(writer._process.pid, flush=True)
    time.sleep(60)
''')


class TestChangeJournal(unittest.TestCase):
    def setUp(self):
        self.path = os.path.join(tempfile.mkdtemp(), "bridge.journal")

    def test_a_killed_process_leaves_what_was_not_committed(self):
        at = datetime(2026, 11, 23, 9, 0, 0, 123000)
        journal = ChangeJournal(self.path)
        for index in range(5):
            journal.append(1, ("call", {"n": index, "at": at + timedelta(seconds=index)}))
        journal.commit(len(journal.take(2)))
        journal.append(2, ("status", {"state": "connected"}))
        journal.abandon()  # SIGKILL: no sync, no commit, no clean close
        again = ChangeJournal(self.path)
        self.assertEqual(again.replayed, 4)
        items = again.take(10)
        self.assertEqual([change[1].get("n") for _pbx, change in items], [2, 3, 4, None])
        self.assertEqual(items[0], (1, ("call", {"n": 2, "at": at + timedelta(seconds=2)})), "datetimes come back")
        self.assertEqual(items[3][0], 2)
        again.commit(len(items))
        self.assertEqual(os.path.getsize(self.path), 0, "all committed: truncated")
        again.append(1, ("call", {"n": 9}))
        again.close()
        self.assertEqual(ChangeJournal(self.path).take(5), [(1, ("call", {"n": 9}))], "a clean stop keeps them too")

    def test_torn_last_line_is_ignored(self):
        journal = ChangeJournal(self.path)
        journal.append(1, ("call", {"n": 1}))
        journal.abandon()
        with open(self.path, "a", encoding="utf-8") as torn:
            torn.write('{"s":2,"p":1,"c":["call",{"n"')
        again = ChangeJournal(self.path)
        self.assertEqual(again.take(5), [(1, ("call", {"n": 1}))])
        again.append(1, ("call", {"n": 3}))
        again.abandon()
        self.assertEqual(ChangeJournal(self.path).take(5), [(1, ("call", {"n": 1})), (1, ("call", {"n": 3}))],
                         "the change after a torn line is not lost with it")

    def test_more_than_memory_holds_comes_back_in_order(self):
        journal = ChangeJournal(self.path, max_memory=3)
        for index in range(10):
            journal.append(1, ("call", {"n": index}))
        self.assertEqual((len(journal), len(journal.memory)), (10, 3))
        seen = []
        while len(journal):
            items = journal.take(2)
            seen += [change[1]["n"] for _pbx, change in items]
            journal.commit(len(items))
        self.assertEqual(seen, list(range(10)))
        self.assertEqual(os.path.getsize(self.path), 0)

    def test_the_former_spill_file_is_taken_over(self):
        spill = os.path.join(os.path.dirname(self.path), "cx_ami_bridge_db.jsonl")
        with open(spill, "w", encoding="utf-8") as lines:
            lines.write('[1, ["call", {"n": 1, "at": {"__datetime__": "2026-11-23T09:00:00.250000"}}]]\n')
        journal = ChangeJournal(self.path)
        self.assertEqual(journal.adopt_spill_file(spill), 1)
        self.assertFalse(os.path.exists(spill))
        self.assertEqual(journal.take(5), [(1, ("call", {"n": 1, "at": datetime(2026, 11, 23, 9, 0, 0, 250000)}))])

    def test_one_bridge_per_journal(self):
        journal = ChangeJournal(self.path)
        with self.assertRaises(JournalLocked):
            ChangeJournal(self.path)
        journal.close()
        ChangeJournal(self.path).close()


class TestMergeSnapshot(unittest.TestCase):
    at = datetime(2026, 11, 23, 9, 0, 0, 250000)

    def test_what_is_known_is_never_replaced_with_less(self):
        at = self.at
        known = {"state": "answered", "caller_number": "+966501234567", "queue": "support", "start_time": at,
                 "answered_time": at + timedelta(seconds=2), "agent_interface": "Local/1001@agents/n"}
        restarted = {"state": "missed", "caller_number": None, "queue": None, "agent_interface": None,
                     "start_time": at + timedelta(seconds=33), "end_time": at + timedelta(seconds=40), "ended": True}
        merged = merge_snapshot(known, restarted)
        self.assertEqual((merged["state"], merged["caller_number"], merged["queue"], merged["agent_interface"]),
                         ("completed", "+966501234567", "support", "Local/1001@agents/n"))
        self.assertEqual((merged["start_time"], merged["answered_time"], merged["talk_seconds"]),
                         (at, at + timedelta(seconds=2), 38))
        self.assertEqual(merge_snapshot(merged, restarted), merged, "idempotent")

    def test_unanswered_ends_and_estimated_ends(self):
        at = self.at
        self.assertEqual(merge_snapshot({"state": "abandoned"}, {"state": "missed"})["state"], "abandoned")
        self.assertEqual(merge_snapshot({"state": "queued", "queue": "support"}, {"state": "missed"})["state"],
                         "abandoned")
        self.assertEqual(merge_snapshot({"state": "missed"}, {"state": "ringing"})["state"], "missed")
        estimated = {"state": "completed", "end_time": at, "end_estimated": True}
        real = merge_snapshot(estimated, {"state": "completed", "end_time": at + timedelta(seconds=5)})
        self.assertEqual((real["end_time"], real["end_estimated"]), (at + timedelta(seconds=5), False))
        self.assertEqual(merge_snapshot(real, estimated)["end_time"], at + timedelta(seconds=5))
        self.assertEqual(merge_snapshot({"end_time": at}, {"end_time": at + timedelta(seconds=1)})["end_time"], at)


class TestBridgeFaults(unittest.TestCase):
    def test_bridge_killed_or_stopped_while_the_database_is_down_loses_nothing(self):
        """A bridge process killed with SIGKILL, or stopped with SIGTERM, while
        the database refuses its writes: the next one writes every change."""
        for how in (signal.SIGKILL, signal.SIGTERM):
            with self.subTest(signal=how.name), AmiTestServer() as server, tempfile.TemporaryDirectory() as tmp:
                journal, database, down = (os.path.join(tmp, name) for name in ("bridge.journal", "db.jsonl", "down"))
                pathlib.Path(down).touch()
                process = subprocess.Popen(
                    [sys.executable, "-c", BRIDGE_PROCESS, str(ADDON), str(server.port), journal, database, down],
                    stderr=subprocess.PIPE, text=True,
                )
                try:
                    wait_for(lambda journal=journal: '"connected"' in read(journal))
                    server.play("inbound_queue_answered")
                    wait_for(lambda journal=journal: '"ended":true' in read(journal))
                finally:
                    process.send_signal(how)
                    _out, errors = process.communicate(timeout=10)
                self.assertFalse(read(database), "the database was down")
                if how == signal.SIGTERM:
                    self.assertEqual(process.returncode, 0)
                    self.assertIn("kept in the journal", errors)
                os.remove(down)
                with BridgeHarness(server, journal_path=journal) as harness:
                    harness.wait_for(lambda: any(call["ended"] for call in harness.sink.calls().values()))
                call = harness.sink.calls()["1795447327.0"]
                self.assertGreater(harness.bridge.journal.replayed, 10)
                self.assertEqual((call["state"], call["caller_number"], call["queue"], call["agent_name"]),
                                 ("completed", "+966501234567", "support", "Agent Sara"))
                self.assertLess(call["start_time"], call["answered_time"])
                self.assertEqual(os.path.getsize(journal), 0, "all written: the journal is empty")

    def test_screen_pop_process_dies_with_the_bridge(self):
        parent = subprocess.Popen([sys.executable, "-c", POP_PROCESS, str(ADDON / "bridge" / "pop_process.py")],
                                  stdout=subprocess.PIPE, text=True)
        child = int(parent.stdout.readline())
        try:
            self.assertTrue(alive(child))
            parent.kill()
            parent.wait(10)
            wait_for(lambda: not alive(child), timeout=5)
        finally:
            parent.stdout.close()
            if alive(child):
                os.kill(child, signal.SIGKILL)

    def test_pbx_refresher_survives_database_errors(self):
        with AmiTestServer() as first, AmiTestServer() as second:
            reads = []

            def load_pbxs():
                reads.append(1)
                if len(reads) in (1, 2, 4, 5):
                    raise ConnectionError("database unreachable")
                return [pbx_config(first if len(reads) == 3 else second)]

            with BridgeHarness(first, load_pbxs=load_pbxs, refresh_seconds=0.1) as harness:
                harness.wait_for(lambda: any(action.get("Action") == "Login" for action in second.actions))
        self.assertTrue(any(action.get("Action") == "Login" for action in first.actions))
        self.assertEqual(harness.bridge.refresh_failures, 4)

    def test_login_resynchronises_agents_and_takes_up_live_calls(self):
        """After a login: the agents' queue states (QueueStatus), the calls
        that began while the bridge was away (CoreShowChannels, QueueEntry)."""
        listed = [message for _at, direction, message in load_capture("live_channels_lists_during_call")
                  if direction == "in" and not isinstance(message, str) and message is not None]

        def rows(event):
            return [{k: v for k, v in m.fields if k not in ("Event", "ActionID")} for m in listed if m["Event"] == event]

        waiting = [
            {"Channel": "Local/support@incoming-00000011;1", "ChannelStateDesc": "Up", "CallerIDNum": "+966505556666",
             "CallerIDName": "Khalid", "Context": "customer", "Exten": "hold", "Uniqueid": "1795447410.40",
             "Linkedid": "1795447410.40", "Application": "Wait", "Duration": "00:00:09", "BridgeId": ""},
            {"Channel": "Local/support@incoming-00000011;2", "ChannelStateDesc": "Up", "CallerIDNum": "+966505556666",
             "CallerIDName": "Khalid", "Context": "incoming", "Exten": "support", "Uniqueid": "1795447410.41",
             "Linkedid": "1795447410.40", "Application": "Queue", "ApplicationData": "support,t,,,60",
             "Duration": "00:00:09", "BridgeId": ""},
        ]
        entries = [{"Queue": "support", "Position": "1", "Channel": "Local/support@incoming-00000011;2",
                    "Uniqueid": "1795447410.41", "CallerIDNum": "+966505556666", "CallerIDName": "Khalid", "Wait": "7"}]
        server = AmiTestServer(live_channels=rows("CoreShowChannel") + waiting, queue_members=rows("QueueMember"),
                               queue_entries=entries)
        with server, BridgeHarness(server) as harness:
            harness.wait_for(lambda: any(kind == "live_calls" for _pbx, (kind, _p) in harness.sink.changes))
        members = {p["interface"]: (p["member_name"], p["status"])
                   for _pbx, (kind, p) in harness.sink.changes if kind == "member_status"}
        self.assertEqual(members, {"Local/1001@agents/n": ("Agent Sara", "in_call"),
                                   "Local/1002@agents/n": ("Agent Omar", "available")})
        calls = harness.sink.calls()
        answered = calls["1795447403.30"]
        self.assertEqual((answered["state"], answered["queue"], answered["caller_number"], answered["agent_interface"]),
                         ("answered", "support", "+966504445555", "Local/1001@agents"))
        queued = calls["1795447410.40"]
        self.assertEqual((queued["state"], queued["queue"], queued["caller_number"]), ("queued", "support", "+966505556666"))
        live = next(p for _pbx, (kind, p) in harness.sink.changes if kind == "live_calls")
        self.assertEqual(live["linkedids"], ["1795447403.30", "1795447410.40"])
        self.assertLess(queued["start_time"], queued["queued_time"])
        self.assertLessEqual(abs((live["at"] - timedelta(seconds=7) - queued["queued_time"]).total_seconds()), 1)


def cdr_row(uniqueid, linkedid, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, start, answer, end,
            disposition, clid="", sequence=0):
    """A line of Master.csv as cdr_csv writes it (docker/asterisk/cdr.conf):
    strings quoted, numbers bare, times in UTC."""

    def text(value):
        return '"' + str(value or "").replace('"', '""') + '"'

    def stamp(value):
        return text(value.strftime("%Y-%m-%d %H:%M:%S") if value else "")

    duration = int((end - start).total_seconds())
    billsec = int((end - answer).total_seconds()) if answer else 0
    columns = [text(""), text(src), text(dst), text(dcontext), text(clid), text(channel), text(dstchannel),
               text(lastapp), text(lastdata), stamp(start), stamp(answer), stamp(end), str(duration), str(billsec),
               text(disposition), text("DOCUMENTATION"), text(uniqueid), text(""), text(""), text(linkedid),
               str(sequence)]
    return ",".join(columns) + "\n"


def queue_call(at, linkedid, offset, agent="1001"):
    """The rows Asterisk 22 wrote for the queue call of inbound_queue_answered
    (``at(seconds)``: the times; the call lasts from ``offset`` + 7 to + 13)."""
    base, fatima = linkedid.split(".")[0], '"Fatima Alharbi" <+966501234567>'
    number = int(linkedid.split(".")[1])
    return [
        cdr_row(f"{base}.{number + 3}", linkedid, "+966501234567", agent, "agents",
                f"Local/{agent}@agents-00000001;2", "", "Hangup", "", at(offset + 7), at(offset + 8),
                at(offset + 13), "ANSWERED", fatima),
        cdr_row(linkedid, linkedid, "+966501234567", "hold", "customer", "Local/support@incoming-00000000;1", "",
                "Wait", "20", at(offset + 7), at(offset + 7), at(offset + 13), "ANSWERED", fatima),
        cdr_row(f"{base}.{number + 1}", linkedid, "+966501234567", "support", "incoming",
                "Local/support@incoming-00000000;2", f"Local/{agent}@agents-00000001;1", "Queue",
                "support,t,,,60", at(offset + 7), at(offset + 7), at(offset + 13), "ANSWERED", fatima),
    ]


class TestBridgeRecovery(CxTelephonyCommon):
    """What a bridge restarted in the middle of calls, or after calls it never
    saw, records: never less than what was known, each call once."""

    FIELDS = ["state", "direction", "caller_number", "caller_name", "called_number", "queue", "partner_id", "user_id",
              "team_id", "agent_interface", "start_time", "queued_time", "answered_time", "end_time", "wait_seconds",
              "talk_seconds", "ring_seconds", "hold_seconds", "hangup_cause", "customer_e164", "missed_agent_ids"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.restarted_pbx = cls.env["cx.pbx"].create({
            "name": "Restarted bridge", "host": "127.0.0.1", "port": 2, "internal_number_max_digits": 4,
            "queue_ids": [(0, 0, {"name": queue.name, "team_id": queue.team_id.id}) for queue in cls.pbx.queue_ids],
        })

    def _record(self, pbx, *runs):
        """Each run is the events one bridge process saw."""
        for events in runs:
            tracker = CallTracker(internal_max_digits=4)
            snapshots = [payload for at, message in events for kind, payload in tracker.handle(message, at)
                         if kind == "call"]
            self.env["cx.call"]._cx_apply_snapshots(pbx, snapshots)
        calls = self.env["cx.call"].search([("pbx_id", "=", pbx.id)])
        return {
            call.linkedid: dict(call.read(self.FIELDS)[0], queue_name=call.queue_id.name,
                                transfers=[(t.kind, t.to_party, t.at) for t in call.transfer_ids],
                                callbacks=len(call.activity_ids), id=None)
            for call in calls
        }

    def test_a_restarted_bridge_never_records_less(self):
        """The bridge killed at any point of a call and started again: the
        call recorded is the one recorded without the fault (times to the
        microsecond, agent, queue, transfers, one callback at most)."""
        self.maxDiff = None
        for capture in ("inbound_queue_answered", "inbound_ring_no_answer_then_answered", "inbound_blind_transfer",
                        "inbound_two_calls_interleaved", "inbound_queue_abandoned"):
            events = server_events(capture)
            self.env["cx.call"].search([("pbx_id", "in", (self.pbx | self.restarted_pbx).ids)]).unlink()
            expected = self._record(self.pbx, events)
            for cut in sorted({len(events) // 4, len(events) // 2, 2 * len(events) // 3, len(events) - 3}):
                with self.subTest(capture=capture, cut=cut):
                    self.env["cx.call"].search([("pbx_id", "=", self.restarted_pbx.id)]).unlink()
                    recorded = self._record(self.restarted_pbx, events[:cut], events[cut:])
                    self.assertEqual(recorded, expected)

    def test_an_answered_call_is_never_missed_nor_called_back(self):
        events = server_events("inbound_queue_answered")
        connect = next(i for i, (_at, message) in enumerate(events) if message["Event"] == "AgentConnect")
        hangups = [(at, message) for at, message in events[connect + 1:] if message["Event"] == "Hangup"]
        recorded = self._record(self.restarted_pbx, events[: connect + 1], hangups)["1795447327.0"]
        self.assertEqual((recorded["state"], recorded["caller_number"], recorded["queue"], recorded["callbacks"]),
                         ("completed", "+966501234567", "support", 0))
        self.assertEqual(recorded["user_id"][0], self.agent_1.id)
        self.assertEqual(recorded["start_time"], events[1][0], "the start the first bridge saw")
        self.assertAlmostEqual(recorded["talk_seconds"], (recorded["end_time"] - recorded["answered_time"]).total_seconds())

    def test_calls_made_while_the_bridge_was_stopped_come_from_the_cdr_file(self):
        """Master.csv read at each reconnection: the calls the bridge never saw
        recorded once each, the ones it left open closed at their real end."""
        events = server_events("inbound_queue_answered")
        day = events[0][0].replace(microsecond=0) - timedelta(seconds=7)  # the capture's CDRs, 15:22:07 to 15:22:13, at its time
        at = lambda seconds: day + timedelta(seconds=seconds)  # noqa: E731
        path = os.path.join(tempfile.mkdtemp(), "Master.csv")

        rows = [
            # the call the stream followed, queued, until a disconnection: answered meanwhile
            *queue_call(at, "1795447327.0", 0),
            # a call made while the bridge was stopped
            *queue_call(at, "1795447700.0", 300),
            # abandoned in the queue
            cdr_row("1795447341.5", "1795447341.4", "0912345678", "empty", "incoming", "Local/empty@incoming-00000002;2",
                    "", "Queue", "empty,,,,60", at(21), at(21), at(25), "ANSWERED"),
            # a leg of a call still live when the bridge comes back: the stream follows it
            cdr_row("1795447500.2", "1795447500.0", "+966501234567", "1002", "agents", "Local/1002@agents-00000009;2",
                    "", "Hangup", "", at(60), at(61), at(65), "ANSWERED"),
            # the call the bridge saw queued before it stopped: abandoned meanwhile
            cdr_row("1795447400.1", "1795447400.0", "+966501234567", "support", "incoming",
                    "Local/support@incoming-00000007;2", "", "Queue", "support,t,,,60", at(110), at(110), at(140),
                    "ANSWERED"),
        ]
        torn = cdr_row("1795447600.1", "1795447600.0", "+966501234567", "support", "incoming",
                       "Local/support@incoming-00000008;2", "", "Queue", "support,t,,,60", at(200), at(200), at(230),
                       "ANSWERED")
        with open(path, "w", encoding="utf-8") as master:
            master.writelines(rows)
            master.write(torn[:40])  # being written
        self.pbx.cdr_csv_path = path
        # the stream: a call queued, the connection lost (ended at the reconnection, abandoned for now), a call queued
        back = at(3600)
        tracker = CallTracker(internal_max_digits=4)
        ringing = next(i for i, (_at, message) in enumerate(events) if message["Event"] == "AgentCalled")
        snapshots = [p for when, m in events[: ringing + 1] for kind, p in tracker.handle(m, when) if kind == "call"]
        snapshots += [p for kind, p in tracker.reconcile([], back) if kind == "call"]
        queued_at = at(110) + timedelta(microseconds=123000)
        snapshots.append({"linkedid": "1795447400.0", "state": "queued", "queue": "support",
                          "caller_number": "+966501234567", "start_time": queued_at, "queued_time": queued_at})
        self.env["cx.call"]._cx_apply_snapshots(self.pbx, snapshots)
        followed = self.env["cx.call"].search([("pbx_id", "=", self.pbx.id), ("linkedid", "=", "1795447327.0")])
        self.assertEqual((followed.state, followed.end_time, followed.end_time_estimated, followed.activity_ids),
                         ("abandoned", back, True, self.env["mail.activity"]), "no callback before the CDRs are read")

        self.pbx._cx_bridge_apply([("live_calls", {"linkedids": ["1795447500.0"], "ended": ["1795447327.0"],
                                                   "at": back})])
        calls = {call.linkedid: call for call in self.env["cx.call"].search([("pbx_id", "=", self.pbx.id)])}
        self.assertEqual(set(calls), {"1795447327.0", "1795447700.0", "1795447341.4", "1795447400.0"})
        self.assertEqual((followed.state, followed.end_time, followed.end_time_estimated, followed.start_time),
                         ("completed", at(13), False, events[1][0]), "the CDR's end; the stream's precise start")
        self.assertEqual((followed.answered_time, followed.user_id, followed.talk_seconds), (at(8), self.agent_1, 5))
        imported = calls["1795447700.0"]
        self.assertEqual((imported.state, imported.user_id, imported.team_id, imported.partner_id, imported.queue),
                         ("completed", self.agent_1, self.team_l1, self.saudi, "support"))
        self.assertEqual((imported.start_time, imported.answered_time, imported.end_time, imported.talk_seconds),
                         (at(307), at(308), at(313), 5))
        self.assertFalse((imported | followed).activity_ids, "answered: no callback")
        self.assertIn("CDR", imported.message_ids[:1].body)
        abandoned = calls["1795447341.4"]
        self.assertEqual((abandoned.state, abandoned.queue, abandoned.caller_number, len(abandoned.activity_ids)),
                         ("abandoned", "empty", "0912345678", 1))
        left_open = calls["1795447400.0"]
        self.assertEqual((left_open.state, left_open.start_time, left_open.end_time, len(left_open.activity_ids)),
                         ("abandoned", queued_at, at(140), 1), "closed at the CDR's end, not at the reconnection")
        # the row being written is read at the next reconnection; each call once, even read again from the start
        with open(path, "a", encoding="utf-8") as master:
            master.write(torn[40:])
        self.pbx._cx_bridge_apply([("live_calls", {"linkedids": [], "at": back})])
        self.pbx.sudo().cdr_csv_position = 0
        self.pbx._cx_bridge_apply([("live_calls", {"linkedids": [], "at": back})])
        calls = self.env["cx.call"].search([("pbx_id", "=", self.pbx.id)])
        self.assertEqual(sorted(calls.mapped("linkedid")), ["1795447327.0", "1795447341.4", "1795447400.0",
                                                            "1795447500.0", "1795447600.0", "1795447700.0"])
        self.assertEqual(len(calls.activity_ids), 3, "one callback per unanswered call")

    def test_a_call_ended_during_a_disconnection_without_cdr_is_called_back_once(self):
        events = server_events("inbound_queue_abandoned")
        tracker = CallTracker(internal_max_digits=4)
        joined = next(i for i, (_at, message) in enumerate(events) if message["Event"] == "QueueCallerJoin")
        snapshots = [p for when, m in events[: joined + 1] for kind, p in tracker.handle(m, when) if kind == "call"]
        back = events[-1][0] + timedelta(minutes=5)
        snapshots += [p for kind, p in tracker.reconcile([], back) if kind == "call"]
        self.pbx._cx_bridge_apply([("call", snapshot) for snapshot in snapshots]
                                  + [("live_calls", {"linkedids": [], "ended": ["1795447341.4"], "at": back})])
        call = self.env["cx.call"].search([("pbx_id", "=", self.pbx.id), ("linkedid", "=", "1795447341.4")])
        self.assertEqual((call.state, call.end_time, call.end_time_estimated, len(call.activity_ids)),
                         ("abandoned", back, True, 1))

    def test_calls_made_while_the_bridge_was_stopped(self):
        """The bridge stopped in the middle of a call; calls happen (one still
        queued when it starts again); started again: each recorded once, with
        what Asterisk lists and what its CDR file tells."""
        path = os.path.join(tempfile.mkdtemp(), "Master.csv")
        self.pbx.cdr_csv_path = path
        events = [message.fields for _at, message in server_events("inbound_queue_answered")]
        connect = next(i for i, fields in enumerate(events) if dict(fields).get("Event") == "AgentConnect")
        with AmiTestServer() as server:
            with BridgeHarness(server) as first:
                first.wait_for(lambda: "connected" in first.sink.statuses())
                server.send_events(events[: connect + 1])
                first.wait_for(lambda: first.sink.calls().get("1795447327.0", {}).get("state") == "answered")
            self.pbx._cx_bridge_apply([change for _pbx, change in first.sink.changes])
            # meanwhile: that call ends, another one is abandoned, a third waits in the queue
            stopped = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
            at = lambda seconds: stopped + timedelta(seconds=seconds - 7)  # noqa: E731
            with open(path, "w", encoding="utf-8") as master:
                master.writelines(queue_call(at, "1795447327.0", 0)[:2])  # its Queue row: ended with the call
                master.write(queue_call(at, "1795447327.0", 0)[2])
                master.write(cdr_row("1795447341.5", "1795447341.4", "0912345678", "empty", "incoming",
                                     "Local/empty@incoming-00000002;2", "", "Queue", "empty,,,,60", at(10), at(10),
                                     at(14), "ANSWERED"))
            server.live_channels = [
                {"Channel": "Local/sales@incoming-00000011;1", "ChannelStateDesc": "Up", "CallerIDNum": "0912345678",
                 "Context": "customer", "Exten": "hold", "Uniqueid": "1795447410.40", "Linkedid": "1795447410.40",
                 "Application": "Wait", "Duration": "00:00:09", "BridgeId": ""},
                {"Channel": "Local/sales@incoming-00000011;2", "ChannelStateDesc": "Up", "CallerIDNum": "0912345678",
                 "Context": "incoming", "Exten": "sales", "Uniqueid": "1795447410.41", "Linkedid": "1795447410.40",
                 "Application": "Queue", "ApplicationData": "sales,t,,,60", "Duration": "00:00:09", "BridgeId": ""},
            ]
            server.queue_entries = [{"Queue": "sales", "Position": "1", "Uniqueid": "1795447410.41",
                                     "CallerIDNum": "0912345678", "Wait": "8"}]
            with BridgeHarness(server) as second:
                second.wait_for(lambda: any(kind == "live_calls" for _pbx, (kind, _p) in second.sink.changes))
        self.pbx._cx_bridge_apply([change for _pbx, change in second.sink.changes])
        calls = {call.linkedid: call for call in self.env["cx.call"].search([("pbx_id", "=", self.pbx.id)])}
        self.assertEqual(set(calls), {"1795447327.0", "1795447341.4", "1795447410.40"})
        first_call = calls["1795447327.0"]
        self.assertEqual((first_call.state, first_call.user_id, first_call.end_time, first_call.end_time_estimated),
                         ("completed", self.agent_1, at(13), False))
        self.assertFalse(first_call.activity_ids)
        abandoned = calls["1795447341.4"]
        self.assertEqual((abandoned.state, abandoned.queue, len(abandoned.activity_ids)), ("abandoned", "empty", 1))
        waiting = calls["1795447410.40"]
        self.assertEqual((waiting.state, waiting.queue, waiting.caller_number, waiting.team_id),
                         ("queued", "sales", "0912345678", self.team_l2))
        self.assertLess(waiting.start_time, waiting.queued_time)
        self.assertFalse(waiting.end_time)

