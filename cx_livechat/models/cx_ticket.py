from odoo import fields, models


class CxTicket(models.Model):
    _inherit = "cx.ticket"

    cx_livechat_session_ids = fields.One2many("cx.livechat.session", "ticket_id", string="Chats")
    cx_livechat_session_count = fields.Integer(string="Chat Count", compute="_compute_cx_livechat_session_count")

    def _compute_cx_livechat_session_count(self):
        counts = dict(self.env["cx.livechat.session"]._read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]))
        for ticket in self:
            ticket.cx_livechat_session_count = counts.get(ticket, 0)

    def action_view_cx_livechat_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_livechat.cx_livechat_session_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        return action
