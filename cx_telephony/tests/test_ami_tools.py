"""The AMI framing and the call folding, without a database, checked against
real Asterisk 22 captures."""

import unittest
from datetime import timedelta

from odoo.addons.cx_telephony.tools.ami import AmiMessage, AmiParser, format_action
from odoo.addons.cx_telephony.tools.call_tracker import CallTracker

from .ami_fixtures import capture_path, server_events


def fold(name, tracker=None):
    """Replay a capture; return (final call snapshots by linkedid, all changes)."""
    tracker = tracker or CallTracker(internal_max_digits=4)
    calls, changes = {}, []
    for at, message in server_events(name):
        for kind, payload in tracker.handle(message, at):
            changes.append((kind, payload))
            if kind == "call":
                calls[payload["linkedid"]] = payload
    return calls, changes, tracker


class TestAmiParser(unittest.TestCase):
    def test_real_stream_in_any_chunking(self):
        raw = capture_path("inbound_queue_answered", ".ami").read_bytes()
        whole = AmiParser()
        messages = whole.feed(raw)
        self.assertEqual(whole.version, "11.0.0")
        self.assertEqual(messages[0]["Message"], "Authentication accepted")
        for size in (1, 7, 100, 4096):
            parser = AmiParser()
            chunked = []
            for start in range(0, len(raw), size):
                chunked += parser.feed(raw[start : start + size])
            self.assertEqual([m.fields for m in chunked], [m.fields for m in messages], size)
        events = [m for m in messages if m.kind == "event"]
        self.assertIn("AgentConnect", [m.name for m in events])

    def test_repeated_keys_and_malformed_lines(self):
        parser = AmiParser()
        messages = parser.feed(
            b"Asterisk Call Manager/9.0.0\r\nEvent: VarSet\r\nVariable: A\r\nthis line is broken\r\nVariable: B\r\n\r\n"
        )
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages[0].get_all("Variable"), ["A", "B"])
        self.assertEqual(parser.malformed_lines, 1)

    def test_oversized_message_is_dropped(self):
        parser = AmiParser(max_message_bytes=100)
        messages = parser.feed(b"Event: Huge\r\nData: " + b"x" * 200 + b"\r\n\r\nEvent: Small\r\n\r\n")
        self.assertEqual([m.name for m in messages], ["Small"])

    def test_format_action(self):
        data = format_action("Originate", action_id="a1", Channel="PJSIP/1001", Exten="0501112222", variables={"CX": "1"})
        self.assertEqual(
            data,
            b"Action: Originate\r\nActionID: a1\r\nChannel: PJSIP/1001\r\nExten: 0501112222\r\nVariable: CX=1\r\n\r\n",
        )
        with self.assertRaises(ValueError):
            format_action("Originate", Exten="1\r\nAction: Logoff")


