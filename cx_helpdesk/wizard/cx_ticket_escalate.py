from odoo import api, fields, models
from odoo.exceptions import UserError


class CxTicketEscalate(models.TransientModel):
    _name = "cx.ticket.escalate"
    _description = "Escalate a Ticket to Another Tier"
    _check_company_auto = True

    ticket_id = fields.Many2one("cx.ticket", required=True, ondelete="cascade")
    direction = fields.Selection([("up", "Escalate"), ("down", "Send back")], required=True, default="up")
    team_id = fields.Many2one(
        "cx.team",
        string="To Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        domain="[('id', '!=', current_team_id), ('company_id', '=', company_id)]",
        check_company=True,
    )
    current_team_id = fields.Many2one(related="ticket_id.team_id")
    company_id = fields.Many2one(related="ticket_id.company_id")
    reason = fields.Text(required=True)

    @api.depends("ticket_id", "direction")
    def _compute_team_id(self):
        for wizard in self:
            ticket = wizard.ticket_id
            if wizard.direction == "up":
                wizard.team_id = ticket.team_id.escalation_team_id
            else:
                wizard.team_id = ticket._cx_deescalation_team() if ticket else False

    def action_confirm(self):
        self.ensure_one()
        if self.team_id == self.ticket_id.team_id:
            raise UserError(self.env._("The ticket is already in team %s.", self.team_id.name))
        self.ticket_id._cx_move_to_team(self.team_id, self.reason, escalate=self.direction == "up")
        return {"type": "ir.actions.act_window_close"}
