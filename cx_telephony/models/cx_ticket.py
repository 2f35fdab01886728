from odoo import fields, models


class CxTicket(models.Model):
    _inherit = "cx.ticket"

    cx_call_ids = fields.One2many("cx.call", "ticket_id", string="Calls")
    cx_call_count = fields.Integer(string="Call Count", compute="_compute_cx_call_count")

    def _compute_cx_call_count(self):
        counts = dict(self.env["cx.call"]._read_group([("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]))
        for ticket in self:
            ticket.cx_call_count = counts.get(ticket, 0)

    def action_view_cx_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_telephony.cx_call_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        return action
