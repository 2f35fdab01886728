"""Fold the AMI event stream into calls, without the ORM.

Asterisk reports channels, not calls: a customer's call is the set of
channels sharing a ``Linkedid`` (the Uniqueid of its first channel), each leg
a ``Uniqueid``. :class:`CallTracker` consumes events in arrival order, from any
number of interleaved calls, and returns what changed:

- ``("call", snapshot)``: the new state of a call (a plain dict, see
  :meth:`CallState.snapshot`), to be written idempotently (keyed by Linkedid);
- ``("agent_ringing" | "agent_answered" | "agent_ring_no_answer", info)``:
  the moments the agent's screen must follow (screen-pop);
- ``("member_status", info)``: a queue member's state or pause changed;
- ``("originate", info)``: the outcome of an Originate (click-to-dial).

Events it does not know are ignored; events about channels it never saw
start a call from what they carry (the bridge may connect in the middle of
a call). Time comes from the caller (``at``): the bridge passes the arrival
time, tests pass the capture's.
"""

import re
from datetime import timedelta

UNKNOWN = {"", "<unknown>", "unknown", None}
PHONE_RE = re.compile(r"^\+?\d{3,}$")

# Q.850 hangup causes worth telling apart
CAUSE_BUSY = {17}
CAUSE_NO_ANSWER = {18, 19, 21}
CAUSE_FAILED = {1, 3, 27, 28, 34, 38, 41, 42}

DIAL_STATES = {
    "BUSY": "busy",
    "NOANSWER": "missed",
    "CHANUNAVAIL": "failed",
    "CONGESTION": "failed",
}

APPLICATION_STATES = {"Busy": "busy", "Congestion": "failed"}

QUEUE_MEMBER_STATUS = {
    "0": "unknown",
    "1": "available",
    "2": "in_call",
    "3": "busy",
    "4": "invalid",
    "5": "unavailable",
    "6": "ringing",
    "7": "in_call",
    "8": "on_hold",
}


def _value(value):
    return None if value in UNKNOWN else value


def channel_interface(channel):
    """The device of a channel name: ``PJSIP/1001-0000002a`` is
    ``PJSIP/1001``, ``Local/1001@agents-00000010;1`` is ``Local/1001@agents``."""
    return re.sub(r"-[0-9a-fA-F]+(;\d)?$", "", channel or "") or None


def _hms(value):
    """Seconds of an ``HH:MM:SS`` duration (CoreShowChannel's Duration)."""
    try:
        hours, minutes, seconds = (int(part) for part in (value or "").split(":"))
    except ValueError:
        return None
    return hours * 3600 + minutes * 60 + seconds


def _seconds(value, milliseconds=False):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number / 1000 if milliseconds else number


class CallState:
    """What is known of one call (all legs sharing a Linkedid)."""

    def __init__(self, linkedid, at):
        self.linkedid = linkedid
        self.first_uniqueid = linkedid
        self.legs = set()
        self.live_legs = set()
        self.direction = None
        self.state = "ringing"
        self.caller_number = None
        self.caller_name = None
        self.called_number = None
        self.queue = None
        self.agent_interface = None
        self.agent_name = None
        self.ringing_interface = None
        self.missed_agents = []
        self.start_time = at
        self.queued_time = None
        self.answered_time = None
        self.end_time = None
        self.ring_seconds = None
        self.wait_seconds = None
        self.talk_seconds = None
        self.hold_seconds = 0.0
        self.on_hold = {}  # uniqueid -> since when
        self.hangup_cause = None
        self.hangup_cause_text = None
        self.recording = None
        self.transfers = []
        self.ended = False
        self.end_estimated = False  # ended while the bridge was away: the end is when it came back

    @property
    def in_queue(self):
        return self.queued_time is not None or self.queue is not None

    def snapshot(self):
        return {
            "linkedid": self.linkedid,
            "direction": self.direction,  # None: not known yet
            "state": self.state,
            "caller_number": self.caller_number,
            "caller_name": self.caller_name,
            "called_number": self.called_number,
            "queue": self.queue,
            "agent_interface": self.agent_interface,
            "agent_name": self.agent_name,
            "missed_agents": list(self.missed_agents),
            "start_time": self.start_time,
            "queued_time": self.queued_time,
            "answered_time": self.answered_time,
            "end_time": self.end_time,
            "ring_seconds": self.ring_seconds,
            "wait_seconds": self.wait_seconds,
            "talk_seconds": self.talk_seconds,
            "hold_seconds": self.hold_seconds,
            "hangup_cause": self.hangup_cause,
            "hangup_cause_text": self.hangup_cause_text,
            "recording": self.recording,
            "transfers": [dict(transfer) for transfer in self.transfers],
            "legs": sorted(self.legs),
            "ended": self.ended,
            "end_estimated": self.end_estimated,
        }


