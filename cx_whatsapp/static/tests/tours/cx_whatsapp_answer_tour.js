import { registry } from "@web/core/registry";

// An agent answers a customer's WhatsApp message from the conversation's
// chatter: the customer's message is there, "Send message" goes out, and the
// delivery tab shows the reply on its way to WhatsApp.
registry.category("web_tour.tours").add("cx_whatsapp_answer_tour", {
    steps: () => [
        {
            trigger: ".o-mail-Message-body:contains(Is my order shipped)",
            content: "the customer's message, in the chatter",
        },
        {
            trigger: ".o_form_view .alert-info:contains(Send message)",
            content: "the 24-hour window is open",
        },
        {
            trigger: ".o-mail-Chatter-sendMessage",
            content: "answer the customer",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains(Is my order shipped)",
            run: "hover && click .o-mail-Message:contains(Is my order shipped) [title='Reply']",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Yes, it left Riyadh this morning",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            trigger: ".o-mail-Message-body:contains(it left Riyadh this morning)",
            content: "the answer is in the conversation; open it again to see its delivery",
            run() {
                window.location.reload();
            },
            expectUnloadPage: true,
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains(Delivery)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=cx_message_ids] .o_data_row:contains(it left Riyadh):contains(Queued)",
            content: "and on its way to WhatsApp",
        },
    ],
});
