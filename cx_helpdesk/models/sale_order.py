from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    cx_ticket_ids = fields.Many2many(
        "cx.ticket", "cx_ticket_sale_order_rel", "sale_order_id", "ticket_id", string="Tickets", copy=False,
        groups="cx_helpdesk.group_cx_agent",
    )
    cx_ticket_count = fields.Integer(
        string="Ticket Count", compute="_compute_cx_ticket_count", groups="cx_helpdesk.group_cx_agent"
    )

    @api.depends("cx_ticket_ids")
    def _compute_cx_ticket_count(self):
        for order in self:
            order.cx_ticket_count = len(order.cx_ticket_ids)

    def action_view_cx_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_helpdesk.cx_ticket_action")
        action.update(domain=[("id", "in", self.cx_ticket_ids.ids)], view_mode="list,form", views=[(False, "list"), (False, "form")])
        return action
