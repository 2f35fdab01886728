from odoo import api, models

# RFC 3834 and the de-facto headers of auto-responders (Exchange, mailing lists)
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


def is_auto_submitted(message):
    """Whether an email was sent by a machine (out-of-office, auto-reply,
    mailing list): it must never open a ticket nor get an acknowledgement."""
    auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond") or message.get("X-Auto-Response-Suppress"):
        return True
    return (message.get("Precedence") or "").strip().lower() in AUTO_PRECEDENCE


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_parse(self, message, save_original=False):
        msg_dict = super().message_parse(message, save_original=save_original)
        msg_dict["cx_auto_submitted"] = is_auto_submitted(message)
        return msg_dict

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None, custom_values=None):
        """Automatic emails may thread into existing tickets (the agent sees
        the out-of-office) but never create one: no ticket storms between
        our acknowledgement and another robot."""
        routes = super().message_route(
            message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values
        )
        if message_dict.get("cx_auto_submitted"):
            routes = [route for route in routes if not (route[0] == "cx.ticket" and not route[1])]
        return routes

    def _message_route_process(self, message, message_dict, routes):
        # the flag is ours, not a message value: hand it over in the context
        threads = self
        if message_dict.pop("cx_auto_submitted", False):
            threads = self.with_context(cx_auto_submitted=True)
        return super(MailThread, threads)._message_route_process(message, message_dict, routes)
