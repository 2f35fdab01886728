import { toRaw } from "@odoo/owl";
import { Composer } from "@mail/core/common/composer";
import { Thread } from "@mail/core/common/thread_model";
import { patch } from "@web/core/utils/patch";

/**
 * Sending on a WhatsApp conversation tells the server the last message the
 * agent's chatter shows: when another agent answered the customer since, the
 * server refuses with a clear message (see
 * cx.whatsapp.conversation._cx_answered_since). The chatter then loads that
 * answer, and the draft stays in the composer, ready to be sent again.
 */
const CONVERSATION = "cx.whatsapp.conversation";

patch(Thread.prototype, {
    async post(body, postData = {}, extraData = {}) {
        if (this.model !== CONVERSATION) {
            return super.post(body, postData, extraData);
        }
        const ids = this.messages.map((message) => message.id).filter(Number.isInteger);
        extraData = {
            ...extraData,
            context: { ...extraData.context, cx_whatsapp_seen_message_id: Math.max(0, ...ids) },
        };
        try {
            return await super.post(body, postData, extraData);
        } catch (error) {
            this.fetchNewMessages(); // what the other agent answered
            throw error;
        }
    },
});

patch(Composer.prototype, {
    async processMessage(cb) {
        try {
            return await super.processMessage(cb);
        } finally {
            if (toRaw(this.thread)?.model === CONVERSATION) {
                this.state.active = true; // refused: the agent sends again once they read the answer
            }
        }
    },
});
