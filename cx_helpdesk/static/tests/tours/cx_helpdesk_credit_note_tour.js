import { registry } from "@web/core/registry";

// A refund request: open the ticket, create a draft credit note for one line
// of the customer's invoice, with a reason, and land on the credit note.
registry.category("web_tour.tours").add("cx_helpdesk_credit_note_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains(Heater broken on arrival), .o_form_view .o_field_widget[name=name] input",
            content: "the ticket is open",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Orders & Invoices)",
            content: "the customer's orders and invoices",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=invoice_ids] .o_data_row",
            content: "the invoice is linked",
        },
        {
            trigger: ".o_form_statusbar button[name=action_open_credit_note]",
            content: "credit note",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=invoice_id] input:value(INV)",
            content: "the ticket's invoice is proposed",
        },
        {
            trigger: ".modal .o_field_widget[name=refund_method] input[data-value=partial]",
            content: "some lines only",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:contains(Tour Heater) .o_data_cell[name=quantity]",
            content: "the broken heater",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=quantity] input",
            run: "edit 1",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] input",
            content: "the reason",
            run: "edit Broken on arrival",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            content: "create the draft credit note",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Draft)",
            content: "the draft credit note",
        },
    ],
});
