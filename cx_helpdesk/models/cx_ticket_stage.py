from odoo import fields, models


class CxTicketStage(models.Model):
    _name = "cx.ticket.stage"
    _description = "Ticket Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_ids = fields.Many2many(
        "cx.team",
        string="Teams",
        help="Teams using this stage; leave empty for every team.",
    )
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Tickets in this stage are closed: resolution SLAs are met and the customer can rate the service.",
    )
    is_waiting_customer = fields.Boolean(
        string="Waiting on Customer",
        help="The SLA clocks of tickets in this stage are paused until the ticket leaves it.",
    )
    template_id = fields.Many2one(
        "mail.template",
        string="Email on Entry",
        domain=[("model", "=", "cx.ticket")],
        help="Sent to the customer when a ticket enters this stage.",
    )
