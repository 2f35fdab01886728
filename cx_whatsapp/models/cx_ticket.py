from odoo import fields, models


class CxTicket(models.Model):
    _inherit = "cx.ticket"

    cx_whatsapp_conversation_ids = fields.One2many("cx.whatsapp.conversation", "ticket_id", string="WhatsApp Conversations")
    cx_whatsapp_message_ids = fields.One2many("cx.whatsapp.message", compute="_compute_cx_whatsapp_message_ids",
                                              string="WhatsApp Messages")

    def _compute_cx_whatsapp_message_ids(self):
        for ticket in self:
            ticket.cx_whatsapp_message_ids = ticket.cx_whatsapp_conversation_ids.cx_message_ids

    def action_view_cx_whatsapp(self):
        self.ensure_one()
        conversations = self.cx_whatsapp_conversation_ids
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_whatsapp.cx_whatsapp_conversation_action")
        if len(conversations) == 1:
            action.update(res_id=conversations.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("ticket_id", "=", self.id)]
        return action
