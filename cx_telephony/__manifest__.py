{
    "name": "CX Telephony",
    "version": "19.0.1.0.0",
    "summary": "Asterisk call center in Odoo: call logs, caller identification, AMI bridge",
    "description": "Calls from an Asterisk PBX (AMI) folded into call records tied to the customer, "
    "their tickets and their team.",
    "category": "Services/Helpdesk",
    "author": "CX Suite contributors",
    "website": "https://github.com/cx-suite/cx-suite",
    "license": "LGPL-3",
    "depends": ["cx_helpdesk", "phone_validation", "crm"],
    "external_dependencies": {"python": ["phonenumbers", "panoramisk"]},
    "data": [
        "security/ir.model.access.csv",
        "security/cx_telephony_security.xml",
        "views/cx_call_views.xml",
        "views/cx_call_listen_views.xml",
        "views/cx_pbx_views.xml",
        "views/res_partner_views.xml",
        "views/res_users_views.xml",
        "views/crm_lead_views.xml",
        "views/cx_telephony_menus.xml",
    ],
    "demo": ["demo/cx_telephony_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "cx_telephony/static/src/**/*",
        ],
        "web.assets_tests": [
            "cx_telephony/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
