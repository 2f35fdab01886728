import logging

from odoo import models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class CxNpsSurvey(models.Model):
    _inherit = "cx.nps.survey"

    def _cx_send_nps_by_channel(self):
        """Customers who wrote on WhatsApp get the company's NPS template in
        their latest conversation of that number; its variable "survey_url"
        carries their link. Returns "whatsapp", or False for the email."""
        self.ensure_one()
        template = self.company_id.cx_whatsapp_nps_template_id
        if not template or template.status != "approved":
            return False
        conversation = self.env["cx.whatsapp.conversation"].sudo().search(
            [("partner_id", "=", self.partner_id.id), ("account_id", "=", template.account_id.id)],
            order="last_message_at desc, id desc",
            limit=1,
        )
        if not conversation:
            return False
        try:
            template.sudo()._cx_queue(conversation, self.sudo())
        except UserError as error:
            _logger.info("NPS survey %s by email: %s", self.id, error)
            return False
        return "whatsapp"
