from odoo import fields, models


class ImLivechatChannel(models.Model):
    _inherit = "im_livechat.channel"

    cx_team_id = fields.Many2one(
        "cx.team", string="Helpdesk Team", index="btree_not_null",
        help="The chats of this channel open or join the customer's ticket in this team. Empty: chats open no "
        "ticket (an agent can still open one from the chat's session).")
