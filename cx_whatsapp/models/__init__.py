from . import (
    crm_lead,
    cx_team,
    cx_ticket,
    cx_whatsapp_account,
    cx_whatsapp_conversation,
    cx_whatsapp_message,
    cx_whatsapp_template,
    cx_whatsapp_template_button,
    cx_whatsapp_template_variable,
    cx_whatsapp_webhook,
    res_partner,
)
