"""The AMI bridge against the AMI test server, without a database: calls
arrive, reconnection after a cut, a refused login, a database away."""

import asyncio
import threading
import time
import unittest

from odoo.addons.cx_telephony.tools.ami_bridge import AmiBridge, SpillBuffer
from odoo.addons.cx_telephony.tools.pop_process import PopWriterProcess

from .ami_server import AmiTestServer
from .common import CxTelephonyCommon


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


class BridgeHarness:
    """Runs a bridge in a thread of its own for the duration of a test."""

    def __init__(self, server, secret="amisecret", **options):
        self.sink = Sink()
        self.pops = []
        config = {"id": 1, "host": "127.0.0.1", "port": server.port, "username": "odoo", "secret": secret,
                  "internal_number_max_digits": 4}
        options.setdefault("max_backoff", 1)
        self.bridge = AmiBridge(lambda: [config], self.sink, flush_interval=0.05, **options)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.bridge.run()), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.bridge.stop()
        self.thread.join(10)

    def wait_for(self, condition, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.02)
        raise AssertionError("condition not met in time")


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
            harness.wait_for(lambda: harness.bridge.sink_failures > 0 and len(harness.bridge.buffer) > 0)
            harness.sink.refuse = False
            harness.wait_for(lambda: len(harness.bridge.buffer) == 0 and len(harness.sink.calls()) == 2)
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


class TestSpillBuffer(unittest.TestCase):
    def test_spills_to_disk_and_reads_back_in_order(self):
        import os
        import tempfile
        path = os.path.join(tempfile.mkdtemp(), "spill.jsonl")
        buffer = SpillBuffer(max_items=3, spill_path=path)
        for index in range(10):
            buffer.push(1, ("call", {"n": index}))
        self.assertEqual(len(buffer), 10)
        self.assertTrue(os.path.exists(path))
        seen = []
        while len(buffer):
            items = buffer.take(2)
            seen += [change[1]["n"] for _pbx, change in items]
            buffer.commit(len(items))
        self.assertEqual(seen, list(range(10)))
        self.assertFalse(os.path.exists(path))


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
