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
"""

import contextlib
import logging
import multiprocessing
import threading
import time
import traceback

_logger = logging.getLogger(__name__)


class PopWriterProcess:
    def __init__(self, dbname):
        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, dbname), name="cx-ami-screen-pops", daemon=True)
        self._process.start()
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


def _serve(connection, dbname):
    from odoo import api, sql_db
    from odoo.modules.registry import Registry
    from odoo.tools import config

    from odoo.addons.cx_telephony.tools.bus_waker import BusWaker

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
    while (request := connection.recv()) is not None:
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
