from odoo import fields, models


class CxPbxQueue(models.Model):
    """An Asterisk queue and the helpdesk team that answers it."""

    _name = "cx.pbx.queue"
    _description = "PBX Queue"
    _order = "pbx_id, name"

    pbx_id = fields.Many2one("cx.pbx", string="PBX", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="pbx_id.company_id", store=True)
    name = fields.Char(string="Queue", required=True, help="The queue's name in queues.conf, e.g. support.")
    team_id = fields.Many2one("cx.team", string="Team", domain="[('company_id', '=', company_id)]")
    callback_activity = fields.Boolean(
        string="Callback Activity on Missed Calls",
        default=True,
        help="A missed or abandoned call of this queue gets a 'call back' activity for the team.",
    )

    _pbx_name_unique = models.Constraint("UNIQUE(pbx_id, name)", "This queue is already mapped on this PBX.")
