from odoo import models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if self.channel_type == "livechat" and message.message_type == "comment":
            # visitors and the chatbot post as the public user: the session is the helpdesk's
            self.env["cx.livechat.session"].sudo()._cx_for_channels(self)._cx_on_message(message)
        return result
