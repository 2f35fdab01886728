from odoo import api, fields, models


class CxTicketCreditNote(models.TransientModel):
    _name = "cx.ticket.credit.note"
    _description = "Credit Note from a Ticket"

    ticket_id = fields.Many2one("cx.ticket", required=True, ondelete="cascade")
    commercial_partner_id = fields.Many2one(related="ticket_id.commercial_partner_id")
    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), ('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    refund_method = fields.Selection(
        [("full", "Whole invoice"), ("partial", "Some lines")], string="Refund", default="full", required=True
    )
    reason = fields.Char(required=True)
    line_ids = fields.One2many(
        "cx.ticket.credit.note.line", "wizard_id", string="Lines",
        compute="_compute_line_ids", store=True, readonly=False,
    )

    @api.depends("invoice_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [fields.Command.clear()] + [
                fields.Command.create({"move_line_id": line.id, "quantity": 0.0})
                for line in wizard.invoice_id.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            ]

    def action_confirm(self):
        self.ensure_one()
        if self.invoice_id not in self.ticket_id.invoice_ids:
            self.ticket_id.invoice_ids = [fields.Command.link(self.invoice_id.id)]
        quantities = None
        if self.refund_method == "partial":
            quantities = {line.move_line_id: line.quantity for line in self.line_ids}
        refund = self.ticket_id._cx_create_credit_note(self.invoice_id, self.reason, quantities)
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": refund.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }


class CxTicketCreditNoteLine(models.TransientModel):
    _name = "cx.ticket.credit.note.line"
    _description = "Credit Note Line from a Ticket"

    wizard_id = fields.Many2one("cx.ticket.credit.note", string="Credit Note", required=True, ondelete="cascade")
    move_line_id = fields.Many2one("account.move.line", string="Invoice Line", required=True, ondelete="cascade")
    name = fields.Char(related="move_line_id.name", string="Description")
    invoiced_quantity = fields.Float(
        related="move_line_id.quantity", string="Invoiced", digits="Product Unit", help="The quantity on the invoice."
    )
    quantity = fields.Float(string="To Refund", digits="Product Unit")
