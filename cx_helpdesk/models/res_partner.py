from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    cx_ticket_ids = fields.One2many("cx.ticket", "partner_id", string="Tickets")
    cx_ticket_count = fields.Integer(string="Ticket Count", compute="_compute_cx_ticket_count")

    # customers are found by their number on every call and WhatsApp message:
    # phone_validation's E.164 form of the phone, indexed
    _phone_sanitized_idx = models.Index("(phone_sanitized) WHERE phone_sanitized IS NOT NULL")

    @api.model
    def _cx_partners_by_phone(self, e164_numbers, company=None):
        """``{number: partner}`` for numbers in E.164, matched on the indexed
        sanitized phone. When several contacts share a number, the commercial
        entity with open tickets wins, then the company, then the oldest. One
        query (plus one when a number is ambiguous); read as superuser.
        ``company``: only its contacts and the shared ones (no company)."""
        domain = [("phone_sanitized", "in", list(set(e164_numbers)))]
        if company:
            domain.append(("company_id", "in", [False, company.id]))
        partners = self.sudo().search_fetch(
            domain,
            ["phone_sanitized", "commercial_partner_id"],  # the two columns used, not the partner's hundred
            order="id",
        )
        by_number = partners.grouped("phone_sanitized")
        ambiguous = [group for group in by_number.values() if len(group) > 1]
        with_tickets = set()
        if ambiguous:
            candidates = self.browse().union(*ambiguous)
            with_tickets = {
                partner.id
                for partner, in self.env["cx.ticket"].sudo()._read_group(
                    [("commercial_partner_id", "in", candidates.commercial_partner_id.ids), ("is_closed", "=", False)]
                    + ([("company_id", "=", company.id)] if company else []),
                    ["commercial_partner_id"],
                )
            }

        def rank(partner):
            return (
                partner.commercial_partner_id.id not in with_tickets,
                partner != partner.commercial_partner_id,
                partner.id,
            )

        return {number: min(group, key=rank) for number, group in by_number.items()}

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
