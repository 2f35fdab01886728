from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class AccountMove(models.Model):
    _inherit = "account.move"

    cx_ticket_ids = fields.Many2many(
        "cx.ticket", "cx_ticket_account_move_rel", "move_id", "ticket_id", string="Tickets", copy=False,
        groups="cx_helpdesk.group_cx_agent",
    )
    cx_ticket_count = fields.Integer(
        string="Ticket Count", compute="_compute_cx_ticket_count", groups="cx_helpdesk.group_cx_agent"
    )

    @api.depends("cx_ticket_ids")
    def _compute_cx_ticket_count(self):
        for move in self:
            move.cx_ticket_count = len(move.cx_ticket_ids)

    def action_view_cx_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_helpdesk.cx_ticket_action")
        action.update(domain=[("id", "in", self.cx_ticket_ids.ids)], view_mode="list,form", views=[(False, "list"), (False, "form")])
        return action

    def _cx_partial_refund_values(self, reason, quantities):
        """Values of a draft credit note of this posted customer invoice for
        some of its lines: ``quantities`` maps invoice lines to the quantity
        refunded (at most the invoiced one); prices, taxes, accounts and the
        sale order lines are those of the invoice, as account's reversal keeps
        them."""
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        lines = []
        for line, quantity in quantities.items():
            if line.move_id != self or line.display_type != "product":
                raise UserError(self.env._("Line %s is not a product line of this invoice.", line.display_name))
            if quantity <= 0:
                continue
            if float_compare(quantity, line.quantity, precision_digits=digits) > 0:
                raise UserError(
                    self.env._("Line %(line)s: %(refunded)s refunded for %(invoiced)s invoiced.",
                               line=line.name or line.product_id.display_name, refunded=quantity, invoiced=line.quantity)
                )
            lines.append(fields.Command.create({
                "product_id": line.product_id.id,
                "name": line.name,
                "quantity": quantity,
                "product_uom_id": line.product_uom_id.id,
                "price_unit": line.price_unit,
                "discount": line.discount,
                "tax_ids": [fields.Command.set(line.tax_ids.ids)],
                "account_id": line.account_id.id,
                "analytic_distribution": line.analytic_distribution,
                "sale_line_ids": [fields.Command.set(line.sale_line_ids.ids)],
            }))
        if not lines:
            raise UserError(self.env._("Choose at least one line and quantity to refund."))
        return {
            "move_type": "out_refund",
            "reversed_entry_id": self.id,
            "partner_id": self.partner_id.id,
            "journal_id": self.journal_id.id,
            "currency_id": self.currency_id.id,
            "fiscal_position_id": self.fiscal_position_id.id,
            "invoice_user_id": self.invoice_user_id.id,
            "invoice_origin": self.invoice_origin,
            "ref": self.env._("Reversal of: %(move_name)s, %(reason)s", move_name=self.name, reason=reason),
            "invoice_line_ids": lines,
        }
