import { registry } from "@web/core/registry";

// The caller panel of a call, shown again from the call's form, and the
// ticket it opens in one click.
registry.category("web_tour.tours").add("cx_telephony_screen_pop_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_show_caller_panel]",
            content: "show the caller panel",
            run: "click",
        },
        {
            trigger: ".o_cx_screen_pop_notification:contains(Tour Caller):contains(TCK-)",
            content: "the panel shows the caller and their open ticket",
        },
        {
            trigger: ".o_cx_screen_pop_notification button:contains(New lead)",
            content: "the panel offers a lead for the sales team",
        },
        {
            trigger: ".o_cx_screen_pop_notification button:contains(New ticket)",
            content: "new ticket from this call",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Call from Tour Caller)",
            content: "the ticket of this call",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value(Tour Caller)",
            content: "for the caller",
        },
    ],
});
