from . import cx_helpdesk
