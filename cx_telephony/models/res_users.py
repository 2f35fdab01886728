import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate

AGENT_STATES = [
    ("logged_out", "Logged out"),
    ("available", "Available"),
    ("ringing", "Ringing"),
    ("on_call", "On a call"),
    ("paused", "Paused"),
    ("unavailable", "Phone unreachable"),
]
_lt = LazyTranslate(__name__)
PAUSE_REASONS = [_lt("Break"), _lt("Lunch"), _lt("Training"), _lt("After-call work"), _lt("Meeting")]
MEMBER_STATUS_STATES = {
    "available": "available",
    "in_call": "on_call",
    "busy": "on_call",
    "on_hold": "on_call",
    "ringing": "ringing",
    "unavailable": "unavailable",
    "invalid": "unavailable",
}

EXTENSION_RE = re.compile(r"/(\d+)(?:@|$)")
# the queue says so (QueueMemberStatus), or a call of theirs is not over
BUSY_STATES = ("paused", "ringing", "on_call")
# a call the bridge never saw end stops counting after this
BUSY_CALL_MAX = timedelta(hours=12)


class ResUsers(models.Model):
    _inherit = "res.users"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    cx_extension = fields.Char(string="Phone Extension", help="The agent's extension on the PBX, e.g. 1001.")
    cx_interface = fields.Char(
        string="Queue Interface",
        index="btree_not_null",
        help="The interface the queues ring, e.g. PJSIP/1001. Empty: PJSIP/<extension>.",
    )

    cx_agent_state = fields.Selection(AGENT_STATES, string="Agent State", default="logged_out", readonly=True)
    cx_pause_reason = fields.Char(string="Pause Reason", readonly=True)
    cx_agent_state_since = fields.Datetime(string="In This State Since", readonly=True)

    _cx_extension_unique = models.Constraint(
        "UNIQUE(cx_extension)", "Another user already has this extension: calls would reach the wrong agent."
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "cx_extension", "cx_interface", "cx_agent_state", "cx_pause_reason", "cx_agent_state_since",
        ]

    def _cx_agent_interface(self):
        self.ensure_one()
        return self.cx_interface or (f"PJSIP/{self.cx_extension}" if self.cx_extension else False)

    def _cx_find_agents(self, interfaces):
        """``{interface: user}`` for the queue interfaces given, matched on
        the user's interface, else on the extension inside it
        (``Local/1001@agents/n`` and ``PJSIP/1001`` are extension 1001). One query."""
        interfaces = {interface for interface in interfaces if interface}
        if not interfaces:
            return {}
        extensions = {match.group(1) for interface in interfaces if (match := EXTENSION_RE.search(interface))}
        users = self.sudo().search_fetch(
            ["|", ("cx_interface", "in", list(interfaces)), ("cx_extension", "in", list(extensions))],
            ["cx_interface", "cx_extension"],
            order="id",  # users' default order sorts on their partner's name: a join the screen-pop cannot afford
        )
        by_interface = {user.cx_interface: user for user in users if user.cx_interface}
        by_extension = {user.cx_extension: user for user in users if user.cx_extension}
        result = {}
        for interface in interfaces:
            match = EXTENSION_RE.search(interface)
            user = by_interface.get(interface) or (by_extension.get(match.group(1)) if match else None)
            if user:
                result[interface] = user
        return result

    # ------------------------------------------------------------
    # ACTIONS: queue membership (the systray's)
    # ------------------------------------------------------------

    def _cx_my_queues(self):
        """The PBX queues of my teams, by PBX."""
        self.ensure_one()
        queues = self.env["cx.pbx.queue"].sudo().search([("team_id", "in", self.cx_team_ids.ids), ("pbx_id.active", "=", True)])
        return queues.grouped("pbx_id")

    def _cx_require_agent_interface(self):
        """The agent's interface, or a clear error telling how to get one."""
        self.ensure_one()
        interface = self._cx_agent_interface()
        if not interface:
            if self != self.env.user:
                raise UserError(self.env._("%s has no phone extension: ask an administrator to set it on their user (Helpdesk tab).", self.name))
            raise UserError(self.env._("You have no phone extension: ask an administrator to set it on your user (Helpdesk tab)."))
        return interface

    def _cx_check_agent_control(self):
        """Raise AccessError unless the current user may change the queue
        state of these agents: their own; as a supervisor, the agents of the
        teams they lead; as a manager, the agents of their companies (they
        name the team leaders anyway). Checked before anything reaches the
        PBX. One query for a supervisor acting on others, none otherwise."""
        user = self.env.user
        others = self - user
        if not others or self.env.su:
            return
        if user.has_group("cx_helpdesk.group_cx_manager"):
            others = others.filtered(lambda agent: not (agent.sudo().company_ids & user.company_ids))
        elif user.has_group("cx_helpdesk.group_cx_supervisor"):
            led = self.env["cx.team"].sudo().search([("leader_id", "=", user.id)])
            others -= led.member_ids
        if others:
            raise AccessError(self.env._(
                "You may change your own queue state only, or, as a supervisor, that of the agents of the teams "
                "you lead (not %s).", ", ".join(others.sudo().mapped("name"))))

    def _cx_queue_actions(self, action, **fields):
        interface = self._cx_require_agent_interface()
        by_pbx = self._cx_my_queues()
        if not by_pbx:
            raise UserError(self.env._("None of your teams answers a PBX queue."))
        for pbx, queues in by_pbx.items():
            try:
                pbx._cx_ami_actions(
                    [(action, dict(fields, Queue=queue.name, Interface=interface, MemberName=self.name)) for queue in queues]
                )
            except OSError as error:
                raise UserError(self.env._("The PBX %(pbx)s cannot be reached: %(error)s", pbx=pbx.name, error=error)) from None

    def _cx_set_agent_state(self, state, reason=False):
        self.sudo().write({"cx_agent_state": state, "cx_pause_reason": reason or False, "cx_agent_state_since": fields.Datetime.now()})
        for user in self:
            user._bus_send("cx_telephony/agent_state", {"state": state, "reason": reason or False})
        if state == "available":
            # free again: the work that waited for an agent is offered now, after this transaction
            self.env.ref("cx_helpdesk.ir_cron_offer_waiting")._trigger()

    def _cx_busy_agents(self):
        """Agents paused, ringing or on a call as the queues say, or with a
        call of theirs ringing or answered and not ended (outbound calls
        too). One query."""
        busy = super()._cx_busy_agents() | self.filtered(lambda user: user.cx_agent_state in BUSY_STATES)
        others = self - busy
        if others:
            calls = self.env["cx.call"].sudo()._read_group(
                [
                    ("user_id", "in", others.ids),
                    ("state", "in", ("ringing", "answered")),
                    ("end_time", "=", False),
                    ("start_time", ">", fields.Datetime.now() - BUSY_CALL_MAX),
                ],
                ["user_id"],
            )
            busy |= self.browse([user.id for (user,) in calls])
        return busy

    # the systray's actions act on the current user; a supervisor calls them
    # on the agents of the teams they lead (checked first)

    def action_cx_queue_login(self):
        self._cx_check_agent_control()
        self._cx_queue_actions("QueueAdd", Paused="false")
        self._cx_set_agent_state("available")
        return self.cx_agent_state

    def action_cx_queue_pause(self, reason="Break"):
        self._cx_check_agent_control()
        self._cx_queue_actions("QueuePause", Paused="true", Reason=reason)
        self._cx_set_agent_state("paused", reason)
        return self.cx_agent_state

    def action_cx_queue_resume(self):
        self._cx_check_agent_control()
        self._cx_queue_actions("QueuePause", Paused="false")
        self._cx_set_agent_state("available")
        return self.cx_agent_state

    def action_cx_queue_logout(self):
        self._cx_check_agent_control()
        self._cx_queue_actions("QueueRemove")
        self._cx_set_agent_state("logged_out")
        return self.cx_agent_state

    @api.model
    def cx_agent_panel_data(self):
        """What the systray shows: my state and the pause reasons."""
        user = self.env.user
        return {
            "state": user.cx_agent_state,
            "reason": user.cx_pause_reason,
            "has_extension": bool(user.cx_extension or user.cx_interface),
            "reasons": [str(reason) for reason in PAUSE_REASONS],
        }

    def _cx_apply_member_status(self, payload):
        """A QueueMemberStatus/Pause/Added/Removed event about this agent."""
        self.ensure_one()
        event = payload.get("event")
        if event == "QueueMemberRemoved":
            state, reason = "logged_out", False
        elif payload.get("paused"):
            state, reason = "paused", payload.get("paused_reason") or self.cx_pause_reason
        else:
            state, reason = MEMBER_STATUS_STATES.get(payload.get("status"), self.cx_agent_state), False
        if (state, reason or False) != (self.cx_agent_state, self.cx_pause_reason or False):
            self._cx_set_agent_state(state, reason)
