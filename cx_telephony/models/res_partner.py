from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    cx_call_ids = fields.One2many("cx.call", "partner_id", string="Calls")
    cx_call_count = fields.Integer(string="Call Count", compute="_compute_cx_call_count")

    def _compute_cx_call_count(self):
        counts = dict(self.env["cx.call"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.cx_call_count = counts.get(partner, 0)

    @api.model
    def _cx_find_callers(self, numbers, country, company):
        """``{raw number: partner}`` for the callers' numbers, normalised to
        E.164 with ``country`` (local forms like 0501234567 or 0912345678),
        then matched as cx_helpdesk matches customers' numbers, among the
        contacts of ``company`` (the PBX's) and the shared ones: another
        company's customer is not this PBX's caller."""
        normalized_numbers = {}
        for number in numbers:
            if number and (normalized := self._cx_e164(number, country)):
                normalized_numbers[number] = normalized
        if not normalized_numbers:
            return {}
        by_number = self._cx_partners_by_phone(normalized_numbers.values(), company=company)
        return {
            number: by_number[normalized]
            for number, normalized in normalized_numbers.items()
            if normalized in by_number
        }

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        # a contact created from a call's panel: the call is theirs
        if call_id := self.env.context.get("cx_call_id"):
            call = self.env["cx.call"].browse(call_id).exists()
            if call and not call.partner_id and len(partners) == 1:
                call.partner_id = partners
        return partners

    def action_view_cx_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_telephony.cx_call_action")
        action["domain"] = [("partner_id", "child_of", self.id)]
        return action
