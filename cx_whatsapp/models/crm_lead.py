from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    cx_whatsapp_conversation_ids = fields.One2many("cx.whatsapp.conversation", "lead_id", string="WhatsApp Conversations")

    def action_view_cx_whatsapp(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_whatsapp.cx_whatsapp_conversation_action")
        action["domain"] = [("lead_id", "=", self.id)]
        return action
