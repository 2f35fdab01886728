import re

from odoo import fields, models

EXTENSION_RE = re.compile(r"/(\d+)(?:@|$)")


class ResUsers(models.Model):
    _inherit = "res.users"

    cx_extension = fields.Char(string="Phone Extension", help="The agent's extension on the PBX, e.g. 1001.")
    cx_interface = fields.Char(
        string="Queue Interface",
        help="The interface the queues ring, e.g. PJSIP/1001. Empty: PJSIP/<extension>.",
    )

    _cx_extension_unique = models.Constraint(
        "UNIQUE(cx_extension)", "Another user already has this extension: calls would reach the wrong agent."
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["cx_extension", "cx_interface"]

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
        users = self.sudo().search(
            ["|", ("cx_interface", "in", list(interfaces)), ("cx_extension", "in", list(extensions))]
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
