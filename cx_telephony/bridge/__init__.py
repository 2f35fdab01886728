"""The AMI bridge's processes, apart from the server (as queue_job keeps its
job runner): ``ami_bridge`` (the asyncio engine: PBXs followed, calls folded,
write-ahead journal; no ORM), ``pop_process`` (the screen-pop writer, a forked
process with a registry of its own) and ``bus_waker`` (the bus woken over one
kept connection). ``odoo-bin cx_ami_bridge`` (cli/cx_ami_bridge.py) runs them;
the server never imports this package.
"""
