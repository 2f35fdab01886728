from odoo import fields, models
from odoo.tools import SQL


class CxTeam(models.Model):
    _inherit = "cx.team"

    cx_whatsapp_rating_template_id = fields.Many2one(
        "cx.whatsapp.template", string="WhatsApp Satisfaction Survey",
        domain="[('is_csat', '=', True), ('res_model', '=', 'cx.ticket')]",
        help="Customers who wrote on WhatsApp get the rating request as this approved template; its "
        "quick-reply buttons rate the ticket. The others get the email.",
    )

    def _cx_offer_waiting(self, limit):
        """And the team's conversations awaiting an answer without an agent
        (inside their 24-hour window), longest waiting first. One more query
        when none waits."""
        Conversation = self.env["cx.whatsapp.conversation"].sudo()
        Conversation.flush_model(["team_id", "user_id", "window_expires_at", "last_inbound_at", "last_answer_at"])
        self.env.cr.execute(SQL(
            """SELECT id FROM cx_whatsapp_conversation
                WHERE team_id = %s AND user_id IS NULL AND window_expires_at > %s
                  AND (last_answer_at IS NULL OR last_inbound_at > last_answer_at)
             ORDER BY last_inbound_at, id LIMIT %s""",
            self.id, fields.Datetime.now(), limit,
        ))
        Conversation.browse([row[0] for row in self.env.cr.fetchall()])._cx_route()
        return super()._cx_offer_waiting(limit)
