from . import cx_ticket_escalate
from . import cx_lead_handoff
