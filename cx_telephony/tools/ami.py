"""Asterisk Manager Interface framing, without the ORM or the network.

AMI is a line protocol: ``Key: Value`` lines ended by CRLF, a blank line ends
a message, keys may repeat, the server first sends a banner line
(``Asterisk Call Manager/<version>``). :class:`AmiParser` turns the bytes of
a connection into :class:`AmiMessage` objects, whatever the chunking;
:func:`format_action` writes an action.
"""

import logging

_logger = logging.getLogger(__name__)

BANNER_PREFIX = "Asterisk Call Manager/"


class AmiMessage:
    """One AMI message: its ``(key, value)`` pairs in wire order.

    ``message["Key"]`` is the first value of ``Key`` (``None`` when absent);
    :meth:`get_all` returns every value of a repeated key.
    """

    __slots__ = ("_first", "fields")

    def __init__(self, fields):
        self.fields = list(fields)
        self._first = {}
        for key, value in self.fields:
            self._first.setdefault(key, value)

    def __getitem__(self, key):
        return self._first.get(key)

    def get(self, key, default=None):
        return self._first.get(key, default)

    def __contains__(self, key):
        return key in self._first

    def get_all(self, key):
        return [value for name, value in self.fields if name == key]

    @property
    def kind(self):
        """``event``, ``response`` or ``action``."""
        if "Event" in self._first:
            return "event"
        if "Response" in self._first:
            return "response"
        return "action" if "Action" in self._first else "unknown"

    @property
    def name(self):
        return self._first.get("Event") or self._first.get("Response") or self._first.get("Action")

    def as_dict(self):
        return dict(self._first)

    def __repr__(self):
        return f"AmiMessage({self.kind} {self.name})"


class AmiParser:
    """Incremental parser: feed it bytes, get the complete messages.

    Lines without a colon are logged and skipped (never fatal); a message
    larger than ``max_message_bytes`` is dropped so a broken peer cannot make
    the process grow without bound.
    """

    def __init__(self, max_message_bytes=1 << 20):
        self.banner = None
        self.max_message_bytes = max_message_bytes
        self._buffer = b""
        self._fields = []
        self._size = 0
        self.malformed_lines = 0

    def feed(self, data):
        """Parse ``data`` (bytes); return the messages it completes."""
        self._buffer += data
        messages = []
        while True:
            newline = self._buffer.find(b"\n")
            if newline < 0:
                break
            raw, self._buffer = self._buffer[:newline], self._buffer[newline + 1 :]
            line = raw.rstrip(b"\r").decode("utf-8", errors="replace")
            if self.banner is None and not self._fields and line.startswith(BANNER_PREFIX):
                self.banner = line
                continue
            if not line:
                if self._fields:
                    messages.append(AmiMessage(self._fields))
                self._fields, self._size = [], 0
                continue
            key, sep, value = line.partition(":")
            if not sep:
                self.malformed_lines += 1
                _logger.warning("AMI: skipped a line that is not 'Key: Value': %r", line[:200])
                continue
            self._size += len(raw)
            if self._size > self.max_message_bytes:
                _logger.warning("AMI: dropped a message over %s bytes", self.max_message_bytes)
                self._fields, self._size = [], 0
                continue
            self._fields.append((key.strip(), value[1:] if value.startswith(" ") else value))
        return messages

    @property
    def version(self):
        """The Asterisk Manager version announced by the banner."""
        return self.banner[len(BANNER_PREFIX) :] if self.banner else None


def format_action(action, action_id=None, variables=None, **fields):
    """The bytes of an AMI action. ``variables`` (a dict) become repeated
    ``Variable: name=value`` lines. Values may not contain line breaks."""
    lines = [("Action", action)]
    if action_id is not None:
        lines.append(("ActionID", str(action_id)))
    lines += [(key, str(value)) for key, value in fields.items() if value is not None]
    lines += [("Variable", f"{name}={value}") for name, value in (variables or {}).items()]
    for key, value in lines:
        if "\r" in value or "\n" in value:
            raise ValueError(f"AMI field {key} contains a line break")
    return "".join(f"{key}: {value}\r\n" for key, value in lines).encode() + b"\r\n"
