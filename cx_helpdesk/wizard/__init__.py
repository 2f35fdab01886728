from . import cx_lead_handoff, cx_ticket_escalate
