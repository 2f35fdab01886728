from odoo import fields, models

from odoo.addons.cx_whatsapp.models.cx_whatsapp_template import CSAT_SCORES


class CxTicket(models.Model):
    _inherit = "cx.ticket"

    cx_whatsapp_conversation_ids = fields.One2many("cx.whatsapp.conversation", "ticket_id", string="WhatsApp Conversations")
    cx_whatsapp_message_ids = fields.One2many("cx.whatsapp.message", compute="_compute_cx_whatsapp_message_ids",
                                              string="WhatsApp Messages")

    def _compute_cx_whatsapp_message_ids(self):
        for ticket in self:
            ticket.cx_whatsapp_message_ids = ticket.cx_whatsapp_conversation_ids.cx_message_ids

    def _cx_send_rating_requests(self):
        """Tickets of a team with a WhatsApp satisfaction template, whose
        customer wrote on WhatsApp: the survey goes there, its buttons rate
        the ticket; the others get the email."""
        by_whatsapp = self.filtered(lambda t: t.team_id.use_rating and t.team_id.cx_whatsapp_rating_template_id
                                    and t.cx_whatsapp_conversation_ids and t.partner_id)
        for ticket in by_whatsapp:
            template = ticket.team_id.cx_whatsapp_rating_template_id
            token = ticket._rating_get_access_token()
            buttons = template.button_ids.filtered(lambda b: b.kind == "QUICK_REPLY")
            scores = CSAT_SCORES[len(buttons)]
            template.sudo()._cx_queue(ticket.cx_whatsapp_conversation_ids[:1].sudo(), ticket.sudo(),
                                      button_payloads=[f"cx_rating:{token}:{score}" for score in scores])
        return super(CxTicket, self - by_whatsapp)._cx_send_rating_requests()

    def action_view_cx_whatsapp(self):
        self.ensure_one()
        conversations = self.cx_whatsapp_conversation_ids
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_whatsapp.cx_whatsapp_conversation_action")
        if len(conversations) == 1:
            action.update(res_id=conversations.id, view_mode="form", views=[(False, "form")])
        else:
            action["domain"] = [("ticket_id", "=", self.id)]
        return action
