from odoo import fields, models


class CxTicketSaleCancel(models.TransientModel):
    _name = "cx.ticket.sale.cancel"
    _description = "Cancel a Sale Order from a Ticket"

    ticket_id = fields.Many2one("cx.ticket", required=True, ondelete="cascade")
    commercial_partner_id = fields.Many2one(related="ticket_id.commercial_partner_id")
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale Order",
        required=True,
        domain="[('partner_id', 'child_of', commercial_partner_id), ('state', '!=', 'cancel'), ('locked', '=', False)]",
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.sale_order_id not in self.ticket_id.sale_order_ids:
            self.ticket_id.sale_order_ids = [fields.Command.link(self.sale_order_id.id)]
        self.ticket_id._cx_cancel_sale_order(self.sale_order_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
