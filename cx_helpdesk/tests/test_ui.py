"""The agent's flow in a real browser (tour: static/tests/tours)."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CxHelpdeskCommon


@tagged("-at_install", "post_install")
class TestUi(HttpCase, CxHelpdeskCommon):
    def test_create_assign_escalate_close(self):
        admin = self.env.ref("base.user_admin")
        first = self.env["cx.team"].create(
            {"name": "Tour First Line", "assignment_method": "manual", "member_ids": [(6, 0, admin.ids)], "escalation_team_id": self.team_l2.id}
        )
        self.team_l2.name = "Tour Second Line"
        self.env["res.partner"].create({"name": "Tour Customer", "email": "tour@customer.example"})
        self.start_tour("/odoo", "cx_helpdesk_ticket_tour", login="admin")
        ticket = self.env["cx.ticket"].search([("name", "=", "Printer jammed at the Riyadh branch")])
        self.assertEqual(ticket.channel, "phone")
        self.assertEqual(ticket.team_id, self.team_l2)
        self.assertEqual(ticket.escalated_from_team_id, first)
        self.assertIn(admin.partner_id, ticket.message_partner_ids)
        self.assertTrue(ticket.is_closed)

    def test_convert_a_ticket_to_an_opportunity(self):
        admin = self.env.ref("base.user_admin")
        crm_team = self.env["crm.team"].create({"name": "Tour Enterprise Sales"})
        ticket = self._ticket(name="Forty more licences", user_id=admin.id)
        self.start_tour(f"/odoo/action-cx_helpdesk.cx_ticket_action/{ticket.id}", "cx_helpdesk_lead_handoff_tour",
                        login="admin")
        lead = ticket.lead_ids
        self.assertEqual((lead.type, lead.team_id, lead.partner_id), ("opportunity", crm_team, self.customer))
        self.assertFalse(ticket.is_closed)
    def test_credit_note_from_a_ticket(self):
        admin = self.env.ref("base.user_admin")
        customer = self.env["res.partner"].create({"name": "Tour Refund Customer"})
        heater = self.env["product.product"].create({"name": "Tour Heater", "list_price": 100.0})
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_line_ids": [
                Command.create({"product_id": heater.id, "quantity": 2, "price_unit": 100.0, "tax_ids": []}),
            ],
        })
        invoice.action_post()
        team = self.env["cx.team"].create({"name": "Tour Refunds", "assignment_method": "manual", "member_ids": [(6, 0, admin.ids)]})
        ticket = self.env["cx.ticket"].create({
            "name": "Heater broken on arrival", "team_id": team.id, "partner_id": customer.id, "user_id": admin.id,
            "invoice_ids": [Command.link(invoice.id)],
        })
        self.start_tour(f"/odoo/action-cx_helpdesk.cx_ticket_action/{ticket.id}", "cx_helpdesk_credit_note_tour", login="admin")
        refund = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        self.assertRecordValues(refund, [{"move_type": "out_refund", "state": "draft", "amount_total": 100.0}])
        self.assertIn("Broken on arrival", refund.ref)
        self.assertIn(refund, ticket.invoice_ids)
