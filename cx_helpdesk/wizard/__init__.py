from . import cx_ticket_escalate
