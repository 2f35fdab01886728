"""The one AMI client of cx_telephony, without the ORM: the bridge follows its
PBXs with it and the server sends its one-shot actions (test connection,
click-to-dial, queue login/pause/logout) with it, so both share the login,
the ActionID matching, the event lists and the checks of what is sent.

It is panoramisk's asyncio ``Manager`` (see the README for why panoramisk),
configured from a PBX's settings (a dict: host, port, username, secret,
use_tls):

- :class:`AmiClient` follows a PBX for as long as it runs (the bridge):
  reconnection after a failure with a delay that doubles (1 s up to
  ``max_backoff``) and is reset by a successful login; a refused login is
  told to ``on_login_refused`` (and retried: the secret may be fixed
  meanwhile). With ``reconnect=False`` it is one session, which
  :meth:`AmiClient.session` opens and closes.
- :func:`run_actions` is the synchronous helper: one session on a private
  event loop (the caller's thread has none running), the actions sent one by
  one, each answered before the next, then Logoff. Every step is bounded by
  ``timeout`` seconds.

Errors: ``OSError`` (``TimeoutError`` included) when the PBX cannot be
reached or does not answer in time; :class:`AmiError` when it answers no
(its ``kind`` says what, for the caller to word it).
"""

import asyncio
import contextlib
import logging
import os

from panoramisk import Manager

_logger = logging.getLogger(__name__)


class AmiError(Exception):
    """The PBX answered, but not what was asked.

    ``kind``: ``login`` (login refused), ``not_ami`` (no Asterisk Call Manager
    banner), ``closed`` (connection closed before the answer), ``refused`` (an
    action answered with an error); ``action`` and ``message`` (the PBX's own
    words) when it has them."""

    def __init__(self, kind, message="", action=None):
        super().__init__(message or kind)
        self.kind = kind
        self.message = message
        self.action = action


def check_fields(fields):
    """AMI is a line protocol: a value with a line break would inject lines
    (another action) into the stream."""
    for key, value in fields.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if "\r" in str(item) or "\n" in str(item):
                raise ValueError(f"AMI field {key} contains a line break")


class AmiClient(Manager):
    """One PBX over AMI. ``config``: host, port, username, secret, use_tls."""

    def __init__(self, config, *, loop, events="on", reconnect=True, max_backoff=60, ping_interval=10,
                 on_connect=None, on_login=None, on_disconnect=None, on_login_refused=None):
        callbacks = {name: callback for name, callback in
                     (("on_connect", on_connect), ("on_login", on_login), ("on_disconnect", on_disconnect))
                     if callback}
        super().__init__(
            host=config["host"],
            port=config["port"],
            username=config["username"],
            secret=config.get("secret") or "",
            ssl=bool(config.get("use_tls")),
            events=events,
            ping_delay=ping_interval,
            ping_interval=ping_interval,
            reconnect_timeout=1,
            loop=loop,
            **callbacks,
        )
        self.reconnect = reconnect
        self.max_backoff = max_backoff
        self.on_login_refused = on_login_refused
        self.closed = False
        self.logged_in = False
        self.was_logged_in = False  # at the last disconnection
        self.failed_attempts = 0
        self.backoff = 1
        self._session = None  # one session: the login's outcome
        self._lost = None  # one session: done when its connection is lost

    @property
    def version(self):
        """The Asterisk Manager version the PBX announced (its banner)."""
        return getattr(self.protocol, "version", None)

    # panoramisk's hooks ------------------------------------------------------
    def connect(self, *args, **kwargs):
        """Every (re)connection attempt: panoramisk schedules the next one
        after ``reconnect_timeout``, doubled at each failure (backoff)."""
        if self.closed:
            return None
        if not self.logged_in:
            self.failed_attempts += 1
            self.backoff = min(2 ** (self.failed_attempts - 1), self.max_backoff)
            self.reconnect_timeout = self.backoff
        return super().connect(*args, **kwargs)

    def connection_made(self, f):
        if not self.reconnect and (f.cancelled() or f.exception()):
            error = f.exception() if not f.cancelled() else ConnectionError("connection cancelled")
            if isinstance(error, OSError) and error.errno:
                # asyncio's "Connect call failed ('host', port)": the system's words, as a socket says them
                error = type(error)(error.errno, f"{os.strerror(error.errno)} ({self.config['host']}:{self.config['port']})")
            self._end_session(error)
            return
        super().connection_made(f)

    def login(self, future):
        authenticated = super().login(future)
        if authenticated:
            self.logged_in = True
            self.failed_attempts = 0
            self.backoff = self.reconnect_timeout = 1
            self._end_session(None)
        else:
            message = future.result().get("Message") or "Authentication failed"
            if self.on_login_refused:
                self.on_login_refused(self, message)
            self._end_session(AmiError("login", message))
        return authenticated

    def connection_lost(self, exc):
        self.was_logged_in, self.logged_in = self.logged_in, False
        if self.reconnect and not self.closed:
            super().connection_lost(exc)
            return
        self._connected = False
        if self.pinger:
            self.pinger.cancel()
            self.pinger = None
        self._end_session(AmiError("closed"))
        if self._lost and not self._lost.done():
            self._lost.set_result(True)

    def close(self):
        """Stop following this PBX (no reconnection afterwards)."""
        self.closed = True
        super().close()

    # ---------------------------------------------------------------------------
    def _end_session(self, error):
        if self._session and not self._session.done():
            if error is None:
                self._session.set_result(True)
            else:
                self._session.set_exception(error)

    @contextlib.asynccontextmanager
    async def session(self, timeout):
        """Connected and logged in (``reconnect=False``), closed at the end."""
        self._session, self._lost = self.loop.create_future(), self.loop.create_future()
        try:
            self.connect()
            await asyncio.wait_for(self._session, timeout)
            if not self.version:
                raise AmiError("not_ami")
            yield self
        finally:
            self.close()
            await asyncio.sleep(0)  # the transport's close runs before the loop ends

    async def action(self, action, fields=None, timeout=10, as_list=False):
        """Send ``action``; returns its response (panoramisk's message), or
        with ``as_list`` the events of its event list. The ActionID is the one
        given in ``fields`` (so that later events can be matched to it) or a
        new one."""
        fields = dict(fields or {}, Action=action)
        check_fields(fields)
        future = self.send_action(fields, as_list=as_list)
        if self._lost is None:
            return await asyncio.wait_for(future, timeout)
        # one session: a connection closed before the answer is an error, not a wait
        done, _pending = await asyncio.wait([future, self._lost], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if future in done:
            return future.result()
        if done:
            raise AmiError("closed", action=action)
        raise TimeoutError(f"no answer to {action} within {timeout} s")


def run_actions(config, actions, timeout=5):
    """Log in to the PBX (events off), send ``actions`` (``[(action,
    fields)]``) one by one and log off; returns the manager version. Raises
    :class:`AmiError` (``refused``) on the first action the PBX refuses: the
    actions after it are not sent. Blocking; each step bounded by
    ``timeout`` seconds."""

    async def main():
        client = AmiClient(config, loop=asyncio.get_running_loop(), events="off", reconnect=False,
                           ping_interval=max(int(timeout) * 4, 10))
        async with client.session(timeout):
            for action, fields in actions:
                response = await client.action(action, fields, timeout)
                if not response.success:
                    raise AmiError("refused", response.get("Message") or response.get("Response") or "", action=action)
            with contextlib.suppress(OSError, AmiError):
                await client.action("Logoff", timeout=timeout)
            return client.version

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()
