{
    "name": "CX Live Chat",
    "version": "19.0.1.0.0",
    "summary": "Website live chat and chatbots as a helpdesk channel: chats open or join the customer's ticket",
    "description": "Odoo's live chat (im_livechat) as a channel of the helpdesk: a chat session opens or joins "
    "the customer's ticket (a chatbot step can ask the subject first), an operator's answer meets the "
    "ticket's first response, and chats show on the ticket and in the customer's history.",
    "category": "Services/Helpdesk",
    "author": "CX Suite contributors",
    "website": "https://github.com/cx-suite/cx-suite",
    "license": "LGPL-3",
    "depends": ["cx_helpdesk", "im_livechat"],
    "data": [
        "security/ir.model.access.csv",
        "security/cx_livechat_security.xml",
        "views/cx_livechat_session_views.xml",
        "views/im_livechat_channel_views.xml",
        "views/chatbot_script_step_views.xml",
        "views/cx_ticket_views.xml",
        "views/res_partner_views.xml",
        "views/cx_livechat_menus.xml",
    ],
    "auto_install": True,
    "installable": True,
}
