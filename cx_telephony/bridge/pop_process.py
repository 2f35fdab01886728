"""The bridge's screen-pops written by a process of its own.

The bridge reads the PBX's events and writes the call records in one Python
process: its threads share one interpreter. When a batch of call records is
being written as fifty calls ring at once, reading that burst and writing
its screen-pops wait for the interpreter (measured: screen-pop p99 up to
137 ms). A child process has an interpreter, and a core, of its own.

The child is forked with its own database connections and registry (the
parent's connections are kept referenced and never used, so that nothing the
child does can close them); it takes ``(pbx_id, signals)`` on a pipe and
answers once the screen-pops are committed and the bus woken.

The child dies with its parent, however the parent ends (even SIGKILL): the
kernel's parent-death signal (Linux), a watch of the parent's pid, and the end
of the pipe (the child closes its copy of the parent's end).
"""

import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback

_logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_WATCH_SECONDS = 1


def die_with_parent(parent_pid):
    """End this (forked) process when ``parent_pid`` ends. The parent-death
    signal is sent when the *thread* that forked ends: fork from the main
    thread. The watch covers other systems and a parent gone before prctl."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(0)

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(PARENT_WATCH_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="cx-parent-watch", daemon=True).start()


def _child_main(parent_pid, parent_end, child_end, target, args):
    parent_end.close()  # else this process keeps the pipe open: no end of file when the parent dies
    die_with_parent(parent_pid)
    target(child_end, *args)


class PopWriterProcess:
    def __init__(self, dbname):
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_child_main, args=(os.getpid(), self._connection, child, _serve, (dbname,)),
            name="cx-ami-screen-pops", daemon=True,
        )
        self._process.start()
        child.close()
        self._lock = threading.Lock()
        ready = self._connection.recv()
        if ready is not True:
            raise RuntimeError(f"the screen-pop process could not start: {ready}")

    def __call__(self, pbx_id, signals):
        """Write these screen-pops; returns when they are committed (the
        commit time, ``time.perf_counter()`` of this machine)."""
        with self._lock:
            self._connection.send((pbx_id, signals))
            ok, answer = self._connection.recv()
        if not ok:
            raise RuntimeError(answer)
        return answer

    def close(self):
        with self._lock, contextlib.suppress(OSError):
            self._connection.send(None)
        self._process.join(10)


def _receive(connection):
    try:
        return connection.recv()
    except EOFError:  # the parent is gone
        return None


def _serve(connection, dbname):
    from odoo import api, sql_db
    from odoo.modules.registry import Registry
    from odoo.tools import config

    from odoo.addons.cx_telephony.bridge.bus_waker import BusWaker

    # the parent's pools and registries: kept (closing them would close the
    # parent's connections, the sockets are shared), never used here
    inherited = (sql_db._Pool, sql_db._Pool_readonly, dict(Registry.registries))  # noqa: F841
    sql_db._Pool = sql_db._Pool_readonly = None
    Registry.registries.clear()
    config["test_enable"] = False  # a child of a test process loads the registry, runs no test
    try:
        registry = Registry(dbname)
        wake_bus = BusWaker()
    except Exception:  # told to the parent
        connection.send(traceback.format_exc())
        return
    connection.send(True)
    while (request := _receive(connection)) is not None:
        pbx_id, signals = request
        try:
            with registry.cursor() as cr:
                api.Environment(cr, api.SUPERUSER_ID, {})["cx.pbx"].browse(pbx_id)._cx_bridge_notify(
                    signals, wake_bus=wake_bus)
            connection.send((True, time.perf_counter()))
        except Exception as error:  # a screen-pop is of the moment: told to the parent, not retried
            _logger.exception("screen-pops of PBX %s", pbx_id)
            connection.send((False, repr(error)))
    wake_bus.close()