class TestCallTracker(unittest.TestCase):
    def test_inbound_queue_answered(self):
        calls, changes, tracker = fold("inbound_queue_answered")
        self.assertEqual(len(calls), 1)
        call = next(iter(calls.values()))
        self.assertEqual(call["direction"], "inbound")
        self.assertEqual(call["state"], "completed")
        self.assertEqual(call["caller_number"], "+966501234567")
        self.assertEqual(call["queue"], "support")
        self.assertEqual(call["agent_name"], "Agent Sara")
        self.assertEqual(call["agent_interface"], "Local/1001@agents/n")
        self.assertEqual((call["wait_seconds"], call["ring_seconds"], call["talk_seconds"]), (1, 1, 5))
        self.assertTrue(call["recording"].endswith("/1795447327.1.wav"), call["recording"])
        self.assertTrue(call["ended"])
        self.assertLess(call["queued_time"], call["answered_time"])
        self.assertLess(call["answered_time"], call["end_time"])
        kinds = [kind for kind, _payload in changes if kind.startswith("agent_")]
        self.assertEqual(kinds, ["agent_ringing", "agent_answered"])
        ringing = next(payload for kind, payload in changes if kind == "agent_ringing")
        self.assertEqual(ringing["interface"], "Local/1001@agents/n")
        self.assertEqual(ringing["caller_number"], "+966501234567")
        self.assertFalse(tracker.calls, "nothing left open")

    def test_abandoned_in_queue(self):
        calls, _changes, _tracker = fold("inbound_queue_abandoned")
        call = next(iter(calls.values()))
        self.assertEqual(call["state"], "abandoned")
        self.assertEqual(call["caller_number"], "0912345678")
        self.assertEqual(call["queue"], "empty")
        self.assertEqual(call["wait_seconds"], 3)
        self.assertIsNone(call["answered_time"])

    def test_ring_no_answer_then_another_agent(self):
        calls, changes, _tracker = fold("inbound_ring_no_answer_then_answered")
        call = next(iter(calls.values()))
        self.assertEqual(call["state"], "completed")
        self.assertEqual(call["missed_agents"], ["Local/2001@agents/n"])
        self.assertEqual(call["agent_name"], "Agent Huda")
        self.assertEqual(call["wait_seconds"], 6)
        rang = [payload["member_name"] for kind, payload in changes if kind == "agent_ringing"]
        self.assertEqual(rang, ["Agent NoAnswer", "Agent Huda"])
        self.assertEqual([p["member_name"] for k, p in changes if k == "agent_ring_no_answer"], ["Agent NoAnswer"])

    def test_two_calls_interleaved(self):
        calls, _changes, _tracker = fold("inbound_two_calls_interleaved")
        self.assertEqual(len(calls), 2)
        callers = sorted(call["caller_number"] for call in calls.values())
        self.assertTrue(callers[0].startswith("+2499") and callers[1].startswith("+9665"), callers)
        self.assertTrue(all(call["ended"] for call in calls.values()))
        legs = [set(call["legs"]) for call in calls.values()]
        self.assertFalse(legs[0] & legs[1], "each leg belongs to one call")

    def test_blind_transfer(self):
        calls, _changes, _tracker = fold("inbound_blind_transfer")
        call = next(iter(calls.values()))
        self.assertEqual(call["agent_name"], "Agent Omar")
        self.assertEqual([(t["kind"], t["to"], t["result"]) for t in call["transfers"]], [("blind", "3001", "Success")])

    def test_outbound_click_to_dial_answered(self):
        calls, changes, _tracker = fold("outbound_click_to_dial_answered")
        call = next(iter(calls.values()))
        self.assertEqual(call["direction"], "outbound")
        self.assertEqual(call["caller_number"], "1001")
        self.assertEqual(call["called_number"], "0501112222")
        self.assertEqual(call["state"], "completed")
        originate = [payload for kind, payload in changes if kind == "originate"]
        self.assertTrue(originate[0]["success"])

    def test_outbound_busy(self):
        calls, _changes, _tracker = fold("outbound_click_to_dial_busy")
        call = next(iter(calls.values()))
        self.assertEqual(call["called_number"], "0112345678")
        self.assertEqual(call["state"], "busy")

    def test_originate_failed(self):
        _calls, changes, _tracker = fold("outbound_originate_failed")
        originate = [payload for kind, payload in changes if kind == "originate"]
        self.assertEqual(len(originate), 1)
        self.assertFalse(originate[0]["success"])
        self.assertEqual(originate[0]["action_id"], "c-2")

    def test_queue_member_states(self):
        _calls, changes, _tracker = fold("queue_member_admin_and_lists")
        members = [payload for kind, payload in changes if kind == "member_status"]
        self.assertTrue(any(m["paused"] and m["paused_reason"] for m in members), members)
        self.assertIn("QueueMemberRemoved", [m["event"] for m in members])

    def test_replay_is_idempotent(self):
        """The same events twice (a bridge replaying after a restart) give the
        same final calls."""
        first, _changes, _tracker = fold("inbound_queue_answered")
        second, _changes, _tracker = fold("inbound_queue_answered")
        self.assertEqual(first, second)

    def test_disconnect_mid_call_then_reconcile(self):
        events = server_events("inbound_queue_answered")
        tracker = CallTracker(internal_max_digits=4)
        cut = next(i for i, (_at, m) in enumerate(events) if m.name == "BridgeEnter")
        for at, message in events[:cut]:
            tracker.handle(message, at)
        self.assertEqual(len(tracker.calls), 1)
        # back online: CoreShowChannels lists no channel of that call any more
        changes = tracker.reconcile([], events[-1][0] + timedelta(seconds=30))
        (kind, call), = changes
        self.assertEqual(kind, "call")
        self.assertTrue(call["ended"])
        self.assertEqual(call["state"], "completed", "it had been answered")

    def test_hold_time(self):
        tracker = CallTracker(internal_max_digits=4)
        events = server_events("inbound_queue_answered")
        start = events[0][0]
        for at, message in events[:-3]:
            tracker.handle(message, at)
        ((linkedid, call),) = tracker.calls.items()
        leg = sorted(call.legs)[0]
        parser = AmiParser()
        (hold,) = parser.feed(f"Event: Hold\r\nUniqueid: {leg}\r\nLinkedid: {linkedid}\r\n\r\n".encode())
        (unhold,) = parser.feed(f"Event: Unhold\r\nUniqueid: {leg}\r\nLinkedid: {linkedid}\r\n\r\n".encode())
        tracker.handle(hold, start + timedelta(seconds=2))
        changes = tracker.handle(unhold, start + timedelta(seconds=5))
        self.assertEqual(changes[-1][1]["hold_seconds"], 3)

    def test_unknown_and_malformed_events_are_ignored(self):
        tracker = CallTracker()
        parser = AmiParser()
        (message,) = parser.feed(b"Event: SomethingNew\r\nFoo: bar\r\n\r\n")
        self.assertEqual(tracker.handle(message, None), [])
        (message,) = parser.feed(b"Event: Hangup\r\nCause: x\r\n\r\n")
        self.assertEqual(tracker.handle(message, None), [])


