"""``odoo-bin cx_ami_bridge -c odoo.conf -d DB``: follow the database's PBXs
over AMI and write their calls. One process per database, any number of PBXs.

Odoo finds this command in the addons path given *before* the command name:
``odoo-bin --addons-path=... cx_ami_bridge -c odoo.conf -d DB``.
"""

import asyncio
import logging
import os
import signal
import threading

from odoo import api
from odoo.cli.command import Command
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger("odoo.addons.cx_telephony.bridge")


class CxAmiBridge(Command):
    """Follow the PBXs of one database over AMI and write their calls."""

    name = "cx_ami_bridge"

    def run(self, args):
        config.parser.prog = self.prog
        config.parse_config(args, setup_logging=True)
        dbnames = config["db_name"]
        if len(dbnames) != 1:
            raise SystemExit("cx_ami_bridge follows one database: give it with -d")
        dbname = dbnames[0]
        threading.current_thread().dbname = dbname
        # forked first, before this process opens any connection: the
        # screen-pops get an interpreter (and a core) of their own
        from odoo.addons.cx_telephony.bridge.pop_process import PopWriterProcess

        pop_writer = PopWriterProcess(dbname)
        registry = Registry(dbname)
        # the write-ahead journal: what a killed (or stopped) bridge had not
        # written is replayed from it at the next start
        journal = os.path.join(config["data_dir"], "cx_telephony", f"ami_bridge_{dbname}.journal")

        def load_pbxs():
            with registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                return env["cx.pbx"]._cx_bridge_configs()

        def sink(pbx_id, changes):
            with registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                env["cx.pbx"].browse(pbx_id)._cx_bridge_apply(changes)

        # imported once the registry is loaded
        from odoo.addons.cx_telephony.bridge.ami_bridge import AmiBridge
        from odoo.addons.cx_telephony.tools.journal import JournalLocked

        try:
            bridge = AmiBridge(load_pbxs, sink, journal_path=journal, notify=pop_writer)
        except JournalLocked as error:
            pop_writer.close()
            raise SystemExit(f"cx_ami_bridge: {error}: one bridge per database") from None
        legacy_spill = os.path.join(config["data_dir"], f"cx_ami_bridge_{dbname}.jsonl")
        if os.path.exists(legacy_spill):
            _logger.warning("AMI bridge: %s changes of %s taken into the journal",
                            bridge.journal.adopt_spill_file(legacy_spill), legacy_spill)

        async def main():
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, bridge.stop)
            _logger.info("AMI bridge for database %s started", dbname)
            await bridge.run()
            _logger.info("AMI bridge for database %s stopped (%s changes written)", dbname, bridge.written)

        try:
            asyncio.run(main())
        finally:
            pop_writer.close()
        return 0
