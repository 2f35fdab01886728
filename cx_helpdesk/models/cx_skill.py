from odoo import fields, models


class CxSkill(models.Model):
    """A competence an agent has and a ticket needs (product line, billing,
    technical level...). A ticket needs the skills of its type and its tags."""

    _name = "cx.skill"
    _description = "Helpdesk Skill"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    type_ids = fields.Many2many("cx.ticket.type", string="Needed by ticket types")
    tag_ids = fields.Many2many("cx.ticket.tag", string="Needed by tags")
    user_ids = fields.Many2many("res.users", "cx_skill_res_users_rel", "skill_id", "user_id", string="Agents")

    _name_unique = models.Constraint("UNIQUE(name)", "A skill with this name already exists.")
