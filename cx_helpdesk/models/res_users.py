from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    cx_team_ids = fields.Many2many("cx.team", "cx_team_res_users_rel", "user_id", "team_id", string="Helpdesk Teams")
    cx_skill_ids = fields.Many2many("cx.skill", "cx_skill_res_users_rel", "user_id", "skill_id", string="Skills")
    cx_lang_ids = fields.Many2many(
        "res.lang",
        "cx_res_users_lang_rel",
        "user_id",
        "lang_id",
        string="Spoken Languages",
        help="Languages the agent answers tickets in; empty: the user's own language.",
    )
    cx_ticket_capacity = fields.Integer(
        string="Open Ticket Capacity",
        help="Routing gives no more open tickets to the agent; 0: no limit.",
    )
    cx_conversation_capacity = fields.Integer(
        string="Open Conversation Capacity",
        help="Routing gives no more open conversations (WhatsApp...) to the agent; 0: no limit.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "cx_team_ids", "cx_skill_ids", "cx_lang_ids", "cx_ticket_capacity",
            "cx_conversation_capacity",
        ]

    def _cx_skill_score(self, ticket):
        """How well the agent fits ``ticket`` for skills-based routing: None
        when a needed skill or the language is missing, else the number of
        needed skills (more specific tickets rank matched agents higher)."""
        self.ensure_one()
        needed = ticket.type_id.cx_skill_ids | ticket.tag_ids.cx_skill_ids
        if needed - self.cx_skill_ids:
            return None
        if not self._cx_speaks(ticket.lang):
            return None
        return len(needed)

    def _cx_speaks(self, lang):
        """Whether the agent answers in ``lang`` (any language when empty)."""
        self.ensure_one()
        return not lang or lang in (set(self.cx_lang_ids.mapped("code")) or {self.lang})

    def _cx_busy_agents(self):
        """The agents of ``self`` who must not be offered new work now (on a
        call, paused...): none here; a channel that knows the agents'
        presence (cx_telephony) adds its own. Teams with presence routing
        skip them. A query or two for the whole recordset."""
        return self.browse()