class CallTracker:
    """The live calls of one PBX connection.

    :param internal_max_digits: numbers this long or shorter are extensions
        (agents' phones); longer ones are customers (for the direction).
    """

    def __init__(self, internal_max_digits=5):
        self.internal_max_digits = internal_max_digits
        self.calls = {}  # linkedid -> CallState
        self.leg_call = {}  # uniqueid -> linkedid
        self.events_seen = 0
        self.events_ignored = 0

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def is_internal(self, number):
        digits = (number or "").lstrip("+")
        return digits.isdigit() and len(digits) <= self.internal_max_digits

    def _call_for(self, message, at, create=True):
        linkedid = _value(message.get("Linkedid"))
        uniqueid = _value(message.get("Uniqueid"))
        if not linkedid and uniqueid:
            linkedid = self.leg_call.get(uniqueid)
        if not linkedid:
            return None
        call = self.calls.get(linkedid)
        if call is None:
            if not create:
                return None
            call = self.calls[linkedid] = CallState(linkedid, at)
        if uniqueid:
            self._add_leg(call, uniqueid)
        return call

    def _add_leg(self, call, uniqueid):
        if uniqueid not in call.legs:
            call.legs.add(uniqueid)
            call.live_legs.add(uniqueid)
            self.leg_call[uniqueid] = call.linkedid

    def _learn_numbers(self, call, message):
        """Caller and dialled numbers from the call's first channel."""
        if message.get("Uniqueid") != call.first_uniqueid:
            if call.in_queue and not call.caller_number:
                call.caller_number = _value(message.get("CallerIDNum"))
            return
        number = _value(message.get("CallerIDNum"))
        if number and not call.caller_number:
            call.caller_number = number
            call.caller_name = _value(message.get("CallerIDName"))
        exten = _value(message.get("Exten"))
        if exten and PHONE_RE.match(exten) and exten != call.caller_number and not (
            call.called_number and not self.is_internal(call.called_number)
        ):
            call.called_number = exten
        self._guess_direction(call)

    def _guess_direction(self, call):
        if call.in_queue:
            call.direction = "inbound"
        elif call.caller_number and call.called_number:
            caller_internal = self.is_internal(call.caller_number)
            called_internal = self.is_internal(call.called_number)
            if caller_internal and called_internal:
                call.direction = "internal"
            elif caller_internal:
                call.direction = "outbound"
            else:
                call.direction = "inbound"
        elif call.caller_number and not self.is_internal(call.caller_number):
            call.direction = "inbound"

    # ------------------------------------------------------------
    # the event stream
    # ------------------------------------------------------------

    def handle(self, message, at):
        """Fold one AMI event received at ``at``; return the changes."""
        self.events_seen += 1
        name = message.get("Event")
        handler = getattr(self, f"_on_{name}", None) if name else None
        if handler is None:
            self.events_ignored += 1
            return []
        return handler(message, at) or []

    def _changed(self, call, *signals):
        return [*signals, ("call", call.snapshot())]

    def _on_channel_event(self, message, at):
        call = self._call_for(message, at)
        if call is None:
            return []
        before = (call.caller_number, call.called_number, call.direction)
        self._learn_numbers(call, message)
        if (call.caller_number, call.called_number, call.direction) != before:
            return self._changed(call)
        return []

    _on_Newchannel = _on_channel_event
    _on_Newstate = _on_channel_event
    _on_NewCallerid = _on_channel_event

    def _on_Newexten(self, message, at):
        changes = self._on_channel_event(message, at)
        call = self._call_for(message, at, create=False)
        state = APPLICATION_STATES.get(message.get("Application"))
        if call and state and not call.answered_time and call.state != state:
            call.state = state
            return self._changed(call)
        return changes

    def _on_VarSet(self, message, at):
        if message.get("Variable") == "MIXMONITOR_FILENAME":
            call = self._call_for(message, at)
            if call and call.recording != message.get("Value"):
                call.recording = message.get("Value")
                return self._changed(call)
        return []

    def _on_MixMonitorStart(self, message, at):
        call = self._call_for(message, at)
        if call and not call.recording:
            # the dialplan names the file after the channel's Uniqueid (see docker/asterisk)
            call.recording = f"{message.get('Uniqueid')}.wav"
            return self._changed(call)
        return []

    def _on_Hold(self, message, at):
        call = self._call_for(message, at)
        if call is not None and at is not None:
            call.on_hold.setdefault(message.get("Uniqueid"), at)
        return []

    def _on_Unhold(self, message, at):
        call = self._call_for(message, at)
        since = call.on_hold.pop(message.get("Uniqueid"), None) if call is not None else None
        if since is None or at is None:
            return []
        call.hold_seconds += max((at - since).total_seconds(), 0)
        return self._changed(call)

    def _on_QueueCallerJoin(self, message, at):
        call = self._call_for(message, at)
        if call is None:
            return []
        call.queue = message.get("Queue")
        call.queued_time = call.queued_time or at
        call.state = "queued"
        call.direction = "inbound"
        if not call.caller_number:
            call.caller_number = _value(message.get("CallerIDNum"))
            call.caller_name = _value(message.get("CallerIDName"))
        return self._changed(call)

    def _agent_info(self, call, message):
        return {
            "linkedid": call.linkedid,
            "queue": message.get("Queue") or call.queue,
            "interface": message.get("Interface"),
            "member_name": message.get("MemberName"),
            "caller_number": call.caller_number,
            "caller_name": call.caller_name,
            "agent_uniqueid": message.get("DestUniqueid"),
        }

    def _learn_queue(self, call, message):
        """A call first seen at an agent event (the bridge came in the middle
        of it) is a queue call all the same."""
        if not call.queue and message.get("Queue"):
            call.queue = message.get("Queue")
            call.direction = "inbound"

    def _on_AgentCalled(self, message, at):
        call = self._call_for(message, at)
        if call is None:
            return []
        self._learn_queue(call, message)
        call.ringing_interface = message.get("Interface")
        if call.state not in ("answered",):
            call.state = "queued" if call.in_queue else "ringing"
        return self._changed(call, ("agent_ringing", self._agent_info(call, message)))

    def _on_AgentRingNoAnswer(self, message, at):
        call = self._call_for(message, at)
        if call is None:
            return []
        self._learn_queue(call, message)
        interface = message.get("Interface")
        call.missed_agents.append(interface)
        call.ringing_interface = None
        return self._changed(call, ("agent_ring_no_answer", self._agent_info(call, message)))

    def _on_AgentConnect(self, message, at):
        call = self._call_for(message, at)
        if call is None:
            return []
        self._learn_queue(call, message)
        call.state = "answered"
        call.answered_time = call.answered_time or at
        call.agent_interface = message.get("Interface")
        call.agent_name = message.get("MemberName")
        call.ringing_interface = None
        call.wait_seconds = _seconds(message.get("HoldTime"))
        call.ring_seconds = _seconds(message.get("RingTime"))
        return self._changed(call, ("agent_answered", self._agent_info(call, message)))

    def _on_AgentComplete(self, message, at):
        call = self._call_for(message, at)
        if call is None:
            return []
        self._learn_queue(call, message)
        call.talk_seconds = _seconds(message.get("TalkTime"))
        call.wait_seconds = _seconds(message.get("HoldTime"))
        return self._changed(call)

    def _on_QueueCallerAbandon(self, message, at):
        call = self._call_for(message, at)
        if call is None:
            return []
        self._learn_queue(call, message)
        call.state = "abandoned"
        call.wait_seconds = _seconds(message.get("HoldTime"))
        return self._changed(call)

    def _on_DialEnd(self, message, at):
        if not message.get("Channel"):
            return []  # the Originate's own dial of the first leg, not a party answering
        call = self._call_for(message, at)
        if call is None or call.in_queue:
            return []  # queue calls are told by the Agent* events
        status = message.get("DialStatus")
        if status == "ANSWER" and not call.answered_time:
            call.state = "answered"
            call.answered_time = at
            return self._changed(call)
        if status in DIAL_STATES and not call.answered_time:
            call.state = DIAL_STATES[status]
            return self._changed(call)
        return []

    def _on_BridgeEnter(self, message, at):
        call = self._call_for(message, at)
        if call is None or call.in_queue or call.answered_time:
            return []
        if int(message.get("BridgeNumChannels") or 0) >= 2:
            call.state = "answered"
            call.answered_time = at
            return self._changed(call)
        return []

    def _on_BlindTransfer(self, message, at):
        linkedid = message.get("TransfererLinkedid") or message.get("TransfereeLinkedid")
        call = self.calls.get(linkedid) if linkedid else None
        if call is None:
            return []
        call.transfers.append(
            {
                "kind": "blind",
                "result": message.get("Result"),
                "from": _value(message.get("TransfererCallerIDNum")) or call.agent_interface,
                "to": message.get("Extension"),
                "at": at,
            }
        )
        return self._changed(call)

    def _on_AttendedTransfer(self, message, at):
        linkedid = message.get("OrigTransfererLinkedid") or message.get("SecondTransfererLinkedid")
        call = self.calls.get(linkedid) if linkedid else None
        if call is None:
            return []
        call.transfers.append(
            {
                "kind": "attended",
                "result": message.get("Result"),
                "from": _value(message.get("OrigTransfererCallerIDNum")) or call.agent_interface,
                "to": _value(message.get("SecondTransfererConnectedLineNum"))
                or _value(message.get("TransferTargetCallerIDNum")),
                "at": at,
            }
        )
        return self._changed(call)

    def _on_Hangup(self, message, at):
        call = self._call_for(message, at)
        if call is None:
            return []
        uniqueid = message.get("Uniqueid")
        call.live_legs.discard(uniqueid)
        cause = message.get("Cause")
        if uniqueid == call.first_uniqueid or call.hangup_cause is None:
            call.hangup_cause = int(cause) if (cause or "").isdigit() else None
            call.hangup_cause_text = message.get("Cause-txt")
        if call.live_legs:
            return []
        return self._end(call, at)

    def _end(self, call, at):
        call.ended = True
        call.end_time = call.end_time or at
        for since in call.on_hold.values():  # hung up while on hold
            call.hold_seconds += max((call.end_time - since).total_seconds(), 0)
        call.on_hold.clear()
        if call.state == "answered":
            call.state = "completed"
            if call.talk_seconds is None and call.answered_time is not None:
                call.talk_seconds = max((call.end_time - call.answered_time).total_seconds(), 0)
        elif call.state in ("ringing", "queued"):
            cause = call.hangup_cause
            if call.in_queue:
                call.state = "abandoned"
            elif cause in CAUSE_BUSY:
                call.state = "busy"
            elif cause in CAUSE_FAILED:
                call.state = "failed"
            else:
                call.state = "missed"
        if call.wait_seconds is None and call.queued_time is not None:
            until = call.answered_time or call.end_time
            call.wait_seconds = max((until - call.queued_time).total_seconds(), 0)
        snapshot = call.snapshot()
        for leg in call.legs:
            self.leg_call.pop(leg, None)
        del self.calls[call.linkedid]
        return [("call", snapshot)]

    def _on_Cdr(self, message, at):
        """A CDR of a leg: when its call is still open here (the hangup was
        missed while disconnected), the CDR closes it."""
        linkedid = self.leg_call.get(message.get("UniqueID"))
        call = self.calls.get(linkedid) if linkedid else None
        if call is None:
            return []
        if call.answered_time or call.in_queue or call.state != "ringing":
            return []
        if message.get("LastApplication") in APPLICATION_STATES:
            call.state = APPLICATION_STATES[message.get("LastApplication")]
        elif message.get("Disposition") == "ANSWERED" and message.get("Destination") == call.called_number:
            # a leg to the dialled number was answered: the customer picked up
            call.state = "answered"
            call.answered_time = call.start_time
        return []

    def _on_OriginateResponse(self, message, at):
        info = {
            "action_id": message.get("ActionID"),
            "success": message.get("Response") == "Success",
            "reason": message.get("Reason"),
            "uniqueid": _value(message.get("Uniqueid")),
            "channel": message.get("Channel"),
        }
        return [("originate", info)]

    def _member_event(self, message, at):
        return [
            (
                "member_status",
                {
                    "queue": message.get("Queue"),
                    "interface": message.get("Interface") or message.get("Location"),
                    "member_name": message.get("MemberName") or message.get("Name"),
                    "status": QUEUE_MEMBER_STATUS.get(message.get("Status") or "", "unknown"),
                    "paused": message.get("Paused") == "1",
                    "paused_reason": message.get("PausedReason") or None,
                    "event": message.get("Event"),
                    "at": at,
                },
            )
        ]

    _on_QueueMemberStatus = _member_event
    _on_QueueMemberPause = _member_event
    _on_QueueMemberAdded = _member_event
    _on_QueueMemberRemoved = _member_event
    _on_QueueMember = _member_event  # the rows of a QueueStatus list

    # ------------------------------------------------------------
    # reconciliation after a reconnect
    # ------------------------------------------------------------

    def _on_CoreShowChannel(self, message, at):
        """A live channel listed after a (re)connection: a call not followed
        so far (it began while the bridge was away) is taken up from it, its
        numbers, queue, start and whether an agent took it."""
        call = self._call_for(message, at)
        if call is None:
            return []
        before = call.snapshot()
        self._learn_numbers(call, message)
        duration = _hms(message.get("Duration"))
        if duration is not None and at is not None and message.get("Uniqueid") == call.first_uniqueid:
            # whole seconds: never before the real start, which wins when known
            call.start_time = min(call.start_time, at - timedelta(seconds=duration))
        bridged = bool(_value(message.get("BridgeId")))
        application = message.get("Application")
        if application == "Queue":
            call.queue = call.queue or (message.get("ApplicationData") or "").split(",")[0] or None
            call.direction = "inbound"
            if bridged and call.state in ("ringing", "queued"):
                call.state = "answered"  # the caller is bridged: an agent took the call
            elif call.state == "ringing":
                call.state = "queued"
        elif application == "AppQueue" and bridged and not call.agent_interface:
            call.agent_interface = channel_interface(message.get("Channel"))
        elif bridged and not call.in_queue and call.state == "ringing":
            call.state = "answered"
        if call.snapshot() != before:
            return self._changed(call)
        return []

    def _on_QueueEntry(self, message, at):
        """A caller waiting in a queue (QueueStatus after a reconnection)."""
        call = self._call_for(message, at, create=False)
        if call is None:
            return []
        before = call.snapshot()
        call.queue = call.queue or message.get("Queue")
        call.direction = "inbound"
        if call.state == "ringing":
            call.state = "queued"
        wait = _seconds(message.get("Wait"))
        if call.queued_time is None and wait is not None and at is not None:
            call.queued_time = at - timedelta(seconds=wait)
        if not call.caller_number:
            call.caller_number = _value(message.get("CallerIDNum"))
            call.caller_name = _value(message.get("CallerIDName"))
        if call.snapshot() != before:
            return self._changed(call)
        return []

    def reconcile(self, live_uniqueids, at):
        """End the calls none of whose legs is in ``live_uniqueids`` (the
        channels CoreShowChannels lists after a reconnect), at ``at``: an
        estimated end (``end_estimated``), the CDRs may tell the real one."""
        live = set(live_uniqueids)
        changes = []
        for call in list(self.calls.values()):
            call.live_legs &= live
            if not call.live_legs:
                call.end_estimated = True
                changes += self._end(call, at)
        return changes


