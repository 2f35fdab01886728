from . import cx_lead_handoff, cx_ticket_credit_note, cx_ticket_escalate, cx_ticket_sale_cancel
