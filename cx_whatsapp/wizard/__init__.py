from . import cx_whatsapp_template_send
