import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// An agent's day in one ticket: create it from a phone call, take it,
// escalate it to the second line with a reason, then close it.
registry.category("web_tour.tours").add("cx_helpdesk_ticket_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='cx_helpdesk.cx_helpdesk_menu_root']",
            content: "open the Helpdesk app",
            run: "click",
        },
        {
            trigger: ".o_menu_sections button:contains(Tickets), .o_menu_sections a:contains(Tickets)",
            content: "open the tickets menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains(All Tickets)",
            content: "all tickets",
            run: "click",
        },
        {
            trigger: "body:has(.o_kanban_renderer) .o-kanban-button-new",
            content: "new ticket",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            content: "subject",
            run: "edit Printer jammed at the Riyadh branch",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input",
            content: "customer",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Customer)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=team_id] input",
            content: "first-line team",
            run: "edit Tour First Line",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour First Line)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=channel] .o_select_menu_toggler",
            content: "the customer called",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Phone)",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            content: "save",
            run: "click",
        },
        {
            trigger: ".o_form_saved .o_field_widget[name=number]:contains(TCK-)",
            content: "the ticket has its reference",
        },
        {
            trigger: "button[name=action_assign_to_me]",
            content: "take the ticket",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=user_id] input:value(Mitchell Admin), .o_field_widget[name=user_id]:contains(Mitchell Admin), .o_field_widget[name=user_id] img",
            content: "assigned",
        },
        {
            trigger: "button[name=action_open_escalate]",
            content: "escalate",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=team_id] input:value(Tour Second Line)",
            content: "the escalation team is proposed",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            content: "why",
            run: "edit The printer needs a technician visit",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            content: "confirm",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_field_widget[name=team_id] input:value(Tour Second Line)",
            content: "the ticket is in the second line",
        },
        {
            trigger: ".o-mail-Message-body:contains(The printer needs a technician visit)",
            content: "the reason is in the chatter",
        },
        {
            trigger: "button[name=action_close]",
            content: "close",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Solved)",
            content: "solved",
        },
    ],
});
