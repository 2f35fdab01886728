from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    cx_livechat_session_count = fields.Integer(
        string="Chat Count", compute="_compute_cx_livechat_session_count", groups="cx_helpdesk.group_cx_agent",
        help="The live chats of the customer's company and its contacts.")

    def _compute_cx_livechat_session_count(self):
        """One grouped query: a customer's history is their company's."""
        counts = dict(self.env["cx.livechat.session"]._read_group(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)], ["commercial_partner_id"], ["__count"]))
        for partner in self:
            partner.cx_livechat_session_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_cx_livechat_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_livechat.cx_livechat_session_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        return action