def attended_transfer_events():
    """The blind-transfer capture turned into an attended transfer (no real
    capture of one exists in the shared fixtures): the agent first calls 3001
    from their phone (a consultation call, a Linkedid of its own), then
    completes the transfer; Asterisk 22's AttendedTransfer names the original
    call's channel (OrigTransferer*), the consultation's (SecondTransferer*)
    and the target (TransferTarget*)."""
    consult = "1795447390.40"
    events = []
    for at, message in server_events("inbound_blind_transfer"):
        if message.name != "BlindTransfer":
            events.append((at, message))
            continue
        events += [
            (at, AmiMessage([("Event", "Newchannel"), ("Channel", "PJSIP/1002-00000020"), ("CallerIDNum", "1002"),
                             ("CallerIDName", "Agent Omar"), ("Exten", "3001"), ("Context", "agents"),
                             ("Uniqueid", consult), ("Linkedid", consult)])),
            (at, AmiMessage([("Event", "Newchannel"), ("Channel", "PJSIP/3001-00000021"), ("CallerIDNum", "3001"),
                             ("Exten", "s"), ("Context", "agents"), ("Uniqueid", "1795447390.41"), ("Linkedid", consult)])),
            (at, AmiMessage([("Event", "DialBegin"), ("Channel", "PJSIP/1002-00000020"), ("CallerIDNum", "1002"),
                             ("Uniqueid", consult), ("Linkedid", consult), ("DestChannel", "PJSIP/3001-00000021"),
                             ("DestCallerIDNum", "3001"), ("DestUniqueid", "1795447390.41"), ("DestLinkedid", consult),
                             ("DialString", "3001")])),
            (at, AmiMessage([("Event", "DialEnd"), ("Channel", "PJSIP/1002-00000020"), ("Uniqueid", consult),
                             ("Linkedid", consult), ("DestChannel", "PJSIP/3001-00000021"), ("DestUniqueid", "1795447390.41"),
                             ("DestLinkedid", consult), ("DialStatus", "ANSWER")])),
            (at, AmiMessage([
                ("Event", "AttendedTransfer"), ("Result", "Success"),
                ("OrigTransfererChannel", message["TransfererChannel"]), ("OrigTransfererCallerIDNum", "1002"),
                ("OrigTransfererUniqueid", message["TransfererUniqueid"]), ("OrigTransfererLinkedid", message["TransfererLinkedid"]),
                ("OrigBridgeUniqueid", message["BridgeUniqueid"]),
                ("SecondTransfererChannel", "PJSIP/1002-00000020"), ("SecondTransfererCallerIDNum", "1002"),
                ("SecondTransfererConnectedLineNum", "3001"), ("SecondTransfererUniqueid", consult),
                ("SecondTransfererLinkedid", consult),
                ("TransferTargetChannel", "PJSIP/3001-00000021"), ("TransferTargetCallerIDNum", "3001"),
                ("TransferTargetUniqueid", "1795447390.41"), ("TransferTargetLinkedid", consult),
                ("TransfereeChannel", message["TransfereeChannel"]), ("TransfereeUniqueid", message["TransfereeUniqueid"]),
                ("TransfereeLinkedid", message["TransfereeLinkedid"]),
                ("DestType", "Bridge"), ("DestBridgeUniqueid", "0f1c2d3e-attended"),
            ])),
            (at, AmiMessage([("Event", "Hangup"), ("Channel", "PJSIP/1002-00000020"), ("Uniqueid", consult),
                             ("Linkedid", consult), ("Cause", "16"), ("Cause-txt", "Normal Clearing")])),
            (at, AmiMessage([("Event", "Hangup"), ("Channel", "PJSIP/3001-00000021"), ("Uniqueid", "1795447390.41"),
                             ("Linkedid", consult), ("Cause", "16"), ("Cause-txt", "Normal Clearing")])),
        ]
    return events


class TestAttendedTransfer(unittest.TestCase):
    def test_attended_transfer(self):
        tracker = CallTracker(internal_max_digits=4)
        calls = {}
        for at, message in attended_transfer_events():
            for kind, payload in tracker.handle(message, at):
                if kind == "call":
                    calls[payload["linkedid"]] = payload
        customer = calls["1795447386.26"]
        self.assertEqual([(t["kind"], t["from"], t["to"], t["result"]) for t in customer["transfers"]],
                         [("attended", "1002", "3001", "Success")])
        self.assertEqual(customer["caller_number"], "+966502223333")
        consultation = calls["1795447390.40"]
        self.assertEqual((consultation["direction"], consultation["called_number"]), ("internal", "3001"),
                         "the consultation is the agents' own call, not the customer's")
        self.assertTrue(customer["ended"] and consultation["ended"])
