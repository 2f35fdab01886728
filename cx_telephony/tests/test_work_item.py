from odoo import fields

from .common import CxTelephonyCommon


class TestWorkItemCallbacks(CxTelephonyCommon):
    """Callbacks in "My work": a missed call's callback activity is an item of
    its responsible, due at the end of its due day, until it is done."""

    def _callback_items(self, user):
        return self.env["cx.work.item"].with_user(user).search([("item_type", "=", "callback")])

    def test_missed_call_callback_until_done(self):
        call = self.env["cx.call"].create({
            "pbx_id": self.pbx.id, "linkedid": "1700000000.42", "caller_number": "+966501234567",
            "partner_id": self.saudi.id, "team_id": self.team_l1.id, "state": "missed"})
        mark = self._bus_mark()
        call._cx_schedule_callbacks()
        (activity,) = call.activity_ids
        self.assertEqual(activity.user_id, self.supervisor, "the team's leader calls back")
        self.assertEqual(self._work_notified(mark), self.team_l1.member_ids | self.supervisor)
        item = self._callback_items(self.supervisor)
        self.assertEqual((item.res_model, item.res_id, item.channel, item.partner_id, item.team_id, item.state),
                         ("cx.call", call.id, "phone", self.saudi, self.team_l1, "to_call"))
        self.assertEqual(item.deadline.date(), fields.Date.add(activity.date_deadline, days=1), "the end of its day")
        self.assertIn("Call back", item.name)
        self.assertFalse(self._callback_items(self.agent_1), "the leader's callback, not the agents'")
        self.assertEqual(item.action_open()["res_id"], call.id)
        mark = self._bus_mark()
        activity.with_user(self.supervisor).action_feedback(feedback="called back, solved")
        self.assertFalse(self._callback_items(self.supervisor), "done")
        self.assertIn(self.supervisor, self._work_notified(mark))

    def test_activities_of_other_documents_are_not_callbacks(self):
        self.env["res.partner"].browse(self.saudi.id).activity_schedule(
            "mail.mail_activity_data_call", user_id=self.agent_1.id)
        self.assertFalse(self._callback_items(self.agent_1))