# ------------------------------------------------------------
# merging what a bridge learns into what is recorded
# ------------------------------------------------------------

# how far a call got: a later snapshot never takes it back
STATE_RANK = {"ringing": 0, "queued": 1, "missed": 2, "abandoned": 2.5, "busy": 2.5, "failed": 2.5,
              "answered": 3, "completed": 4}
ANSWERED_STATES = ("answered", "completed")


def _empty(value):
    return value is None or value is False or value == "" or value == []


def merge_snapshot(known, new):
    """``new``, a snapshot of a bridge that may have seen only the end of a
    call (restarted, reconnected, replaying its journal), merged into
    ``known``, what is recorded of it (the same keys; missing ones unknown).

    - an empty value never replaces a known one;
    - the start, queue and end times keep the earliest known, the answer
      time the first known (a bridge that came in the middle of a call dates
      it from the first event it saw); a real end replaces one estimated at
      a reconnection;
    - the state never goes back: an answered call is never missed or
      abandoned (it is completed once it ended), an ended call never rings.

    Returns the merged snapshot (a new dict)."""
    merged = dict(new)
    for key, value in known.items():
        if _empty(merged.get(key)) and not _empty(value):
            merged[key] = value
    for key in ("start_time", "queued_time"):
        times = [value for value in (known.get(key), new.get(key)) if not _empty(value)]
        merged[key] = min(times) if times else None
    # an end estimated at a reconnection gives way to a real one; of two alike, the earliest
    ends = [source for source in (known, new) if not _empty(source.get("end_time"))]
    real = [source for source in ends if not source.get("end_estimated")]
    end = min(real or ends, key=lambda source: source["end_time"]) if ends else {}
    merged["end_time"] = end.get("end_time")
    merged["end_estimated"] = bool(end.get("end_estimated"))
    merged["answered_time"] = known.get("answered_time") or new.get("answered_time")
    merged["hold_seconds"] = max(known.get("hold_seconds") or 0, new.get("hold_seconds") or 0)
    merged["missed_agents"] = list(dict.fromkeys([*(known.get("missed_agents") or []),
                                                  *(new.get("missed_agents") or [])]))
    merged["ended"] = bool(known.get("ended") or new.get("ended"))
    states = [state for state in (known.get("state"), new.get("state")) if state]
    if any(state in ANSWERED_STATES for state in states) or merged["answered_time"]:
        merged["state"] = "completed" if merged["ended"] or "completed" in states else "answered"
    elif states:
        # the most telling of two unanswered ends (abandoned, busy, failed before missed), the known one first
        merged["state"] = max(states, key=lambda state: STATE_RANK.get(state, 0))
        if merged["state"] == "missed" and (merged.get("queue") or merged.get("queued_time")):
            merged["state"] = "abandoned"  # a queue call no agent took
    if merged.get("state") == "completed" and _empty(merged.get("talk_seconds")) and merged["answered_time"] \
            and merged["end_time"]:
        merged["talk_seconds"] = max((merged["end_time"] - merged["answered_time"]).total_seconds(), 0)
    return merged
