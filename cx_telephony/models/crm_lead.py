from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    cx_call_ids = fields.One2many("cx.call", "lead_id", string="Calls", groups="cx_helpdesk.group_cx_agent")
    cx_call_count = fields.Integer(string="Call Count", compute="_compute_cx_call_count",
                                   groups="cx_helpdesk.group_cx_agent")

    def _compute_cx_call_count(self):
        counts = dict(self.env["cx.call"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.cx_call_count = counts.get(lead, 0)

    def action_view_cx_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_telephony.cx_call_action")
        action["domain"] = [("lead_id", "=", self.id)]
        return action
