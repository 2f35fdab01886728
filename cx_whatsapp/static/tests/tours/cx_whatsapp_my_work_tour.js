import { registry } from "@web/core/registry";

// An agent keeps "My work" open; a customer writes on WhatsApp to the
// agent's team: the conversation appears in the list without a reload, shows
// as a card too, and opens in one click.
registry.category("web_tour.tours").add("cx_whatsapp_my_work_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains(Printer on fire)",
            content: "My work is open: the agent's ticket is there",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Khalid):contains(WhatsApp)",
            content: "the customer's WhatsApp message arrives, live",
        },
        {
            trigger: ".o_switch_view.o_kanban",
            content: "the same as cards",
            run: "click",
        },
        {
            trigger: ".o_kanban_view .o_kanban_record:contains(Khalid):contains(WhatsApp)",
            content: "the conversation's card, with its channel",
        },
        {
            trigger: ".o_kanban_view .o_kanban_record:contains(Khalid) .fw-bold",
            content: "open the conversation",
            run: "click",
        },
        {
            trigger: ".o_form_view .o-mail-Message-body:contains(Is my order shipped)",
            content: "the conversation, with the customer's message",
        },
    ],
});
