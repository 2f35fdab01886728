import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.cx_whatsapp.tools.graph import GraphError

VARIABLE_RE = re.compile(r"{{\s*(\d+)\s*}}")
META_STATUSES = {"APPROVED": "approved", "PENDING": "pending", "REJECTED": "rejected", "PAUSED": "paused",
                 "DISABLED": "disabled", "IN_APPEAL": "pending", "PENDING_DELETION": "disabled"}
# quick-reply buttons of a satisfaction template: the scores, in button order
CSAT_SCORES = {1: [5], 2: [5, 1], 3: [5, 3, 1], 4: [5, 4, 2, 1], 5: [5, 4, 3, 2, 1]}


class CxWhatsappTemplate(models.Model):
    """A WhatsApp message template: written here, submitted to Meta for
    approval, its status kept in sync; sent with its variables filled from a
    record (a customer, a ticket, a lead...)."""

    _name = "cx.whatsapp.template"
    _description = "WhatsApp Template"
    _order = "name, language"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, help="Meta's template name: lowercase letters, digits and underscores.")
    account_id = fields.Many2one("cx.whatsapp.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    language = fields.Char(required=True, default="ar", help="Meta's language code: ar, en, en_US, fr...")
    category = fields.Selection([("UTILITY", "Utility"), ("MARKETING", "Marketing"), ("AUTHENTICATION", "Authentication")],
                                required=True, default="UTILITY")
    res_model = fields.Selection(
        "_selection_res_model", string="Applies To", required=True, default="res.partner",
        help="The record whose fields fill the variables.",
    )
    header_text = fields.Char(string="Header")
    body = fields.Text(required=True, help="The message; {{1}}, {{2}}... are the variables below.")
    footer_text = fields.Char(string="Footer")
    variable_ids = fields.One2many("cx.whatsapp.template.variable", "template_id", string="Variables", copy=True)
    button_ids = fields.One2many("cx.whatsapp.template.button", "template_id", string="Buttons", copy=True)
    is_csat = fields.Boolean(string="Satisfaction Survey",
                             help="Its quick-reply buttons rate the ticket (first button the best score).")
    status = fields.Selection(
        [("draft", "Draft"), ("pending", "Pending approval"), ("approved", "Approved"), ("rejected", "Rejected"),
         ("paused", "Paused"), ("disabled", "Disabled")],
        default="draft", required=True, readonly=True, copy=False, index=True,
    )
    meta_id = fields.Char(string="Meta Template ID", readonly=True, copy=False, index="btree_not_null")
    rejected_reason = fields.Char(readonly=True, copy=False)

    _name_language_unique = models.Constraint("UNIQUE(account_id, name, language)",
                                              "A template name exists once per language and number.")

    @api.model
    def _selection_res_model(self):
        """Customers, tickets, leads; sales orders when Sales is installed."""
        models_ = [("res.partner", self.env._("Customer")), ("cx.ticket", self.env._("Ticket")), ("crm.lead", self.env._("Lead")),
                   ("cx.nps.survey", self.env._("NPS Survey"))]
        if "sale.order" in self.env:
            models_.append(("sale.order", self.env._("Sales Order")))
        return models_

    @api.constrains("name")
    def _check_name(self):
        for template in self:
            if not re.fullmatch(r"[a-z0-9_]{1,512}", template.name or ""):
                raise ValidationError(self.env._("Template names are lowercase letters, digits and underscores (%s).", template.name))

    @api.constrains("body", "variable_ids")
    def _check_variables(self):
        for template in self:
            used = sorted({int(n) for n in VARIABLE_RE.findall(template.body or "")})
            if used != list(range(1, len(used) + 1)):
                raise ValidationError(self.env._("Variables are numbered from {{1}} without gaps."))
            if used != sorted(template.variable_ids.mapped("position")):
                raise ValidationError(self.env._("Each variable of the text, and only those, needs a line below (%s).",
                                                 ", ".join(f"{{{{{n}}}}}" for n in used) or "-"))
            if template.is_csat and not 1 <= len(template.button_ids.filtered(lambda b: b.kind == "QUICK_REPLY")) <= 5:
                raise ValidationError(self.env._("A satisfaction survey needs 1 to 5 quick-reply buttons (the scores)."))

    # ------------------------------------------------------------
    # BUSINESS: Meta, submit and sync
    # ------------------------------------------------------------

    def _cx_components(self):
        self.ensure_one()
        components = []
        if self.header_text:
            components.append({"type": "HEADER", "format": "TEXT", "text": self.header_text})
        body = {"type": "BODY", "text": self.body}
        if self.variable_ids:
            body["example"] = {"body_text": [[v.sample or v.name for v in self.variable_ids.sorted("position")]]}
        components.append(body)
        if self.footer_text:
            components.append({"type": "FOOTER", "text": self.footer_text})
        if self.button_ids:
            components.append({"type": "BUTTONS", "buttons": [button._cx_meta() for button in self.button_ids]})
        return components

    def action_submit(self):
        """Send the template to Meta for approval."""
        for template in self:
            account = template.account_id.sudo()
            if not account.waba_id:
                raise UserError(self.env._("Set the WhatsApp Business Account ID of %s first.", account.name))
            try:
                answer = account._cx_graph_call("POST", f"{account.waba_id}/message_templates", {
                    "name": template.name, "language": template.language, "category": template.category,
                    "components": template._cx_components()})
            except GraphError as error:
                raise UserError(self.env._("Meta refused the template: %s", error)) from error
            template.write({"meta_id": answer.get("id"), "status": META_STATUSES.get(answer.get("status"), "pending"),
                            "rejected_reason": False})
        return True

    @api.model
    def _cx_sync(self, account):
        """Templates and statuses as Meta has them: known ones updated, the
        others (made in Meta's manager) added."""
        try:
            answer = account.sudo()._cx_graph_call("GET", f"{account.sudo().waba_id}/message_templates", params={"limit": 250})
        except GraphError as error:
            raise UserError(self.env._("Meta refused: %s", error)) from error
        existing = {(t.name, t.language): t for t in self.search([("account_id", "=", account.id)])}
        for data in answer.get("data") or []:
            values = {"meta_id": data.get("id"), "status": META_STATUSES.get(data.get("status"), "pending"),
                      "rejected_reason": data.get("rejected_reason") if data.get("rejected_reason") not in (None, "NONE") else False}
            template = existing.get((data.get("name"), data.get("language")))
            if template:
                template.write(values)
                continue
            components = {c.get("type"): c for c in data.get("components") or []}
            body = (components.get("BODY") or {}).get("text") or ""
            self.create(dict(values, account_id=account.id, name=data["name"], language=data.get("language") or "en",
                             category=data.get("category") if data.get("category") in ("UTILITY", "MARKETING", "AUTHENTICATION") else "UTILITY",
                             header_text=(components.get("HEADER") or {}).get("text"), body=body,
                             footer_text=(components.get("FOOTER") or {}).get("text"),
                             variable_ids=[(0, 0, {"position": int(n), "name": f"Variable {n}"})
                                           for n in sorted({int(n) for n in VARIABLE_RE.findall(body)})],
                             button_ids=[(0, 0, {"kind": b.get("type") if b.get("type") in ("QUICK_REPLY", "URL", "PHONE_NUMBER") else "QUICK_REPLY",
                                                 "text": b.get("text"), "url": b.get("url"), "phone_number": b.get("phone_number")})
                                         for b in (components.get("BUTTONS") or {}).get("buttons") or []]))
        return True

    @api.model
    def _cx_apply_status_events(self, events):
        """Meta's message_template_status_update webhooks."""
        for event in events:
            template = self.sudo().search([("meta_id", "=", str(event.get("template_id")))], limit=1)
            if template:
                template.write({"status": META_STATUSES.get(event.get("event"), template.status),
                                "rejected_reason": event.get("reason") if event.get("reason") not in (None, "NONE") else False})

    # ------------------------------------------------------------
    # BUSINESS: sending
    # ------------------------------------------------------------

    def _cx_values(self, record):
        """The variables' values for ``record``, read as the current user."""
        self.ensure_one()
        return [variable._cx_value(record) for variable in self.variable_ids.sorted("position")]

    def _cx_preview(self, record):
        values = self._cx_values(record) if record else []
        return VARIABLE_RE.sub(lambda m: values[int(m.group(1)) - 1] if record else m.group(0), self.body or "")

    def _cx_queue(self, conversation, record, button_payloads=None):
        """Queue this template to the conversation's customer, filled from
        ``record``. Returns the message."""
        self.ensure_one()
        if self.status != "approved":
            raise UserError(self.env._("The template “%s” is not approved by Meta.", self.name))
        if self.account_id != conversation.account_id:
            raise UserError(self.env._("This template belongs to another WhatsApp number."))
        # the blacklist may have changed meanwhile
        conversation.invalidate_recordset(["phone_sanitized_blacklisted"])
        if self.category == "MARKETING" and conversation.phone_sanitized_blacklisted:
            raise UserError(self.env._("The customer opted out of marketing messages: only service messages can be sent."))
        values = self._cx_values(record)
        components = []
        if values:
            components.append({"type": "body", "parameters": [{"type": "text", "text": value} for value in values]})
        for index, payload in enumerate(button_payloads or []):
            components.append({"type": "button", "sub_type": "quick_reply", "index": str(index),
                               "parameters": [{"type": "payload", "payload": payload}]})
        preview = self._cx_preview(record)
        conversation.message_post(  # a note: what was sent, as the customer reads it
            body=Markup("<p>{}</p><p class='text-muted'>{}</p>").format(preview, self.env._("WhatsApp template “%s”", self.name)),
            message_type="comment", subtype_xmlid="mail.mt_note")
        message = self.env["cx.whatsapp.message"].sudo().create({
            "account_id": conversation.account_id.id, "conversation_id": conversation.id, "direction": "outbound",
            "partner_id": conversation.partner_id.id, "wa_id": conversation.wa_id, "status": "queued",
            "message_type": "template", "body": preview, "user_id": self.env.user.id,
            "extra": {"name": self.name, "language": {"code": self.language}, "components": components},
        })
        self.env.ref("cx_whatsapp.ir_cron_send_messages")._trigger()
        return message
