from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # "My work" (cx.work.item): the open callbacks in deadline order, all or
    # an agent's, and an item found again by its id
    _cx_callback_deadline_idx = models.Index(
        "(((date_deadline + 1)::timestamp)) WHERE res_model = 'cx.call' AND active IS TRUE")
    _cx_callback_user_deadline_idx = models.Index(
        "(user_id, ((date_deadline + 1)::timestamp)) WHERE res_model = 'cx.call' AND active IS TRUE")
    _cx_callback_item_idx = models.Index("((id * 16 + 3)) WHERE res_model = 'cx.call' AND active IS TRUE")

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        activities._cx_callbacks_changed()
        return activities

    def write(self, vals):
        callbacks = self.filtered(lambda a: a.res_model == "cx.call")
        before = callbacks.user_id if {"user_id", "active", "date_deadline", "summary"} & vals.keys() else None
        result = super().write(vals)
        if before is not None:
            callbacks._cx_callbacks_changed(before | callbacks.user_id)
        return result

    def unlink(self):
        callbacks = self.filtered(lambda a: a.res_model == "cx.call")
        users, calls = callbacks.user_id, self.env["cx.call"].browse(callbacks.mapped("res_id"))
        result = super().unlink()
        if callbacks:
            self.env["cx.work.item"]._cx_work_notify(users, calls.exists().team_id, "cx.call", calls.ids)
        return result

    def _cx_callbacks_changed(self, users=None):
        """The "My work" of the agents and teams of these callbacks changed."""
        callbacks = self.filtered(lambda a: a.res_model == "cx.call")
        if callbacks:
            users = callbacks.user_id if users is None else users
            calls = self.env["cx.call"].sudo().browse(callbacks.mapped("res_id"))
            self.env["cx.work.item"]._cx_work_notify(users, calls.team_id, "cx.call", calls.ids)
