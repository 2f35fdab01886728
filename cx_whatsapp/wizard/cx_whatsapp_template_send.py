from odoo import api, fields, models
from odoo.exceptions import UserError


class CxWhatsappTemplateSend(models.TransientModel):
    """Send an approved template to a customer, its variables filled from the
    record it is sent from (conversation, ticket, customer, lead)."""

    _name = "cx.whatsapp.template.send"
    _description = "Send a WhatsApp Template"

    res_model = fields.Char(string="Document Model", required=True)
    res_id = fields.Integer(string="Document", required=True)
    conversation_id = fields.Many2one("cx.whatsapp.conversation")
    account_id = fields.Many2one("cx.whatsapp.account", required=True)
    phone = fields.Char(string="To", required=True)
    template_id = fields.Many2one(
        "cx.whatsapp.template", required=True,
        domain="[('account_id', '=', account_id), ('status', '=', 'approved')]",
    )
    fill_from = fields.Reference(
        "_selection_fill_from", string="Fill From", compute="_compute_fill_from", store=True, readonly=False,
        help="The record whose fields fill the template: the one you came from, or e.g. one of the customer's orders.",
    )
    preview = fields.Text(compute="_compute_preview")

    @api.model
    def _selection_fill_from(self):
        return self.env["cx.whatsapp.template"]._selection_res_model()

    @api.depends("template_id", "res_model", "res_id")
    def _compute_fill_from(self):
        for wizard in self:
            source = wizard._cx_source()
            wizard.fill_from = source if source and source._name == wizard.template_id.res_model else False

    @api.depends("template_id", "fill_from")
    def _compute_preview(self):
        for wizard in self:
            record = wizard.fill_from
            wizard.preview = wizard.template_id._cx_preview(record) if wizard.template_id and record else False

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, res_id = self.env.context.get("active_model"), self.env.context.get("active_id")
        if not model or not res_id:
            return values
        record = self.env[model].browse(res_id)
        conversation = self.env["cx.whatsapp.conversation"]
        if model == "cx.whatsapp.conversation":
            conversation = record
        elif "cx_whatsapp_conversation_ids" in record._fields:  # tickets, customers, leads
            conversation = record.cx_whatsapp_conversation_ids[:1]
        partner = record if model == "res.partner" else record.partner_id
        account = conversation.account_id or self.env["cx.whatsapp.account"].search(
            [("company_id", "in", [False, *self.env.companies.ids])], limit=1)
        phone = conversation.phone if conversation else (partner.phone_sanitized or ("phone" in record._fields and record.phone))
        values.update(res_model=model, res_id=res_id, conversation_id=conversation.id, account_id=account.id, phone=phone or False)
        return values

    def _cx_source(self):
        """The record the wizard was opened from (a conversation stands for its customer)."""
        if not self.res_model or not self.res_id:
            return None
        record = self.env[self.res_model].browse(self.res_id)
        return record.partner_id if self.res_model == "cx.whatsapp.conversation" else record

    def action_send(self):
        self.ensure_one()
        record = self.fill_from
        if not record or record._name != self.template_id.res_model:
            model = dict(self.env["cx.whatsapp.template"]._selection_res_model()).get(self.template_id.res_model)
            raise UserError(self.env._("Choose the %s whose fields fill this template.", model))
        conversation = self.conversation_id or self._cx_conversation()
        self.template_id._cx_queue(conversation, record)
        if self.template_id.category != "MARKETING":  # the agent's answer when the window is closed; a promotion is none
            conversation.ticket_id._cx_channel_answered("whatsapp", fields.Datetime.now())
        return {"type": "ir.actions.act_window_close"}

    def _cx_conversation(self):
        """The conversation with this number (a template may start one)."""
        record = self._cx_source()
        partner = record if record._name == "res.partner" else record.partner_id
        # a local number (0501234567) is read in the customer's country, else the number's company's
        country = partner.country_id or self.account_id.company_id.country_id or self.env.company.country_id
        e164 = self.env["res.partner"]._cx_e164(self.phone, country)
        if not e164:
            raise UserError(self.env._("%s is not a WhatsApp number (international form, e.g. +966501234567).", self.phone))
        wa_id = e164[1:]
        conversations, _created = self.env["cx.whatsapp.conversation"].sudo()._cx_for_senders(self.account_id, {wa_id: partner})
        conversation = conversations[wa_id]
        if record._name == "cx.ticket" and not conversation.ticket_id:
            conversation._cx_link_ticket(record)
        return conversation.with_env(self.env)
