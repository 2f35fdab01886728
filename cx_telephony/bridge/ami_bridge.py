"""The AMI bridge's engine, without the ORM: one asyncio loop follows any
number of PBXs with the AMI client of tools/ami_client.py, folds their events into calls and hands the
changes to a *sink* in batches.

- Reconnection: the client reconnects by itself; the delay doubles after each
  failure (1 s up to ``max_backoff``) and resets once logged in. Keep-alive
  pings are panoramisk's.
- After each login the bridge lists the live channels (CoreShowChannels) and
  the queues (QueueStatus): the calls it followed that are gone ended while it
  was away, the calls it did not know are taken up from their channels, the
  agents' queue states are set again, and the sink is told which calls are
  live so it can close (or import from the CDRs) the ones that ended while the
  bridge itself was stopped.
- Nothing is lost: every change goes to a write-ahead journal
  (tools/journal.py) before the sink, and leaves it once the sink committed
  it. A database away, a stop while it is away or a SIGKILL: what was not
  committed is written, in order, when the sink accepts it again, by this
  process or the next one.
- The PBXs' configuration is read again every ``refresh_seconds``; a failed
  read (the database away) is logged and retried with a growing delay.
- A malformed or unknown event is logged and skipped, never fatal.

The sink is synchronous (it runs in a worker thread): ``sink(pbx_id, changes)``
writes and returns, or raises to be retried later.
"""

import asyncio
import contextlib
import logging
import time
from datetime import datetime, timezone

from ..tools.ami import AmiMessage
from ..tools.ami_client import AmiClient
from ..tools.call_tracker import CallTracker
from ..tools.journal import ChangeJournal

_logger = logging.getLogger(__name__)


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class PbxSession:
    """One PBX: its AMI client (tools/ami_client.py), its call tracker."""

    def __init__(self, bridge, config):
        self.bridge = bridge
        self.pbx_id = config["id"]
        self.config = config
        self.tracker = CallTracker(internal_max_digits=config.get("internal_number_max_digits") or 5)
        self.manager = AmiClient(
            config,
            loop=bridge.loop,
            max_backoff=bridge.max_backoff,
            ping_interval=bridge.ping_interval,
            on_login=self._on_login,
            on_connect=self._on_connect,
            on_disconnect=self._on_disconnect,
            on_login_refused=self._on_login_refused,
        )
        self.manager.register_event("*", self._on_event)

    @property
    def logged_in(self):
        return self.manager.logged_in

    @property
    def backoff(self):
        return self.manager.backoff

    # the client's callbacks -------------------------------------------------
    def _on_connect(self, manager):
        _logger.info("AMI %s: connected to %s:%s", self.pbx_id, self.config["host"], self.config["port"])

    def _on_login(self, manager):
        self.bridge.emit(self.pbx_id, ("status", {"state": "connected", "version": manager.version, "error": None,
                                                  "at": _now()}))
        self.bridge.loop.create_task(self.reconcile())

    def _on_login_refused(self, manager, message):
        """A refused login is the PBX's error (retried after the backoff: the
        secret may be fixed meanwhile)."""
        self.bridge.emit(self.pbx_id, ("status", {"state": "error", "error": message, "at": _now()}))

    def _on_disconnect(self, manager, exc):
        error = str(exc) if exc else None
        if manager.was_logged_in or error:
            self.bridge.emit(self.pbx_id, ("status", {"state": "disconnected", "error": error, "at": _now()}))

    async def _on_event(self, manager, event):
        try:
            message = AmiMessage(list(event.items()))
            for change in self.tracker.handle(message, _now()):
                self.bridge.emit(self.pbx_id, change)
        except Exception:  # one bad event never stops the stream
            _logger.exception("AMI %s: skipped an event that could not be folded: %r", self.pbx_id, dict(event))

    # ----------------------------------------------------------------------
    async def start(self):
        self.manager.connect()

    async def _list(self, action):
        """The events of an AMI list action, or ``None`` when it failed."""
        try:
            response = await self.manager.action(action, timeout=self.bridge.action_timeout, as_list=True)
        except (asyncio.TimeoutError, OSError) as error:
            _logger.warning("AMI %s: %s failed: %s", self.pbx_id, action, error)
            return None
        return response if isinstance(response, list) else [response]

    def _fold(self, message):
        for change in self.tracker.handle(AmiMessage(list(message.items())), _now()):
            self.bridge.emit(self.pbx_id, change)

    async def reconcile(self):
        """After a login: list the live channels, take up the calls not
        followed so far and end the ones that are gone; set the agents' queue
        states and the waiting callers again (QueueStatus); then tell the sink
        which calls are live."""
        messages = await self._list("CoreShowChannels")
        if messages is None:
            return
        live, linkedids = set(), set()
        for message in messages:
            if message.get("Event") == "CoreShowChannel":
                live.add(message.get("Uniqueid"))
                linkedids.add(message.get("Linkedid"))
                self._fold(message)
        ended = []
        for change in self.tracker.reconcile(live, _now()):
            self.bridge.emit(self.pbx_id, change)
            ended.append(change[1]["linkedid"])
        for message in await self._list("QueueStatus") or []:
            if message.get("Event") in ("QueueMember", "QueueEntry"):
                self._fold(message)
        self.bridge.emit(self.pbx_id, ("live_calls", {"linkedids": sorted(linkedids - {None}), "ended": ended,
                                                      "at": _now()}))

    def close(self):
        """Stop following this PBX (no reconnection afterwards)."""
        self.manager.close()


