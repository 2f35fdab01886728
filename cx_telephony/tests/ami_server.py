"""An AMI test server that behaves like Asterisk (test helper).

asyncio TCP server on 127.0.0.1 (port chosen by the OS) speaking the AMI
framing: the banner, Login (checks the secret; a wrong one gets
``Response: Error`` then the socket closes, as Asterisk does), Ping, Logoff,
Originate (queued, then an ``OriginateResponse``), the event lists
CoreShowChannels and QueueStatus, QueueAdd/QueuePause/QueueRemove. It plays
the events of the real captures of ``fixtures/ami`` to logged-in clients, can
drop every connection (a network cut) and announce a Shutdown.

It runs in a thread of its own so that synchronous Odoo code and tests can
talk to it: ``with AmiTestServer(secret="s") as server: ... server.port``.
"""

import asyncio
import threading

from odoo.addons.cx_telephony.tools.ami import AmiParser

from .ami_fixtures import server_events

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def encode(fields):
    return "".join(f"{key}: {value}\r\n" for key, value in fields).encode() + b"\r\n"


class AmiTestServer:
    def __init__(self, username="odoo", secret="amisecret", live_channels=(), queue_members=(), queue_entries=()):
        self.username = username
        self.secret = secret
        self.live_channels = list(live_channels)  # dicts for CoreShowChannels
        self.queue_members = list(queue_members)  # dicts for QueueStatus (QueueMember events)
        self.queue_entries = list(queue_entries)  # dicts for QueueStatus (QueueEntry events: callers waiting)
        self.actions = []  # every action received, as dicts
        self.originate_result = ("Success", "4")
        self.port = None
        self._loop = None
        self._server = None
        self._writers = set()
        self._thread = None
        self._ready = threading.Event()

    # ------------------------------------------------------------ lifecycle
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self._thread = threading.Thread(target=self._run, name="ami-test-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the AMI test server did not start")

    def _run(self):
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port or 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def stop(self):
        if self._loop:
            self._call(self._close_all)
            self._loop.call_soon_threadsafe(self._server.close)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def _call(self, coroutine_function, *args):
        future = asyncio.run_coroutine_threadsafe(coroutine_function(*args), self._loop)
        return future.result(10)

    # ------------------------------------------------------------ controls
    def play(self, capture):
        """Send the events of a capture to every logged-in client."""
        self._call(self._broadcast, [message.fields for _at, message in server_events(capture)])

    def send_event(self, fields):
        self._call(self._broadcast, [list(fields)])

    def send_events(self, events):
        """Several events written at once, as a busy PBX does."""
        self._call(self._broadcast, [list(fields) for fields in events])

    def drop_connections(self):
        """Cut every connection, like a network failure."""
        self._call(self._close_all)

    def shutdown(self):
        self._call(self._broadcast, [[("Event", "Shutdown"), ("Shutdown", "Cleanly"), ("Restart", "True")]])
        self._call(self._close_all)

    # ------------------------------------------------------------ protocol
    async def _broadcast(self, messages):
        for writer in list(self._writers):
            for fields in messages:
                writer.write(encode(fields))
            await writer.drain()

    async def _close_all(self):
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _client(self, reader, writer):
        writer.write(BANNER)
        parser = AmiParser()
        logged_in = False
        try:
            while data := await reader.read(65536):
                for message in parser.feed(data):
                    action = (message["Action"] or "").lower()
                    self.actions.append(message.as_dict())
                    action_id = message["ActionID"]
                    head = [("ActionID", action_id)] if action_id else []
                    if action == "login":
                        if message["Username"] == self.username and message["Secret"] == self.secret:
                            logged_in = True
                            self._writers.add(writer)
                            writer.write(encode([("Response", "Success"), *head, ("Message", "Authentication accepted")]))
                            writer.write(encode([("Event", "FullyBooted"), ("Privilege", "system,all"), ("Status", "Fully Booted")]))
                        else:
                            writer.write(encode([("Response", "Error"), *head, ("Message", "Authentication failed")]))
                            await writer.drain()
                            writer.close()
                            return
                    elif not logged_in:
                        writer.write(encode([("Response", "Error"), *head, ("Message", "Missing action in request")]))
                    elif action == "ping":
                        writer.write(encode([("Response", "Success"), *head, ("Ping", "Pong"), ("Timestamp", "1795447327.000000")]))
                    elif action == "logoff":
                        writer.write(encode([("Response", "Goodbye"), *head, ("Message", "Thanks for all the fish.")]))
                        await writer.drain()
                        writer.close()
                        self._writers.discard(writer)
                        return
                    elif action == "originate":
                        response, reason = self.originate_result
                        writer.write(encode([("Response", "Success"), *head, ("Message", "Originate successfully queued")]))
                        writer.write(encode([("Event", "OriginateResponse"), ("Privilege", "call,all"), *head,
                                             ("Response", response), ("Channel", message["Channel"]),
                                             ("Context", message["Context"]), ("Exten", message["Exten"]),
                                             ("Reason", reason), ("Uniqueid", "<unknown>" if response != "Success" else "1795447362.12")]))
                    elif action == "coreshowchannels":
                        writer.write(encode([("Response", "Success"), *head, ("EventList", "start"), ("Message", "Channels will follow")]))
                        for channel in self.live_channels:
                            writer.write(encode([("Event", "CoreShowChannel"), *head, *channel.items()]))
                        writer.write(encode([("Event", "CoreShowChannelsComplete"), *head, ("EventList", "Complete"),
                                             ("ListItems", str(len(self.live_channels)))]))
                    elif action == "queuestatus":
                        writer.write(encode([("Response", "Success"), *head, ("EventList", "start"),
                                             ("Message", "Queue status will follow")]))
                        items = [("QueueMember", member) for member in self.queue_members]
                        items += [("QueueEntry", entry) for entry in self.queue_entries]
                        for event, item in items:
                            writer.write(encode([("Event", event), *head, *item.items()]))
                        writer.write(encode([("Event", "QueueStatusComplete"), *head, ("EventList", "Complete"),
                                             ("ListItems", str(len(items)))]))
                    elif action in ("queueadd", "queuepause", "queueremove"):
                        writer.write(encode([("Response", "Success"), *head, ("Message", "Done")]))
                    else:
                        writer.write(encode([("Response", "Error"), *head, ("Message", "Invalid/unknown command")]))
                    await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
