from odoo import fields, models


class CxTicketType(models.Model):
    _name = "cx.ticket.type"
    _description = "Ticket Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    cx_skill_ids = fields.Many2many("cx.skill", string="Needed Skills")
    requires_credit_note = fields.Boolean(
        help="A ticket of this type cannot be closed before a credit note is linked to it (e.g. a refund request).",
    )

    _name_unique = models.Constraint("UNIQUE(name)", "A ticket type with this name already exists.")