class AmiBridge:
    """Follows the PBXs given by ``load_pbxs()`` and writes to ``sink``.

    :param load_pbxs: callable returning the active PBXs' configurations
        (dicts: id, host, port, username, secret, use_tls,
        internal_number_max_digits); called again every ``refresh_seconds``
    :param sink: callable ``sink(pbx_id, changes)``, run in a worker thread
    """

    def __init__(self, load_pbxs, sink, batch_size=500, flush_interval=0.2, max_memory=10000,
                 journal_path=None, max_backoff=60, ping_interval=10, action_timeout=10, refresh_seconds=60,
                 notify=None):
        self.load_pbxs = load_pbxs
        self.sink = sink
        # the agents' screens: sent at once, apart from (and in parallel with)
        # the call records; best effort, a screen-pop lost is not retried
        self.notify = notify
        self._pops = []
        self._pop_wakeup = None
        self._pops_idle = None  # set when no screen-pop waits or is being sent
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        # opened (and replayed) here: a second bridge on the same journal fails at once
        self.journal = ChangeJournal(journal_path, max_memory)
        self.max_backoff = max_backoff
        self.ping_interval = ping_interval
        self.action_timeout = action_timeout
        self.refresh_seconds = refresh_seconds
        self.sessions = {}
        self.loop = None
        self.written = 0
        self.sink_failures = 0
        self.refresh_failures = 0
        self._wakeup = None
        self._stopping = False

    # an agent's phone rings: their screen must follow at once, not after the batch delay
    URGENT = frozenset({"agent_ringing", "agent_answered", "originate"})
    SCREEN_POPS = frozenset({"agent_ringing", "agent_answered", "agent_ring_no_answer"})
    POP_COALESCE_SECONDS = 0.005

    def emit(self, pbx_id, change):
        if self.notify and change[0] in self.SCREEN_POPS:
            self._pops.append((pbx_id, change))
            if self._pop_wakeup:
                self._pops_idle.clear()
                self._pop_wakeup.set()
            return
        self.journal.append(pbx_id, change)
        if self._wakeup and (change[0] in self.URGENT or len(self.journal) >= self.batch_size):
            self._wakeup.set()

    async def run(self, until=None):
        """Run until :meth:`stop` (or until the ``until`` future is done)."""
        self.loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._pop_wakeup = asyncio.Event()
        self._pops_idle = asyncio.Event()
        self._pops_idle.set()
        writer = self.loop.create_task(self._writer())
        pop_writer = self.loop.create_task(self._pop_writer()) if self.notify else None
        refresher = self.loop.create_task(self._refresher())
        syncer = self.loop.create_task(self._syncer())
        try:
            while not self._stopping and not (until and until.done()):
                await asyncio.sleep(0.05)
        finally:
            refresher.cancel()
            syncer.cancel()
            if pop_writer:
                pop_writer.cancel()
            for session in self.sessions.values():
                session.close()
            self._stopping = True
            self._wakeup.set()
            await writer
            await self._flush_all()
            if len(self.journal):
                _logger.warning("AMI bridge: %s changes kept in the journal, written at the next start", len(self.journal))
            self.journal.close()

    def stop(self):
        self._stopping = True

    async def _refresher(self):
        delay = first_delay = min(1, self.refresh_seconds)
        while not self._stopping:
            try:
                configs = await self.loop.run_in_executor(None, self.load_pbxs)
            except Exception as error:  # the database is away: the PBXs followed so far stay followed
                self.refresh_failures += 1
                _logger.warning("AMI bridge: the PBXs could not be read (retried in %s s): %s", delay, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.refresh_seconds)
                continue
            delay = first_delay
            wanted = {config["id"]: config for config in configs}
            for pbx_id in set(self.sessions) - set(wanted):
                self.sessions.pop(pbx_id).close()
            for pbx_id, config in wanted.items():
                session = self.sessions.get(pbx_id)
                if session and session.config != config:
                    session.close()
                    session = None
                if not session:
                    self.sessions[pbx_id] = session = PbxSession(self, config)
                    await session.start()
            await asyncio.sleep(self.refresh_seconds)

    async def _writer(self):
        delay = self.flush_interval
        while not self._stopping:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), delay)
            self._wakeup.clear()
            # two cores, one interpreter: the call records give way to the
            # screen-pops of a burst (for a moment at most, never starved)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._pops_idle.wait(), self.flush_interval)
            ok = await self._flush_all()
            # the database is away: retry with a growing delay, the journal keeps the changes
            delay = self.flush_interval if ok else min(max(delay * 2, 0.5), 30)

    async def _syncer(self):
        """The journal made durable in short batches (an fsync at most every
        ``flush_interval``, off the event loop)."""
        while not self._stopping:
            await asyncio.sleep(self.flush_interval)
            await self.loop.run_in_executor(None, self.journal.sync)

    async def _pop_writer(self):
        while not self._stopping:
            await self._pop_wakeup.wait()
            self._pop_wakeup.clear()
            # a burst (many calls ringing at once) goes out in one transaction:
            # read what the PBX has already sent before taking the pops, for
            # a few milliseconds at most (a busy loop must not hold the first)
            waiting, since = -1, time.monotonic()
            while waiting != len(self._pops) and time.monotonic() - since < self.POP_COALESCE_SECONDS:
                waiting = len(self._pops)
                await asyncio.sleep(0)
            pops, self._pops = self._pops, []
            by_pbx = {}
            for pbx_id, change in pops:
                by_pbx.setdefault(pbx_id, []).append(change)
            for pbx_id, changes in by_pbx.items():
                try:
                    await self.loop.run_in_executor(None, self.notify, pbx_id, changes)
                except Exception:  # a screen-pop is of the moment: logged, not retried
                    _logger.exception("AMI bridge: %s screen-pops could not be sent", len(changes))
            if not self._pops:
                self._pops_idle.set()

    async def _flush_all(self):
        while len(self.journal):
            items = self.journal.take(self.batch_size)
            try:
                await self.loop.run_in_executor(None, self._write_batch, items)
            except Exception as error:  # the sink refused: everything stays in the journal, retried later
                self.sink_failures += 1
                _logger.warning("AMI bridge: %s changes wait in the journal, the database refused them: %s",
                                len(self.journal), error)
                return False
            self.journal.commit(len(items))
            self.written += len(items)
        return True

    def _write_batch(self, items):
        """Durable in the journal first, then to the sink (worker thread)."""
        self.journal.sync()
        by_pbx = {}
        for pbx_id, change in items:
            by_pbx.setdefault(pbx_id, []).append(change)
        for pbx_id, changes in by_pbx.items():
            self.sink(pbx_id, changes)


def run_until(bridge, seconds):
    """Run ``bridge`` for ``seconds`` in a fresh event loop (tests, tools)."""

    async def main():
        loop = asyncio.get_running_loop()
        until = loop.create_future()
        loop.call_later(seconds, until.set_result, True)
        await bridge.run(until)

    started = time.monotonic()
    asyncio.run(main())
    return time.monotonic() - started
