import { Thread } from "@mail/core/common/thread_model";
import { patch } from "@web/core/utils/patch";

/**
 * Sending on a WhatsApp conversation tells the server the last message the
 * agent's chatter shows: when another agent answered the customer since, the
 * server refuses with a clear message and the draft stays in the composer
 * (see cx.whatsapp.conversation._cx_answered_since).
 */
patch(Thread.prototype, {
    async post(body, postData = {}, extraData = {}) {
        if (this.model === "cx.whatsapp.conversation") {
            const ids = this.messages.map((message) => message.id).filter(Number.isInteger);
            extraData = {
                ...extraData,
                context: { ...extraData.context, cx_whatsapp_seen_message_id: Math.max(0, ...ids) },
            };
        }
        return super.post(body, postData, extraData);
    },
});
