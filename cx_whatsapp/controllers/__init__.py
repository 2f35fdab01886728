from . import cx_whatsapp
