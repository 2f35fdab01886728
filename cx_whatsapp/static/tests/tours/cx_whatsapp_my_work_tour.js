import { registry } from "@web/core/registry";

// An agent keeps "My work" open; a customer writes on WhatsApp to the
// agent's team: the conversation appears in the list without a reload, and
// opens in one click.
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
            trigger: ".o_list_view .o_data_row:contains(Khalid) td[name=name]",
            content: "open the conversation",
            run: "click",
        },
        {
            trigger: ".o_form_view .o-mail-Message-body:contains(Is my order shipped)",
            content: "the conversation, with the customer's message",
        },
    ],
});
