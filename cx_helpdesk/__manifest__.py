{
    "name": "CX Helpdesk",
    "version": "19.0.1.0.0",
    "summary": "Tickets, teams, SLA policies on business hours, routing, escalation tiers, email and portal",
    "description": "Customer service tickets tied to the customer, with SLA clocks that follow working hours, "
    "routing (round robin, load, skills, language), first-line to back-office escalation, "
    "email gateway, customer portal and ratings.",
    "category": "Services/Helpdesk",
    "author": "CX Suite contributors",
    "website": "https://github.com/cx-suite/cx-suite",
    "license": "LGPL-3",
    "depends": ["mail", "portal", "rating", "resource", "phone_validation"],
    "data": [
        "security/cx_helpdesk_groups.xml",
        "security/ir.model.access.csv",
        "security/cx_helpdesk_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_message_subtype_data.xml",
        "data/mail_template_data.xml",
        "data/cx_ticket_stage_data.xml",
        "data/ir_cron_data.xml",
        "views/cx_ticket_views.xml",
        "views/cx_team_views.xml",
        "views/cx_ticket_stage_views.xml",
        "views/cx_sla_policy_views.xml",
        "views/cx_ticket_config_views.xml",
        "views/res_users_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/cx_helpdesk_portal_templates.xml",
        "wizard/cx_ticket_escalate_views.xml",
        "views/cx_helpdesk_menus.xml",
    ],
    "demo": [
        "demo/cx_helpdesk_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "cx_helpdesk/static/src/scss/cx_helpdesk.scss",
        ],
        "web.assets_tests": [
            "cx_helpdesk/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "_post_init_hook",
    "application": True,
    "installable": True,
}
