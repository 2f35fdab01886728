"""The customer 360 reads the calls through the channel contract."""

from .common import CxTelephonyCommon


class TestCustomer360Calls(CxTelephonyCommon):
    def test_calls_in_the_summary_and_the_timeline(self):
        calls = self.env["cx.call"].create([
            {"pbx_id": self.pbx.id, "linkedid": f"c360.{index}", "partner_id": self.saudi.id,
             "user_id": self.agent_1.id}
            for index in range(3)])
        Customer360 = self.env["cx.customer.360"].with_user(self.agent_1)
        section = Customer360.summary(self.saudi.id)["channels"]["cx.call"]
        self.assertEqual((section["channel"], section["count"]), ("phone", 3))
        self.assertEqual({entry["id"] for entry in section["records"]}, set(calls.ids))
        timeline = Customer360.timeline(self.saudi.id)
        self.assertEqual({entry["id"] for entry in timeline if entry["model"] == "cx.call"}, set(calls.ids))
