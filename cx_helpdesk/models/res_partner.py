from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    cx_ticket_ids = fields.One2many("cx.ticket", "partner_id", string="Tickets")
    cx_ticket_count = fields.Integer(string="Ticket Count", compute="_compute_cx_ticket_count")

    def _compute_cx_ticket_count(self):
        """Tickets of each partner and its contacts, in one grouped query."""
        all_partners = self.with_context(active_test=False).search_fetch(
            [("id", "child_of", self.ids)], ["parent_id"]
        )
        counts = dict(
            self.env["cx.ticket"]._read_group([("partner_id", "in", all_partners.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.cx_ticket_count = 0
        for counted, count in counts.items():
            while counted:
                if counted in self:
                    counted.cx_ticket_count += count
                counted = counted.parent_id

    def action_view_cx_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_helpdesk.cx_ticket_action")
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
