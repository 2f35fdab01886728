"""A call becomes a lead for the sales team."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import CxTelephonyCommon
from .test_cx_call import replay


class TestCallLead(CxTelephonyCommon):
    def setUp(self):
        super().setUp()
        self.call = replay(self, "inbound_queue_answered")
        self.call.notes = "<p>Wants 40 licences for the Jeddah branch</p>"

    def test_agent_hands_a_lead_to_sales(self):
        """An agent without access to the pipeline creates the lead: it is
        there for the sales team, with the caller and the notes."""
        call = self.call.with_user(self.agent_1)
        self.assertFalse(self.env["crm.lead"].with_user(self.agent_1).has_access("read"))
        result = call.action_create_lead()
        self.assertEqual(result["tag"], "display_notification", "the agent is told, not sent to a form they cannot read")
        lead = self.call.sudo().lead_id
        self.assertEqual(lead.partner_id, self.saudi)
        self.assertEqual(lead.phone, "+966501234567")
        self.assertIn("40 licences", str(lead.description))
        self.assertEqual(lead.medium_id, self.env.ref("utm.utm_medium_phone"))
        self.assertFalse(lead.user_id, "the sales team assigns it")
        self.assertEqual(lead.source_id, self.env.ref("cx_helpdesk.utm_source_customer_service"))
        self.assertEqual(lead.cx_source_channel, "phone")
        self.assertEqual(lead.cx_ticket_ids, self.call.sudo().ticket_id)
        self.assertIn("Agent One", lead.message_ids[0].body)
        self.assertTrue(call.has_lead)
        # twice: the same lead, not a second one
        again = call.action_create_lead()
        self.assertEqual(again["params"]["type"], "info")
        self.assertEqual(self.env["crm.lead"].sudo().search_count([("phone", "=", "+966501234567")]), 1)
        with self.assertRaises(AccessError):
            call.lead_id.name  # noqa: B018 (the pipeline stays the sales team's)

    def test_salesperson_lands_on_the_lead(self):
        seller = new_test_user(self.env, "cx_seller", groups="cx_helpdesk.group_cx_agent,sales_team.group_sale_salesman")
        self.call.user_id = seller
        result = self.call.with_user(seller).action_create_lead()
        self.assertEqual(result["res_model"], "crm.lead")
        lead = self.env["crm.lead"].browse(result["res_id"])
        self.assertEqual(lead.user_id, seller)
        self.assertEqual(lead.with_user(seller).cx_call_count, 1)
        self.assertEqual(lead.with_user(seller).action_view_cx_calls()["domain"], [("lead_id", "=", lead.id)])

    def test_no_lead_from_a_call_one_cannot_see(self):
        other_team_agent = self.agent_l2  # second line: not the call's team
        with self.assertRaises(AccessError):
            self.call.with_user(other_team_agent).action_create_lead()
        self.assertFalse(self.call.sudo().lead_id)
