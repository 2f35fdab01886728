from odoo import api, fields, models

from odoo.addons.cx_helpdesk.tools.phone import international_e164
from odoo.addons.cx_whatsapp.tools.webhook import country_language


class ResPartner(models.Model):
    _inherit = "res.partner"

    cx_whatsapp_user_id = fields.Char(
        string="WhatsApp User ID",
        index="btree_not_null",
        copy=False,
        help="Meta's business-scoped user id: identifies the customer even without a phone number.",
    )

    cx_whatsapp_conversation_ids = fields.One2many("cx.whatsapp.conversation", "partner_id", string="WhatsApp Conversations")

    def action_view_cx_whatsapp(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cx_whatsapp.cx_whatsapp_conversation_action")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        return action

    @api.model
    def _cx_whatsapp_senders(self, account, events):
        """``{wamid: partner}``: the sender of each inbound message, found by
        Meta's user id, then by the E.164 phone (phone_validation's sanitized
        number, matched as cx_helpdesk matches customers' numbers), else created
        with the profile name. A handful of queries."""
        user_ids = {event["user_id"] for event in events if event.get("user_id")}
        by_user = {p.cx_whatsapp_user_id: p for p in self.search([("cx_whatsapp_user_id", "in", list(user_ids))])} if user_ids else {}
        phones = {event["from"]: number for event in events if (number := international_e164(event.get("from")))}
        by_phone = self._cx_partners_by_phone(phones.values()) if phones else {}
        found, to_create = {}, {}
        for event in events:
            partner = by_user.get(event.get("user_id")) or by_phone.get(phones.get(event.get("from")))
            key = event.get("user_id") or event.get("from")
            if partner:
                found[event["wamid"]] = partner
                if event.get("user_id") and not partner.cx_whatsapp_user_id:
                    partner.cx_whatsapp_user_id = event["user_id"]
            elif key and key not in to_create:
                to_create[key] = {
                    "name": event.get("profile_name") or phones.get(event.get("from")) or self.env._("WhatsApp user"),
                    "phone": phones.get(event.get("from")),
                    "cx_whatsapp_user_id": event.get("user_id"),
                    "company_id": False,
                }
        if to_create:
            locales = self._cx_locales([values["phone"][1:] for values in to_create.values() if values["phone"]])
            for values in to_create.values():
                values.update(locales.get((values["phone"] or "")[1:], {}))
        created = dict(zip(to_create, self.create(list(to_create.values())), strict=True))
        result = {}
        for event in events:
            partner = found.get(event["wamid"]) or created.get(event.get("user_id") or event.get("from"))
            if partner:
                result[event["wamid"]] = partner
        return result

    @api.model
    def _cx_locales(self, wa_ids):
        """``{wa_id: {"country_id", "lang"}}``: the country of each number
        and its language among the installed ones (none when not
        installed), so replies and templates go in the customer's language.
        One query for the countries; the languages are cached."""
        regions = {wa_id: self._cx_number_region(wa_id) for wa_id in wa_ids if wa_id}
        codes = {region for region in regions.values() if region}
        countries = {country.code: country for country in self.env["res.country"].search([("code", "in", list(codes))])} if codes else {}
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        return {
            wa_id: {"country_id": countries[region].id if region in countries else False,
                    "lang": country_language(region, installed) or False}
            for wa_id, region in regions.items()
        }

    @api.model
    def _cx_locale_values(self, wa_id):
        return self._cx_locales([wa_id]).get(wa_id, {}) if wa_id else {}
