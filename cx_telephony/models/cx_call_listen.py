from odoo import fields, models


class CxCallListen(models.Model):
    """One listen of a call's recording: who played it, when. Written by the
    recording route (a request that starts at the beginning of the file is a
    listen; the player's seeks within it are not), never edited: supervisors
    report on it (who listens to what, how often)."""

    _name = "cx.call.listen"
    _description = "Call Recording Listen"
    _order = "listened_at desc, id desc"
    _log_access = False  # the line is its own log: who and when are its fields

    call_id = fields.Many2one("cx.call", string="Call", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="call_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Listened By", required=True, ondelete="restrict", index=True,
                              readonly=True)
    listened_at = fields.Datetime(string="Listened On", required=True, default=fields.Datetime.now, readonly=True)
    team_id = fields.Many2one(related="call_id.team_id", string="Team", store=True)
    call_user_id = fields.Many2one(related="call_id.user_id", string="Agent of the Call", store=True)
