from odoo import api, models
from odoo.tools import SQL

WORK_SLOT_CONVERSATION = 2


class CxWorkItem(models.Model):
    _inherit = "cx.work.item"
    _depends = {
        "cx.whatsapp.conversation": ["last_message_at", "last_inbound_at", "ticket_id", "name", "partner_id",
                                     "team_id", "user_id", "company_id", "window_expires_at"],
    }

    @api.model
    def _cx_work_parts(self):
        """WhatsApp conversations whose customer's last message has no answer
        yet (an agent's message moves ``last_message_at`` past it; a read
        receipt alone is no answer), due when the 24-hour window closes. A
        conversation linked to an open ticket is that ticket's item, with the
        ticket's SLA deadline: it is not listed twice."""
        return super()._cx_work_parts() + [self._cx_work_part(
            WORK_SLOT_CONVERSATION,
            SQL("c.id"),
            {
                "res_model": SQL("'cx.whatsapp.conversation'::varchar"),
                "res_id": SQL("c.id"),
                "item_type": SQL("'conversation'::varchar"),
                "channel": SQL("'whatsapp'::varchar"),
                "name": SQL("c.name"),
                "partner_id": SQL("c.partner_id"),
                "team_id": SQL("c.team_id"),
                "user_id": SQL("c.user_id"),
                "company_id": SQL("c.company_id"),
                "deadline": SQL("c.window_expires_at"),
                "state": SQL("'awaiting'::varchar"),
            },
            SQL("cx_whatsapp_conversation c"),
            # written as the conversation's partial indexes are
            SQL("""c.last_message_at <= c.last_inbound_at
                   AND (c.ticket_id IS NULL OR NOT EXISTS (
                        SELECT FROM cx_ticket t
                         WHERE t.id = c.ticket_id AND t.active IS TRUE AND t.is_closed IS NOT TRUE))"""),
        )]
