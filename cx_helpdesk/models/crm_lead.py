from odoo import fields, models

from odoo.addons.cx_helpdesk.models.cx_constants import LEAD_SOURCE_CHANNELS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # the link back to customer service: the tickets the lead came from or
    # was linked to (the same relation as the ticket's lead_ids)
    cx_ticket_ids = fields.Many2many("cx.ticket", "cx_ticket_crm_lead_rel", "lead_id", "ticket_id", string="Tickets",
                                     copy=False, groups="cx_helpdesk.group_cx_agent")
    cx_ticket_count = fields.Integer(compute="_compute_cx_ticket_count", string="Ticket Count")
    cx_source_channel = fields.Selection(LEAD_SOURCE_CHANNELS, string="Service Channel", readonly=True, copy=False,
                                         index="btree_not_null",
                                         help="The customer service channel that handed this lead to sales.")

    def _compute_cx_ticket_count(self):
        # a salesperson who is no agent still sees that tickets are behind it
        counts = dict(self.env["cx.ticket"].sudo()._read_group(
            [("lead_ids", "in", self.ids)], ["lead_ids"], ["__count"]))
        for lead in self:
            lead.cx_ticket_count = counts.get(lead._origin, 0)

    def action_view_cx_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_helpdesk.cx_ticket_action")
        action["domain"] = [("lead_ids", "in", self.ids)]
        action["context"] = {"create": False}
        return action
