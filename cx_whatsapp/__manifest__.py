{
    "name": "CX WhatsApp",
    "version": "19.0.1.0.0",
    "summary": "WhatsApp Business Cloud API: signed webhooks, messages tied to customers",
    "description": "Receives WhatsApp Business Cloud API webhooks (verified signature, durable queue, "
    "deduplicated messages, monotonic statuses) and ties the messages to the customers.",
    "category": "Services/Helpdesk",
    "author": "CX Suite contributors",
    "website": "https://github.com/cx-suite/cx-suite",
    "license": "LGPL-3",
    "depends": ["cx_helpdesk", "phone_validation", "crm"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/ir.model.access.csv",
        "security/cx_whatsapp_security.xml",
        "data/ir_cron_data.xml",
        "views/cx_whatsapp_template_views.xml",
        "views/cx_whatsapp_conversation_views.xml",
        "views/cx_whatsapp_account_views.xml",
        "views/cx_whatsapp_message_views.xml",
        "views/cx_whatsapp_webhook_views.xml",
        "views/cx_whatsapp_menus.xml",
        "views/cx_ticket_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "cx_whatsapp/static/src/**/*",
        ],
        "web.assets_tests": [
            "cx_whatsapp/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
