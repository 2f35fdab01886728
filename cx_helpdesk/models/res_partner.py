import functools
import re

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cx_helpdesk.tools.phone import international_e164
from odoo.addons.phone_validation.tools import phone_validation

try:
    import phonenumbers
except ImportError:  # phone_validation's habit: degrade, never break
    phonenumbers = None


@functools.lru_cache(maxsize=100_000)
def _e164(number, country_code):
    """The one reading of a number as E.164, as phone_validation computes
    partners' ``phone_sanitized`` (the same function, so both sides always
    agree), or None. Remembered: a caller's number is read on every batch its
    call is in and callers call again; Odoo's parse (twice, for its metadata
    patches) costs 0.15 ms."""
    if not phonenumbers:
        return international_e164(number)
    if not country_code and number.lstrip().startswith("00"):
        number = f"+{number.lstrip()[2:]}"  # no country to read the 00 prefix in: the usual one
    try:
        return phone_validation.phone_format(number, country_code, None, force_format="E164")
    except UserError:
        return None


@functools.lru_cache(maxsize=10_000)
def _region(e164):
    return (phone_validation.phone_get_country_code_for_number(e164) or None) if e164 else None


class ResPartner(models.Model):
    _inherit = "res.partner"

    cx_ticket_ids = fields.One2many("cx.ticket", "partner_id", string="Tickets")
    cx_ticket_count = fields.Integer(string="Ticket Count", compute="_compute_cx_ticket_count")

    # customers are found by their number on every call and WhatsApp message:
    # phone_validation's E.164 form of the phone, indexed
    _phone_sanitized_idx = models.Index("(phone_sanitized) WHERE phone_sanitized IS NOT NULL")

    # ------------------------------------------------------------
    # Phone numbers: the one normaliser of the suite
    # ------------------------------------------------------------

    @api.model
    def _cx_e164(self, number, country=None):
        """``number`` in E.164 (``+966501234567``), or False when it is not a
        valid number. Local forms (``050 123 4567``, ``0912345678``) are read
        in ``country`` (a ``res.country`` or its ISO code); ``+`` and ``00``
        forms need none. Calls, WhatsApp and the customers' numbers all go
        through here. No query; remembered per number and country."""
        if not number:
            return False
        code = country if isinstance(country, str) else (country.code if country else None)
        return _e164(str(number), code or None) or False

    @api.model
    def _cx_number_region(self, number):
        """The ISO code of the country of an international ``number`` (E.164
        or bare digits as WhatsApp gives them), or False."""
        return _region(international_e164(number)) or False

    @api.model
    def _cx_dialable(self, number, country):
        """``number`` as a phone in ``country`` dials it: the national form
        (0501234567) for the country's own numbers, its international prefix
        and the country code (00249912345678) for others; False when it is
        not a valid number."""
        e164 = self._cx_e164(number, country)
        if not e164:
            return False
        formatted = e164
        if phonenumbers and country and country.code:
            formatted = phonenumbers.format_out_of_country_calling_number(phonenumbers.parse(e164), country.code)
        formatted = re.sub(r"[^\d+]", "", formatted)
        return "00" + formatted[1:] if formatted.startswith("+") else formatted

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

    def action_view_cx_invoices_due(self):
        """The customer's posted invoices and refunds still to be paid."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id), ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")), ("payment_state", "in", ("not_paid", "partial")),
        ]
        action["context"] = {"default_partner_id": self.id, "default_move_type": "out_invoice"}
        return action
