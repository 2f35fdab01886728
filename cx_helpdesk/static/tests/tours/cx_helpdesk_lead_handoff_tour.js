import { registry } from "@web/core/registry";

// A customer's new need in a ticket becomes an opportunity for a sales
// team: open the ticket, convert it, land on the opportunity.
registry.category("web_tour.tours").add("cx_helpdesk_lead_handoff_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains(Forty more licences), .o_form_view .o_field_widget[name=name] input",
            content: "the ticket is open",
        },
        {
            trigger: ".o_form_statusbar button[name=action_open_lead_handoff]",
            content: "convert to a lead",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=lead_type] input[data-value=opportunity]:checked",
            content: "an opportunity by default",
        },
        {
            trigger: ".modal .o_field_widget[name=crm_team_id] input",
            content: "the sales team",
            run: "edit Tour Enterprise Sales",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Enterprise Sales)",
            run: "click",
        },
        {
            trigger: ".modal footer button[name=action_confirm]:visible",
            content: "hand over",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] textarea, .o_form_view .o_field_widget[name=name] input",
            content: "the opportunity is open",
        },
        {
            trigger: ".o_form_view button[name=action_view_cx_tickets]:contains(1)",
            content: "its ticket is one click away",
        },
    ],
});
