"""Replay the real Asterisk 22 captures of tests/fixtures/ami (test helper,
reused by the AMI test server and by depending addons' tests)."""

import json
import pathlib
from datetime import datetime, timedelta

from odoo.addons.cx_telephony.tools.ami import AmiMessage

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "ami"
START = datetime(2026, 11, 23, 9, 0, 0)


def capture_path(name, suffix=".jsonl"):
    return FIXTURES / f"{name}{suffix}"


def load_capture(name):
    """``[(at, direction, AmiMessage or banner str)]`` of a capture, with
    ``at`` a datetime (the capture's seconds after START)."""
    messages = []
    for line in capture_path(name).read_text().splitlines():
        record = json.loads(line)
        at = START + timedelta(seconds=record["t"])
        if "banner" in record:
            messages.append((at, record["dir"], record["banner"]))
        elif "fields" in record:
            messages.append((at, record["dir"], AmiMessage([tuple(pair) for pair in record["fields"]])))
        else:
            messages.append((at, record["dir"], None))
    return messages


def server_events(name):
    """The events the server sent, in order, as ``(at, AmiMessage)``."""
    return [
        (at, message)
        for at, direction, message in load_capture(name)
        if direction == "in" and isinstance(message, AmiMessage) and message.kind == "event"
    ]
