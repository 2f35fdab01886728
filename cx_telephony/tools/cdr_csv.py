"""Asterisk's CDR CSV file (cdr_csv's ``Master.csv``), without the ORM.

The calls that happened entirely while the AMI bridge was stopped are read
back from it. cdr_csv writes one row per CDR when it ends, appending to
``/var/log/asterisk/cdr-csv/Master.csv``; quoted strings, unquoted numbers.
Expected layout (cdr.conf ``[csv]``: ``usegmtime=yes``, ``loguniqueid=yes``,
``loguserfield=yes``, ``newcdrcolumns=yes``, as docker/asterisk/cdr.conf)::

     0 accountcode   1 src          2 dst          3 dcontext     4 clid
     5 channel       6 dstchannel   7 lastapp      8 lastdata     9 start
    10 answer       11 end         12 duration    13 billsec     14 disposition
    15 amaflags     16 uniqueid    17 userfield   18 peeraccount 19 linkedid
    20 sequence

Times are ``YYYY-MM-DD HH:MM:SS``, UTC with ``usegmtime=yes`` (local time of
the PBX otherwise: set it); ``answer`` is empty for a CDR never answered.
Dispositions: ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION. Without
``newcdrcolumns`` (18 columns) there is no linkedid: each row is its own call,
keyed by its uniqueid. Rows with fewer columns cannot be keyed: skipped
(counted in ``CdrBatch.skipped``).
"""

import csv
import io
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime

from .call_tracker import PHONE_RE, channel_interface

_logger = logging.getLogger(__name__)

COLUMNS = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
           "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield",
           "peeraccount", "linkedid", "sequence")
MIN_COLUMNS = 17  # up to uniqueid
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
CLID_RE = re.compile(r'^\s*"?(?P<name>[^"<]*?)"?\s*<(?P<number>[^>]*)>\s*$')
DISPOSITION_STATES = {"BUSY": "busy", "FAILED": "failed", "CONGESTION": "failed"}


@dataclass
class CdrBatch:
    records: list = field(default_factory=list)  # dicts, COLUMNS as keys, times as datetimes
    position: int = 0  # the file offset after the last complete line read
    skipped: int = 0


def _time(value):
    return datetime.strptime(value, TIME_FORMAT) if value else None


def parse_row(row):
    """One CSV row as a dict (raises ValueError when it cannot be used)."""
    if len(row) < MIN_COLUMNS:
        raise ValueError(f"{len(row)} columns: a uniqueid is needed (cdr.conf [csv] loguniqueid=yes)")
    record = dict(zip(COLUMNS, row, strict=False))
    for key in ("start", "answer", "end"):
        record[key] = _time(record.get(key))
    for key in ("duration", "billsec"):
        record[key] = int(record.get(key) or 0)
    if not record["uniqueid"] or not record["start"]:
        raise ValueError("no uniqueid or no start time")
    record["linkedid"] = record.get("linkedid") or record["uniqueid"]
    return record


def read_cdr_file(path, position=0):
    """The complete rows of ``path`` after byte ``position`` (a file shorter
    than that was rotated: read from its start). Returns a :class:`CdrBatch`.
    Raises OSError when the file cannot be read."""
    batch = CdrBatch(position=position)
    with open(path, "rb") as cdr_file:
        size = os.fstat(cdr_file.fileno()).st_size
        if position > size:
            position = 0
        cdr_file.seek(position)
        data = cdr_file.read()
    end = data.rfind(b"\n") + 1  # a row being written is read next time
    batch.position = position + end
    for row in csv.reader(io.StringIO(data[:end].decode("utf-8", errors="replace"))):
        if not row:
            continue
        try:
            batch.records.append(parse_row(row))
        except ValueError as error:
            batch.skipped += 1
            _logger.warning("CDR file %s: skipped a row (%s): %r", path, error, row[:12])
    return batch


def _caller_name(clid):
    match = CLID_RE.match(clid or "")
    return (match.group("name").strip() or None) if match else None


def summarize(records, internal_max_digits=5):
    """The calls of CDR rows: ``{linkedid: snapshot}`` in the call tracker's
    snapshot form (tools/call_tracker.py), ended. A call is answered when a
    row with a destination channel (an agent, the called party) was answered
    (at the answer of the agent's phone when it is a Local channel: a queue
    call's own row is answered by the dialplan); a queue call that no agent
    answered is abandoned."""

    def internal(number):
        digits = (number or "").lstrip("+")
        return digits.isdigit() and len(digits) <= internal_max_digits

    by_call = {}
    for record in records:
        by_call.setdefault(record["linkedid"], []).append(record)
    calls = {}
    for linkedid, rows in by_call.items():
        rows.sort(key=lambda record: (record["uniqueid"] != linkedid, record["start"], record.get("sequence") or ""))
        first = rows[0]
        queue_rows = [record for record in rows if record["lastapp"] == "Queue"]
        taken = sorted((record for record in rows if record["dstchannel"] and record["disposition"] == "ANSWERED"),
                       key=lambda record: record["answer"] or record["start"])
        caller = first["src"] or None
        called = first["dst"] if PHONE_RE.match(first["dst"] or "") and first["dst"] != caller else None
        if queue_rows:
            direction = "inbound"
        elif caller and called:
            direction = {(True, True): "internal", (True, False): "outbound"}.get(
                (internal(caller), internal(called)), "inbound")
        else:
            direction = None if internal(caller) else "inbound"
        agent = taken[0] if taken else None
        answered_time = agent["answer"] if agent else None
        if agent and agent["dstchannel"].endswith(";1"):
            # a Local channel: its ;2 half is the agent's phone, answered when the agent picked up
            phone = next((record for record in rows if record["channel"] == agent["dstchannel"][:-1] + "2"), None)
            if phone and phone["answer"]:
                answered_time = phone["answer"]
        dispositions = {record["disposition"] for record in rows}
        if agent:
            state = "completed"
        elif queue_rows:
            state = "abandoned"
        elif "ANSWERED" in dispositions and first["answer"]:
            state, answered_time = "completed", first["answer"]
        else:
            state = next((DISPOSITION_STATES[d] for d in DISPOSITION_STATES if d in dispositions), "missed")
        calls[linkedid] = {
            "linkedid": linkedid,
            "direction": direction,
            "state": state,
            "caller_number": caller,
            "caller_name": _caller_name(first["clid"]),
            "called_number": called,
            "queue": (queue_rows[0]["lastdata"] or "").split(",")[0] or None if queue_rows else None,
            "agent_interface": channel_interface(agent["dstchannel"]) if agent and agent["dstchannel"] else None,
            "agent_name": None,
            "missed_agents": [],
            "start_time": min(record["start"] for record in rows),
            "queued_time": None,
            "answered_time": answered_time,
            "end_time": max(record["end"] or record["start"] for record in rows),
            "ring_seconds": None,
            "wait_seconds": None,
            "talk_seconds": max((agent["end"] - answered_time).total_seconds(), 0)
            if agent and agent["end"] and answered_time else None,
            "hold_seconds": 0.0,
            "hangup_cause": None,
            "hangup_cause_text": None,
            "recording": None,
            "transfers": [],
            "legs": sorted({record["uniqueid"] for record in rows}),
            "ended": True,
        }
    return calls
