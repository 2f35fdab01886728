from odoo import api, models
from odoo.tools import SQL

WORK_SLOT_CALLBACK = 3


class CxWorkItem(models.Model):
    _inherit = "cx.work.item"
    _depends = {
        "mail.activity": ["res_model", "res_id", "res_name", "active", "summary", "user_id", "date_deadline"],
        "cx.call": ["partner_id", "team_id", "company_id"],
    }

    @api.model
    def _cx_work_parts(self):
        """Callbacks: the open activities of calls (a missed or abandoned
        call gets one for its team's leader or its agent), due at the end of
        their due day (UTC), for the call's customer and team."""
        return super()._cx_work_parts() + [self._cx_work_part(
            WORK_SLOT_CALLBACK,
            SQL("a.id"),
            {
                "res_model": SQL("'cx.call'::varchar"),
                "res_id": SQL("a.res_id"),
                "item_type": SQL("'callback'::varchar"),
                "channel": SQL("'phone'::varchar"),
                "name": SQL("COALESCE(a.summary, a.res_name)::varchar"),
                "partner_id": SQL("(SELECT k.partner_id FROM cx_call k WHERE k.id = a.res_id)"),
                "team_id": SQL("(SELECT k.team_id FROM cx_call k WHERE k.id = a.res_id)"),
                "user_id": SQL("a.user_id"),
                "company_id": SQL("(SELECT k.company_id FROM cx_call k WHERE k.id = a.res_id)"),
                # the activity's index is on this very expression (see mail.activity)
                "deadline": SQL("((a.date_deadline + 1)::timestamp)"),
                "state": SQL("'to_call'::varchar"),
            },
            SQL("mail_activity a"),
            SQL("a.res_model = 'cx.call' AND a.active IS TRUE"),
        )]
