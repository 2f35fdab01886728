from . import (
    crm_lead,
    cx_call,
    cx_call_listen,
    cx_call_transfer,
    cx_pbx,
    cx_pbx_queue,
    cx_ticket,
    mail_activity,
    res_partner,
    res_users,
)
