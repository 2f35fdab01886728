import { toRaw } from "@odoo/owl";
import { messageActionsRegistry } from "@mail/core/common/message_actions";
import { Message } from "@mail/core/common/message_model";
import { patch } from "@web/core/utils/patch";

/**
 * In a WhatsApp conversation's chatter, "Reply" on a customer's message makes
 * the answer a WhatsApp reply quoting it (the composer carries the message
 * as parent, as in Discuss), instead of mentioning the customer.
 */
const CONVERSATION = "cx.whatsapp.conversation";

patch(Message.prototype, {
    canReplyTo(thread) {
        if (toRaw(thread)?.model === CONVERSATION) {
            return this.message_type === "comment" && !this.isNote && !this.isSelfAuthored;
        }
        return super.canReplyTo(thread);
    },
});

const replyTo = messageActionsRegistry.get("reply-to");
const onSelected = replyTo.onSelected;
replyTo.onSelected = (params) => {
    const thread = toRaw(params.thread);
    if (thread?.model !== CONVERSATION) {
        return onSelected(params);
    }
    const message = toRaw(params.message);
    const composer = thread.composer;
    composer.replyToMessage = message.eq(composer.replyToMessage) ? undefined : message;
};
