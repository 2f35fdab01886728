"""Wake Odoo's bus from the AMI bridge over one connection kept open.

Odoo's bus sends its ``NOTIFY imbus`` after each commit over a connection to
the ``postgres`` database that its pool never keeps (sql_db.Cursor.close), so
every notification pays a new PostgreSQL connection: 6 ms on this machine,
half of a screen-pop's budget. The bridge is one long-lived process: it keeps
that connection and sends the same payload (the bus's own helpers) over it.
"""

import logging
import threading

import psycopg2
from psycopg2 import sql

from odoo.sql_db import connection_info_for

from odoo.addons.bus.models.bus import ODOO_NOTIFY_FUNCTION, get_notify_payloads

_logger = logging.getLogger(__name__)
NOTIFY = sql.SQL("SELECT {}('imbus', %s)").format(sql.Identifier(ODOO_NOTIFY_FUNCTION))


class BusWaker:
    def __init__(self):
        self._connection = None
        self._lock = threading.Lock()

    def __call__(self, channels):
        """NOTIFY the bus listeners of ``channels`` (already in ``bus_bus``,
        committed). One reconnection on a broken connection, then it raises."""
        payloads = get_notify_payloads(list(channels))
        with self._lock:
            for attempt in (1, 2):
                try:
                    connection = self._connect()
                    with connection.cursor() as cr:
                        for payload in payloads:
                            cr.execute(NOTIFY, [payload])
                    return
                except (psycopg2.OperationalError, psycopg2.InterfaceError):
                    self.close()
                    if attempt == 2:
                        raise
                    _logger.info("bus connection lost: reconnecting")

    def _connect(self):
        if self._connection is None or self._connection.closed:
            _dbname, info = connection_info_for("postgres")
            self._connection = psycopg2.connect(**info)
            self._connection.autocommit = True
        return self._connection

    def close(self):
        if self._connection is not None and not self._connection.closed:
            self._connection.close()
        self._connection = None
