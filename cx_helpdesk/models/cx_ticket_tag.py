from random import randint

from odoo import fields, models


class CxTicketTag(models.Model):
    _name = "cx.ticket.tag"
    _description = "Ticket Tag"
    _order = "name"

    def _default_color(self):
        return randint(1, 11)

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=_default_color)
    active = fields.Boolean(default=True)
    cx_skill_ids = fields.Many2many("cx.skill", string="Needed Skills")

    _name_unique = models.Constraint("UNIQUE(name)", "A tag with this name already exists.")
