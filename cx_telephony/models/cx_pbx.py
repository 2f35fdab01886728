import logging
import re
import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.bus.models.bus import channel_with_db, json_dump
from odoo.addons.cx_telephony.tools.ami_client import AmiError, run_actions
from odoo.addons.cx_telephony.tools.cdr_csv import read_cdr_file, summarize

_logger = logging.getLogger(__name__)

# the tracker's agent signals and the panel event each one shows
SCREEN_POP_EVENTS = {"agent_ringing": "ringing", "agent_answered": "answered", "agent_ring_no_answer": "missed"}


class CxPbx(models.Model):
    """An Asterisk PBX reached over AMI. The AMI bridge (``odoo-bin
    cx_ami_bridge``) keeps one connection per active PBX and writes its calls."""

    _name = "cx.pbx"
    _description = "Asterisk PBX"
    _order = "sequence, id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    host = fields.Char(string="AMI Host", required=True, default="localhost")
    port = fields.Integer(string="AMI Port", required=True, default=5038)
    username = fields.Char(string="AMI User", required=True, default="odoo")
    secret = fields.Char(string="AMI Secret", groups="base.group_system", copy=False)
    use_tls = fields.Boolean(string="TLS", help="AMI over TLS (manager.conf: tlsenable, port 5039 by default).")
    # managers only: the PBX's own web server is not behind Odoo's access checks
    recording_base_url = fields.Char(
        string="Recordings Location",
        groups="cx_helpdesk.group_cx_manager",
        help="Where the recordings are served from (the directory of MixMonitor's files, "
        "shared with Odoo or behind an internal web server). Odoo serves them to allowed users only.",
    )
    internal_number_max_digits = fields.Integer(
        string="Extension Length",
        default=5,
        help="Numbers with at most this many digits are extensions (agents); longer ones are customers.",
    )
    originate_context = fields.Char(
        string="Click-to-dial Context",
        default="agents",
        required=True,
        help="Dialplan context in which the numbers agents dial from Odoo are routed (extensions.conf).",
    )
    cdr_csv_path = fields.Char(
        string="CDR File",
        help="Asterisk's CDR CSV file (cdr_csv's Master.csv) as the AMI bridge sees it, read-only. The calls "
        "that happened while the bridge was stopped are recorded from it when it comes back.",
    )
    cdr_csv_position = fields.Integer(
        string="CDR File Position", readonly=True, copy=False, groups="base.group_system",
        help="How far the CDR file has been read (bytes).",
    )
    queue_ids = fields.One2many("cx.pbx.queue", "pbx_id", string="Queues")
    connection_state = fields.Selection(
        [("unknown", "Never connected"), ("connected", "Connected"), ("disconnected", "Disconnected"), ("error", "Error")],
        default="unknown",
        readonly=True,
        copy=False,
    )
    asterisk_version = fields.Char(readonly=True, copy=False)
    last_event_at = fields.Datetime(string="Last Event", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    call_count = fields.Integer(compute="_compute_call_count")

    _host_port_unique = models.Constraint("UNIQUE(host, port, company_id)", "This PBX is already configured.")

    def _compute_call_count(self):
        counts = dict(self.env["cx.call"]._read_group([("pbx_id", "in", self.ids)], ["pbx_id"], ["__count"]))
        for pbx in self:
            pbx.call_count = counts.get(pbx, 0)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_test_connection(self):
        """Log in to AMI and report the Asterisk version, or the exact error."""
        self.ensure_one()
        try:
            version = self.sudo()._cx_ami_login_check(timeout=5)
        except (OSError, UserError) as error:
            message = str(error.args[0] if isinstance(error, UserError) else error) or error.__class__.__name__
            self.sudo().write({"connection_state": "error", "last_error": message})
            return self._cx_notify(self.env._("Connection failed: %s", message), "danger")
        self.sudo().write({"asterisk_version": version, "last_error": False})
        return self._cx_notify(self.env._("Connected: Asterisk Call Manager %s, login accepted.", version), "success")

    def _cx_notify(self, message, kind):
        params = {"message": message, "type": kind, "sticky": kind == "danger"}
        if self:
            params["title"] = self[:1].name
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    def action_click_to_dial(self, number, res_model=None, res_id=None):
        """Ring the agent's phone, then dial ``number`` (AMI Originate).
        Errors the agent can act on are raised at once; a busy or failed
        destination comes back later on the bus."""
        user = self.env.user
        interface = user._cx_require_agent_interface()
        pbx = self.sudo().search([("company_id", "=", self.env.company.id)], limit=1)
        if not pbx:
            raise UserError(self.env._("No PBX is configured for %s.", self.env.company.name))
        dial = pbx._cx_dialable(number)
        if not dial:
            raise UserError(self.env._("%s is not a phone number that can be dialled.", number))
        record = self.env[res_model].browse(res_id).exists() if res_model in ("res.partner", "cx.ticket") and res_id else None
        partner = record if record and record._name == "res.partner" else (record.partner_id if record else False)
        action_id = f"cx-dial-{uuid.uuid4().hex}"
        self.env["cx.call"].sudo().create(
            {
                "pbx_id": pbx.id,
                "linkedid": action_id,
                "direction": "outbound",
                "state": "ringing",
                "caller_number": user.cx_extension or interface,
                "called_number": dial,
                "customer_e164": self.env["res.partner"]._cx_e164(number, pbx.company_id.country_id),
                "partner_id": partner.id if partner else False,
                "ticket_id": record.id if record and record._name == "cx.ticket" else False,
                "user_id": user.id,
                "team_id": user.cx_team_ids[:1].id,
                "originate_action_id": action_id,
            }
        )
        try:
            pbx._cx_ami_originate(interface, dial, action_id, f'"{user.name}" <{user.cx_extension or interface}>')
        except (OSError, UserError) as error:
            # the error rolls the request back: no call was placed, none is recorded
            message = str(error.args[0] if isinstance(error, UserError) else error) or error.__class__.__name__
            raise UserError(self.env._("The PBX could not place the call: %s", message)) from None
        return self._cx_notify(self.env._("Calling %s: pick up your phone.", dial), "info")

    def _cx_dialable(self, number):
        """``number`` as the PBX dials it from the company's country (see
        ``res.partner._cx_dialable``), or an internal extension."""
        if dial := self.env["res.partner"]._cx_dialable(number, self.company_id.country_id):
            return dial
        digits = re.sub(r"[^\d]", "", number or "")
        return digits if 2 <= len(digits) <= self.internal_number_max_digits else False

    def _cx_ami_originate(self, channel, exten, action_id, caller_id, timeout=5):
        """Ask the PBX to ring ``channel`` and connect it to ``exten``;
        returns once the PBX has queued the call (or raises its error)."""
        self.ensure_one()
        fields = {"ActionID": action_id, "Channel": channel, "Exten": exten, "Context": self.originate_context,
                  "Priority": 1, "CallerID": caller_id, "Timeout": 30000, "Async": "true"}
        try:
            run_actions(self._cx_ami_config(), [("Originate", fields)], timeout)
        except AmiError as error:
            # the PBX's own words: the caller says the call could not be placed
            raise (UserError(error.message or "Error") if error.kind == "refused" else self._cx_ami_user_error(error)) from None

    def _cx_ami_actions(self, actions, timeout=5):
        """Send AMI ``[(action, fields)]`` in one session; raises UserError
        with the PBX's message on the first refused one."""
        self.ensure_one()
        self._cx_ami_run(actions, timeout)

    def _cx_ami_login_check(self, timeout=5):
        """Open an AMI session, log in and off; returns the manager version.
        Blocking, bounded by ``timeout`` seconds per step."""
        self.ensure_one()
        return self._cx_ami_run([], timeout)

    def _cx_ami_run(self, actions, timeout):
        """One session of tools/ami_client.py; returns the manager version.
        The PBX's refusals are raised as UserError, OSError when it cannot be
        reached."""
        try:
            return run_actions(self._cx_ami_config(), actions, timeout)
        except AmiError as error:
            raise self._cx_ami_user_error(error) from None

    def _cx_ami_config(self):
        return {"host": self.host, "port": self.port, "username": self.username, "secret": self.secret,
                "use_tls": self.use_tls}

    def _cx_ami_user_error(self, error):
        if error.kind == "login":
            return UserError(self.env._("Login refused: %s", error.message))
        if error.kind == "not_ami":
            return UserError(self.env._("This server does not speak AMI (no 'Asterisk Call Manager' banner)."))
        if error.kind == "closed":
            return UserError(self.env._("The PBX closed the connection."))
        return UserError(self.env._("%(action)s refused by the PBX: %(message)s", action=error.action,
                                    message=error.message))

    # ------------------------------------------------------------
    # BUSINESS: the AMI bridge
    # ------------------------------------------------------------

    @api.model
    def _cx_bridge_configs(self):
        """What the bridge needs to follow the active PBXs (read as superuser)."""
        return [
            {
                "id": pbx.id,
                "host": pbx.host,
                "port": pbx.port,
                "username": pbx.username,
                "secret": pbx.secret,
                "use_tls": pbx.use_tls,
                "internal_number_max_digits": pbx.internal_number_max_digits,
            }
            for pbx in self.sudo().search([])
        ]

    def _cx_bridge_apply(self, changes):
        """Write a batch of the bridge's changes for this PBX, in one
        transaction: calls (idempotent), connection status, the calls still
        live after a reconnection (applied in their place in the stream: the
        calls after them are not theirs to close)."""
        self.ensure_one()
        chunk = []
        for change in changes:
            chunk.append(change)
            if change[0] == "live_calls":
                self._cx_bridge_apply_chunk(chunk)
                chunk = []
        if chunk or not changes:
            self._cx_bridge_apply_chunk(chunk)

    def _cx_bridge_apply_chunk(self, changes):
        pbx = self.sudo()
        snapshots = [payload for kind, payload in changes if kind == "call"]
        calls = self.env["cx.call"].sudo()
        if snapshots:
            calls = self.env["cx.call"]._cx_apply_snapshots(pbx, snapshots).sudo()
        pbx._cx_send_screen_pops(changes, calls)
        for kind, payload in changes:
            if kind == "status":
                values = {"connection_state": payload["state"], "last_error": payload.get("error") or False}
                if payload.get("version"):
                    values["asterisk_version"] = payload["version"]
                pbx.write(values)
            elif kind == "live_calls":
                pbx._cx_import_cdr_calls(payload["linkedids"])
                pbx._cx_close_stale_calls(payload["linkedids"], payload["at"])
                # the calls the bridge ended at this reconnection, the CDRs read: still unanswered, called back
                ended = self.env["cx.call"].sudo().search([
                    ("pbx_id", "=", pbx.id), ("linkedid", "in", payload.get("ended") or []),
                    ("state", "in", ("missed", "abandoned")),
                ])
                ended._cx_schedule_callbacks()
            elif kind == "originate":
                pbx._cx_originate_outcome(payload)
        members = [payload for kind, payload in changes if kind == "member_status"]
        if members:
            agents = self.env["res.users"]._cx_find_agents({payload["interface"] for payload in members})
            for payload in members:
                if agent := agents.get(payload["interface"]):
                    agent._cx_apply_member_status(payload)
        if changes:
            pbx.last_event_at = fields.Datetime.now()

    def _cx_import_cdr_calls(self, live_linkedids):
        """Read the CDR file from where it was left: record the calls that
        happened while the bridge was away (each once, keyed by Linkedid),
        close the open ones it tells the end of and correct the ends estimated
        at a reconnection. The live calls are left to the event stream.
        Returns the calls recorded or closed."""
        self.ensure_one()
        Call = self.env["cx.call"].sudo()
        if not self.cdr_csv_path:
            return Call
        try:
            batch = read_cdr_file(self.cdr_csv_path, self.cdr_csv_position)
        except OSError as error:
            _logger.warning("PBX %s: the CDR file %s could not be read: %s", self.id, self.cdr_csv_path, error)
            self.last_error = self.env._("The CDR file could not be read: %s", error)
            return Call
        cdr_calls = summarize(batch.records, self.internal_number_max_digits)
        for linkedid in live_linkedids:
            cdr_calls.pop(linkedid, None)
        self.cdr_csv_position = batch.position
        if not cdr_calls:
            return Call
        recorded = {
            call.linkedid: call for call in Call.search([("pbx_id", "=", self.id), ("linkedid", "in", list(cdr_calls))])
        }
        snapshots = []
        for linkedid, snapshot in cdr_calls.items():
            call = recorded.get(linkedid)
            if call and call.end_time and not call.end_time_estimated:
                continue  # followed to its end by the event stream
            if call:
                # whole seconds: the start the stream recorded is the precise one
                snapshot = dict(snapshot, start_time=None)
            snapshots.append(snapshot)
        calls = Call._cx_apply_snapshots(self, snapshots) if snapshots else Call
        for call in calls:
            if call.linkedid not in recorded:
                call.message_post(body=self.env._(
                    "This call happened while the AMI bridge was stopped: it is recorded from the PBX's CDR file."))
        return calls

    def _cx_close_stale_calls(self, live_linkedids, at):
        """Calls still open here whose channels are gone ended while the
        bridge was stopped: close them (answered ones as completed)."""
        open_calls = self.env["cx.call"].search(
            [("pbx_id", "=", self.id), ("state", "in", ("ringing", "queued", "answered")), ("linkedid", "not in", live_linkedids)]
        )
        for call in open_calls:
            values = {
                "state": "completed" if call.state == "answered" else ("abandoned" if call.queued_time or call.queue else "missed"),
                "end_time": at,
                "end_time_estimated": True,
            }
            if call.state == "answered" and call.answered_time and not call.talk_seconds:
                values["talk_seconds"] = max((at - call.answered_time).total_seconds(), 0)
            call.write(values)
            call.message_post(body=self.env._("The call ended while the AMI bridge was not connected; its end time is when the bridge came back."))
        open_calls.filtered(lambda c: c.state in ("missed", "abandoned"))._cx_schedule_callbacks()

    def _cx_bridge_notify(self, signals, wake_bus=None):
        """The screen-pops of the bridge's fast path: the agents' panels, before
        (and independently of) the call records. The panel carries the call's
        Linkedid; its buttons find the call when they are used.

        ``wake_bus``: the bridge's own bus connection (bridge/bus_waker.py),
        called after the commit instead of the new connection Odoo's bus opens
        for every notification."""
        self.ensure_one()
        pbx = self.sudo()
        agents = self.env["res.users"]._cx_find_agents({payload["interface"] for _kind, payload in signals})
        numbers = {payload.get("caller_number") for _kind, payload in signals} - {None}
        # the company's country is computed on res.company: read it where it is stored
        partners = self.env["res.partner"]._cx_find_callers(numbers, pbx.company_id.partner_id.country_id, pbx.company_id)
        calls = {
            call.linkedid: call
            for call in self.env["cx.call"].sudo().search(
                [("pbx_id", "=", pbx.id), ("linkedid", "in", [payload["linkedid"] for _kind, payload in signals])]
            )
        }
        queues = {queue.name: queue for queue in pbx.queue_ids}
        panels = []
        for kind, payload in signals:
            agent = agents.get(payload["interface"])
            if not agent:
                continue
            call = calls.get(payload["linkedid"])
            queue = queues.get(payload.get("queue"))
            panels.append((agent, {
                "user": agent,  # the panel shows what this agent may read
                "event": SCREEN_POP_EVENTS[kind],
                "pbx": pbx,
                "linkedid": payload["linkedid"],
                "number": payload.get("caller_number"),
                "partner": (call.partner_id if call else None) or partners.get(payload.get("caller_number")),
                "queue": payload.get("queue"),
                "team": (call.team_id if call else None) or (queue.team_id if queue else None),
                "call": call,
            }))
        payloads = self.env["cx.call"]._cx_panel_payloads([panel for _agent, panel in panels])
        if wake_bus is None:
            for (agent, _panel), message in zip(panels, payloads, strict=True):
                agent._bus_send("cx_telephony/screen_pop", message)
            return
        # the rows bus.listener.mixin._bus_send stores (bus.bus._sendone's
        # format), inserted at once (the ORM's create costs 7 ms for 50), then
        # the bridge's connection wakes the listeners once committed
        channels, rows = [], []
        for (agent, _panel), message in zip(panels, payloads, strict=True):
            channel = agent
            while (parent := channel._bus_channel()) != channel:
                channel = parent
            channel = channel_with_db(self.env.cr.dbname, channel)
            channels.append(channel)
            rows.append(SQL("(%s, %s, %s, %s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')",
                            json_dump(channel), json_dump({"type": "cx_telephony/screen_pop", "payload": message}),
                            self.env.uid, self.env.uid))
        if rows:
            self.env.cr.execute(SQL(
                "INSERT INTO bus_bus (channel, message, create_uid, write_uid, create_date, write_date) VALUES %s",
                SQL(", ").join(rows),
            ))
            self.env.cr.postcommit.add(lambda: wake_bus(channels))

    def _cx_send_screen_pops(self, changes, calls):
        """The screen-pops of a bulk batch: the agents' signals (when the bridge
        has no fast path) the way the fast path sends them, and the end of the
        calls to the agent who had them."""
        signals = [(kind, payload) for kind, payload in changes if kind in SCREEN_POP_EVENTS]
        if signals:
            self._cx_bridge_notify(signals)
        by_linkedid = {call.linkedid: call for call in calls}
        ended = self.env["cx.call"]
        for kind, payload in changes:
            call = by_linkedid.get(payload.get("linkedid")) if kind == "call" and payload.get("ended") else None
            if call and call.user_id:
                ended |= call
        # the panels of all the calls that ended in this batch, computed together
        payloads = self.env["cx.call"]._cx_panel_payloads([call._cx_panel("ended") for call in ended])
        for call, payload in zip(ended, payloads, strict=True):
            call.user_id._bus_send("cx_telephony/screen_pop", payload)

    def _cx_originate_outcome(self, payload):
        """The PBX's answer to a click-to-dial: the call placed is merged
        into the one its channels created; a busy or failed destination is
        told to the agent."""
        placed = self.env["cx.call"].search(
            [("pbx_id", "=", self.id), ("originate_action_id", "=", payload.get("action_id"))], limit=1
        )
        if not placed:
            return
        if payload.get("success") and payload.get("uniqueid"):
            tracked = self.env["cx.call"].search([("pbx_id", "=", self.id), ("linkedid", "=", payload["uniqueid"])], limit=1)
            if tracked:
                tracked.write(
                    {
                        "partner_id": tracked.partner_id.id or placed.partner_id.id,
                        "ticket_id": tracked.ticket_id.id or placed.ticket_id.id,
                        "user_id": tracked.user_id.id or placed.user_id.id,
                        "originate_action_id": placed.originate_action_id,
                    }
                )
                placed.unlink()
            else:
                placed.linkedid = payload["uniqueid"]
            return
        busy = payload.get("reason") == "5"
        placed.write({"state": "busy" if busy else "failed", "end_time": fields.Datetime.now()})
        message = (
            self.env._("%s is busy.", placed.called_number)
            if busy
            else self.env._(
                "The call to %(number)s could not be placed (PBX reason %(reason)s).",
                number=placed.called_number,
                reason=payload.get("reason"),
            )
        )
        placed.user_id._bus_send("simple_notification", {"type": "warning", "message": message, "sticky": False})
