from odoo import api, fields, models
from odoo.tools import SQL

WORK_SLOT_CHAT = 4


class CxWorkItem(models.Model):
    _inherit = "cx.work.item"
    _depends = {
        "cx.livechat.session": ["last_customer_message_at", "last_answer_at", "end_time", "ticket_id", "partner_id",
                                "team_id", "user_id", "company_id"],
    }

    item_type = fields.Selection(selection_add=[("chat", "Chat")])

    @api.model
    def _cx_work_parts(self):
        """Live chats whose customer's last message has no answer yet and
        that are still open, the longest waiting first (a chat has no window:
        the customer is on the page now). A chat linked to an open ticket is
        that ticket's item, as WhatsApp conversations are."""
        return super()._cx_work_parts() + [self._cx_work_part(
            WORK_SLOT_CHAT,
            SQL("s.id"),
            {
                "res_model": SQL("'cx.livechat.session'::varchar"),
                "res_id": SQL("s.id"),
                "item_type": SQL("'chat'::varchar"),
                "channel": SQL("'chat'::varchar"),
                "name": SQL("(SELECT c.name FROM discuss_channel c WHERE c.id = s.channel_id)::varchar"),
                "partner_id": SQL("s.partner_id"),
                "team_id": SQL("s.team_id"),
                "user_id": SQL("s.user_id"),
                "company_id": SQL("s.company_id"),
                "deadline": SQL("s.last_customer_message_at"),
                "state": SQL("'awaiting'::varchar"),
            },
            SQL("cx_livechat_session s"),
            # written as the session's partial indexes are
            SQL("""s.end_time IS NULL AND s.last_customer_message_at IS NOT NULL
                   AND s.last_answer_at IS NULL
                   AND (s.ticket_id IS NULL OR NOT EXISTS (
                        SELECT FROM cx_ticket t
                         WHERE t.id = s.ticket_id AND t.active IS TRUE AND t.is_closed IS NOT TRUE))"""),
        )]
