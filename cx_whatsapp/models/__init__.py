from . import cx_whatsapp_account, cx_whatsapp_message, cx_whatsapp_webhook, res_partner
