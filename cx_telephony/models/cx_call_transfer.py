from odoo import fields, models


class CxCallTransfer(models.Model):
    _name = "cx.call.transfer"
    _description = "Call Transfer"
    _order = "at, id"

    call_id = fields.Many2one("cx.call", required=True, ondelete="cascade", index=True)
    kind = fields.Selection([("blind", "Blind"), ("attended", "Attended")], required=True)
    result = fields.Char()
    from_party = fields.Char(string="From")
    to_party = fields.Char(string="To")
    at = fields.Datetime()
