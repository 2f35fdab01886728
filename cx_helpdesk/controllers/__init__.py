from . import cx_helpdesk, cx_nps
