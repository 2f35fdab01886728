"""The AMI bridge's write-ahead journal, without the ORM.

Every change the bridge folds from the event stream is appended to the
journal before it is written to the database, and forgotten once committed:

- ``append()`` writes the change to the file at once (a process killed with
  SIGKILL loses nothing the operating system was given); ``sync()`` makes the
  batch durable (fsync), called by the bridge before each database write and
  at most ``flush_interval`` apart.
- ``take()`` / ``commit()``: the oldest changes, in order, and their removal
  once the database committed them. When nothing is left pending the file is
  truncated; otherwise a commit mark is appended.
- Opening a journal replays what a previous process left pending (killed, or
  stopped while the database was down): those changes come first.

File format: JSON lines, ``{"s": seq, "p": pbx_id, "c": change}`` for a
change and ``{"committed": seq}`` once every change up to ``seq`` is in the
database; datetimes as ``{"__datetime__": iso}``. A torn last line (a kill in
the middle of a write) is ignored. At most ``max_memory`` pending changes are
held in memory; the rest are read back from the file in order.

The file is locked (``flock``): one bridge per journal, that is per database.
"""

import fcntl
import json
import logging
import os
from collections import deque
from datetime import datetime

_logger = logging.getLogger(__name__)


def _json_default(value):
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    raise TypeError(value)


def _json_hook(value):
    if "__datetime__" in value:
        return datetime.fromisoformat(value["__datetime__"])
    return value


def _decode(change):
    """A change as the tracker made it: ``(kind, payload)``."""
    return tuple(change)


class JournalLocked(RuntimeError):
    """Another process holds this journal (another bridge on the same database)."""


class ChangeJournal:
    """A durable FIFO of ``(pbx_id, change)``; see the module docstring.

    :param path: the journal file (created if missing); ``None`` keeps the
        changes in memory only (tests, tools: nothing survives the process)
    """

    def __init__(self, path=None, max_memory=10000):
        self.path = path
        self.max_memory = max_memory
        self.memory = deque()  # (seq, pbx_id, change), the oldest pending ones
        self.on_disk_only = 0  # pending changes beyond ``memory``, in the file only
        self.last_seq = 0  # of the last change appended
        self.committed_seq = 0
        self.replayed = 0  # changes a previous process left pending
        self._file = None
        self._dirty = False
        if path:
            self._open()

    def __len__(self):
        return len(self.memory) + self.on_disk_only

    # ------------------------------------------------------------ file
    def _open(self):
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        self._file = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (kept open: the lock)
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            self._file = None
            raise JournalLocked(f"{self.path} is in use by another AMI bridge") from None
        pending = self._read_pending()
        self.replayed = len(pending)
        for entry in pending:
            self._remember(entry)
        if pending:
            _logger.warning("AMI bridge journal: %s changes left by the previous run are replayed", len(pending))
            self._end_torn_line()
        elif os.path.getsize(self.path):
            self._truncate()

    def _end_torn_line(self):
        """A write cut by a kill leaves a line without its end: ended here, so
        that the next change starts a line of its own."""
        with open(self.path, "rb") as journal:
            journal.seek(-1, os.SEEK_END)
            torn = journal.read(1) != b"\n"
        if torn:
            self._file.write("\n")
            self._file.flush()

    def _read_pending(self, after=None):
        """The pending entries of the file, in order (those after seq ``after``)."""
        entries, committed = [], 0
        self._file.flush()
        with open(self.path, encoding="utf-8") as journal:
            for number, line in enumerate(journal, 1):
                try:
                    record = json.loads(line, object_hook=_json_hook)
                except ValueError:
                    _logger.warning("AMI bridge journal: line %s is torn or not JSON: ignored", number)
                    continue
                if "committed" in record:
                    committed = max(committed, record["committed"])
                else:
                    entries.append((record["s"], record["p"], _decode(record["c"])))
                    self.last_seq = max(self.last_seq, record["s"])
        self.committed_seq = max(self.committed_seq, committed)
        floor = max(committed, after or 0)
        return [entry for entry in entries if entry[0] > floor]

    def _write(self, record):
        self._file.write(json.dumps(record, default=_json_default, separators=(",", ":")) + "\n")
        self._file.flush()  # to the OS at once: survives SIGKILL
        self._dirty = True

    def _truncate(self):
        self._file.seek(0)
        self._file.truncate()
        self._file.flush()
        self._dirty = True  # a replay of committed changes is harmless (idempotent writes): synced later

    def sync(self):
        """Make every change appended so far durable (fsync)."""
        if self._file and self._dirty:
            self._dirty = False
            os.fsync(self._file.fileno())

    def close(self):
        """Sync and release the journal (what is pending stays in the file)."""
        if self._file:
            self.sync()
            self._file.close()
            self._file = None

    # ------------------------------------------------------------ FIFO
    def _remember(self, entry):
        if self.on_disk_only or len(self.memory) >= self.max_memory:
            if not self._file:
                raise OverflowError("the bridge's journal is full and has no file")
            self.on_disk_only += 1
        else:
            self.memory.append(entry)

    def append(self, pbx_id, change):
        self.last_seq += 1
        entry = (self.last_seq, pbx_id, change)
        if self._file:
            self._write({"s": entry[0], "p": pbx_id, "c": change})
        self._remember(entry)

    def take(self, count):
        """Up to ``count`` oldest pending ``(pbx_id, change)`` (removed only by :meth:`commit`)."""
        if not self.memory and self.on_disk_only:
            self._reload()
        return [(pbx_id, change) for _seq, pbx_id, change in list(self.memory)[:count]]

    def commit(self, count):
        """The ``count`` oldest pending changes are in the database."""
        for _index in range(count):
            self.committed_seq = self.memory.popleft()[0]
        if not self._file:
            return
        if not len(self):
            self._truncate()
        else:
            self._write({"committed": self.committed_seq})

    def _reload(self):
        pending = self._read_pending(after=self.committed_seq)
        head = pending[: self.max_memory]
        self.memory.extend(head)
        self.on_disk_only = len(pending) - len(head)

    def adopt_spill_file(self, path):
        """Take over the spill file of the bridge's former buffer (JSON lines
        ``[pbx_id, change]``, written past 10,000 changes and never read back
        by the process that wrote it): its changes are appended, the file
        removed. Returns how many."""
        with open(path, encoding="utf-8") as spill:
            entries = [json.loads(line, object_hook=_json_hook) for line in spill if line.strip()]
        for pbx_id, change in entries:
            self.append(pbx_id, _decode(change))
        self.sync()
        os.remove(path)
        return len(entries)

    def abandon(self):
        """Release the file as a killed process does: no sync, no commit
        (tests simulate a crash with it)."""
        if self._file:
            self._file.close()
            self._file = None
