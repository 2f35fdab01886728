from odoo import fields, models
from odoo.tools import html2plaintext


class ChatbotScriptStep(models.Model):
    _inherit = "chatbot.script.step"

    step_type = fields.Selection(
        selection_add=[("cx_create_ticket", "Create Ticket")], ondelete={"cx_create_ticket": "cascade"})
    cx_team_id = fields.Many2one(
        "cx.team", string="Helpdesk Team", ondelete="set null", index="btree_not_null",
        help="The team of the ticket the step opens. Empty: the live chat channel's helpdesk team.")

    def _process_step(self, discuss_channel):
        posted_message = super()._process_step(discuss_channel)
        if self.step_type == "cx_create_ticket":
            self._cx_process_step_create_ticket(discuss_channel)
        return posted_message

    def _cx_process_step_create_ticket(self, discuss_channel):
        """The chat opens the customer's ticket, or joins their open one: the
        subject is the customer's first free answer to the script. A logged-in
        visitor is the customer; an anonymous one who gave an e-mail becomes a
        new contact (as im_livechat's own bridges do)."""
        self.ensure_one()
        customer = self._chatbot_prepare_customer_values(discuss_channel, create_partner=False, update_partner=True)
        session = self.env["cx.livechat.session"].sudo()._cx_for_channels(discuss_channel)
        values = {}
        if self.cx_team_id:
            values["team_id"] = self.cx_team_id.id
        if subject := self._find_first_user_free_input(discuss_channel):
            values["subject"] = html2plaintext(subject.body).strip()[:120]
        partner = customer["partner"] or session.partner_id
        if not partner and customer["email"]:
            # a new contact, never the one an e-mail typed by a visitor names:
            # anyone could type a customer's address and join their ticket
            partner = self.env["res.partner"].sudo().create(
                {"name": customer["email"], "email": customer["email"], "phone": customer["phone"]})
        if partner:
            values["partner_id"] = partner.id
        session.write(values)
        return session._cx_current_ticket()
