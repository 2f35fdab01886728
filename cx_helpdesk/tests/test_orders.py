"""Orders, invoices and refunds from a ticket: linking, cancelling a sale
order, draft credit notes (whole or some lines), the "credit note before
closing" ticket type, and who may do what."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import CxHelpdeskCommon


class TicketOrdersCommon(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_agent = new_test_user(
            cls.env, "cx_billing_agent", name="Billing Agent", email="billing@example.com",
            groups="cx_helpdesk.group_cx_agent,account.group_account_invoice,sales_team.group_sale_salesman_all_leads",
        )
        cls.team_l1.member_ids |= cls.billing_agent
        cls.product = cls.env["product.product"].create({"name": "Water Heater", "list_price": 100.0, "type": "consu"})
        cls.product_2 = cls.env["product.product"].create({"name": "Installation", "list_price": 50.0, "type": "service"})
        cls.invoice = cls._invoice(cls.customer)
        cls.other_customer = cls.env["res.partner"].create({"name": "Someone Else"})
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id,
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 1})],
        })
        cls.refund_type = cls.env["cx.ticket.type"].create({"name": "Refund on a broken delivery", "requires_credit_note": True})

    @classmethod
    def _invoice(cls, partner, company=None):
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=(company or cls.env.company).ids))
        invoice = env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": (company or cls.env.company).id,
            "invoice_line_ids": [
                Command.create({"product_id": cls.product.id, "quantity": 3, "price_unit": 100.0, "tax_ids": []}),
                Command.create({"product_id": cls.product_2.id, "quantity": 1, "price_unit": 50.0, "tax_ids": []}),
            ],
        })
        invoice.action_post()
        return invoice

    def _linked_ticket(self, **values):
        ticket = self._ticket(**values)
        ticket.write({"invoice_ids": [Command.link(self.invoice.id)], "sale_order_ids": [Command.link(self.order.id)]})
        return ticket



@tagged("post_install", "-at_install")
class TestTicketOrders(TicketOrdersCommon):
    # links ---------------------------------------------------------------

    def test_link_counts_both_ways(self):
        ticket = self._linked_ticket()
        self.assertEqual((ticket.sale_order_count, ticket.invoice_count), (1, 1))
        self.assertEqual(self.order.cx_ticket_ids, ticket)
        self.assertEqual(self.invoice.cx_ticket_count, 1)

    def test_link_only_the_customers_documents(self):
        ticket = self._ticket()
        stranger_invoice = self._invoice(self.other_customer)
        with self.assertRaises(ValidationError):
            ticket.invoice_ids = [Command.link(stranger_invoice.id)]
        stranger_order = self.order.copy({"partner_id": self.other_customer.id})
        with self.assertRaises(ValidationError):
            ticket.sale_order_ids = [Command.link(stranger_order.id)]

    def test_link_other_company_refused(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env.user.company_ids |= other
        self.customer.company_id = False
        order = self.env["sale.order"].with_company(other).create({"partner_id": self.customer.id, "company_id": other.id})
        ticket = self._ticket()
        with self.assertRaises(UserError):  # check_company
            ticket.sale_order_ids = [Command.link(order.id)]

    # cancel a sale order --------------------------------------------------

    def test_cancel_sale_order_logged_on_both(self):
        ticket = self._linked_ticket(user_id=self.billing_agent.id).with_user(self.billing_agent)
        self.order.action_confirm()
        wizard = self.env["cx.ticket.sale.cancel"].with_user(self.billing_agent).create(
            {"ticket_id": ticket.id, "sale_order_id": self.order.id, "reason": "Ordered twice"}
        )
        wizard.action_confirm()
        self.assertEqual(self.order.state, "cancel")
        self.assertIn("Ordered twice", self.order.message_ids[0].body)
        self.assertIn("Ordered twice", ticket.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "already cancelled"):
            ticket._cx_cancel_sale_order(self.order)

    def test_cancel_locked_order_refused_as_sales_does(self):
        ticket = self._linked_ticket()
        self.order.action_confirm()
        self.order.action_lock()
        with self.assertRaisesRegex(UserError, "locked"):
            ticket._cx_cancel_sale_order(self.order, "x")
        self.assertEqual(self.order.state, "sale")

    # credit notes ---------------------------------------------------------

    def test_full_credit_note_through_accounts_wizard(self):
        ticket = self._linked_ticket(user_id=self.billing_agent.id)
        wizard = self.env["cx.ticket.credit.note"].with_user(self.billing_agent).create(
            {"ticket_id": ticket.id, "invoice_id": self.invoice.id, "reason": "Broken on arrival"}
        )
        action = wizard.action_confirm()
        refund = self.env["account.move"].browse(action["res_id"])
        self.assertRecordValues(refund, [{
            "move_type": "out_refund", "state": "draft", "reversed_entry_id": self.invoice.id, "amount_total": 350.0,
        }])
        self.assertIn("Broken on arrival", refund.ref)
        self.assertIn(refund, ticket.invoice_ids)
        self.assertIn("Broken on arrival", refund.message_ids[0].body)
        self.assertIn(refund.display_name, ticket.message_ids[0].body)

    def test_partial_credit_note_lines_and_quantities(self):
        ticket = self._linked_ticket(user_id=self.billing_agent.id)
        wizard = self.env["cx.ticket.credit.note"].with_user(self.billing_agent).create(
            {"ticket_id": ticket.id, "invoice_id": self.invoice.id, "reason": "One heater broken", "refund_method": "partial"}
        )
        self.assertEqual(len(wizard.line_ids), 2)
        wizard.line_ids.filtered(lambda line: line.move_line_id.product_id == self.product).quantity = 1
        refund = self.env["account.move"].browse(wizard.action_confirm()["res_id"])
        self.assertRecordValues(refund, [{
            "move_type": "out_refund", "state": "draft", "reversed_entry_id": self.invoice.id, "amount_total": 100.0,
        }])
        self.assertRecordValues(refund.invoice_line_ids, [{"product_id": self.product.id, "quantity": 1, "price_unit": 100.0}])
        self.assertIn(refund, ticket.invoice_ids)

    def test_partial_credit_note_bad_quantities(self):
        ticket = self._linked_ticket()
        line = self.invoice.invoice_line_ids[0]
        with self.assertRaisesRegex(UserError, "refunded for"):
            ticket._cx_create_credit_note(self.invoice, "x", {line: 4})
        with self.assertRaisesRegex(UserError, "at least one line"):
            ticket._cx_create_credit_note(self.invoice, "x", {line: 0})
        with self.assertRaisesRegex(UserError, "reason"):
            ticket._cx_create_credit_note(self.invoice, "", None)
        self.assertFalse(self.env["account.move"].search([("reversed_entry_id", "=", self.invoice.id)]))

    def test_credit_note_of_a_draft_invoice_refused(self):
        draft = self.invoice.copy()
        ticket = self._ticket()
        ticket.invoice_ids = [Command.link(draft.id)]
        with self.assertRaisesRegex(UserError, "posted customer invoice"):
            ticket._cx_create_credit_note(draft, "x")

    # the refund request type ---------------------------------------------

    def test_refund_request_not_closable_before_its_credit_note(self):
        ticket = self._linked_ticket(type_id=self.refund_type.id, user_id=self.agent_1.id).with_user(self.agent_1)
        with self.assertRaisesRegex(UserError, "credit note before closing"):
            ticket.action_close()
        with self.assertRaisesRegex(UserError, "credit note before closing"):
            ticket.stage_id = self.stage_solved
        self.assertFalse(ticket.is_closed)
        ticket.sudo()._cx_create_credit_note(self.invoice, "Refund")
        ticket.action_close()
        self.assertTrue(ticket.is_closed)

    def test_other_types_close_freely(self):
        ticket = self._linked_ticket()
        ticket.action_close()
        self.assertTrue(ticket.is_closed)

    # access rights ---------------------------------------------------------

    def test_agent_without_invoicing_rights(self):
        ticket = self._linked_ticket()
        agent = ticket.with_user(self.agent_1)
        with self.assertRaises(AccessError):
            agent.action_open_credit_note()
        with self.assertRaises(AccessError):
            agent._cx_create_credit_note(self.invoice, "x")
        with self.assertRaises(AccessError):
            self.env["cx.ticket.credit.note"].with_user(self.agent_1).create(
                {"ticket_id": ticket.id, "invoice_id": self.invoice.id, "reason": "x"}
            )
        with self.assertRaises(AccessError):
            agent.read(["invoice_ids"])
        arch = agent.get_view(view_type="form")["arch"]
        self.assertNotIn("action_open_credit_note", arch)
        self.assertNotIn("action_open_sale_cancel", arch)
        self.assertNotIn('name="invoice_ids"', arch)
        self.assertFalse(self.env["account.move"].search([("reversed_entry_id", "=", self.invoice.id)]))

    def test_agent_without_sales_rights(self):
        ticket = self._linked_ticket()
        agent = ticket.with_user(self.agent_1)
        with self.assertRaises(AccessError):
            agent.action_open_sale_cancel()
        with self.assertRaises(AccessError):
            agent._cx_cancel_sale_order(self.order, "x")
        self.assertEqual(self.order.state, "draft")

    def test_billing_agent_sees_the_buttons(self):
        arch = self._ticket().with_user(self.billing_agent).get_view(view_type="form")["arch"]
        self.assertIn("action_open_credit_note", arch)
        self.assertIn("action_open_sale_cancel", arch)

    def test_portal_user_refused(self):
        portal = new_test_user(self.env, "cx_orders_portal", groups="base.group_portal", partner_id=self.customer.id)
        ticket = self._linked_ticket()
        with self.assertRaises(AccessError):
            ticket.with_user(portal).action_open_credit_note()
        with self.assertRaises(AccessError):
            ticket.with_user(portal)._cx_cancel_sale_order(self.order, "x")


@tagged("post_install", "-at_install")
class TestTicketOrdersRpc(HttpCase, TicketOrdersCommon):
    """What an agent's browser would send: refused over RPC without the rights."""

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_rpc_credit_note_refused_without_invoicing_rights(self):
        ticket = self._linked_ticket(user_id=self.agent_1.id)
        self.authenticate("cx_agent_1", "cx_agent_1")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("cx.ticket", "action_open_credit_note", [ticket.ids])
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("cx.ticket.credit.note", "create",
                       [{"ticket_id": ticket.id, "invoice_id": self.invoice.id, "reason": "x"}])
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("cx.ticket.sale.cancel", "create",
                       [{"ticket_id": ticket.id, "sale_order_id": self.order.id, "reason": "x"}])
        self.assertEqual(self.order.state, "draft")
        self.assertFalse(self.env["account.move"].search([("reversed_entry_id", "=", self.invoice.id)]))

    def test_rpc_credit_note_with_invoicing_rights(self):
        ticket = self._linked_ticket(user_id=self.billing_agent.id)
        self.authenticate("cx_billing_agent", "cx_billing_agent")
        wizard_id = self._call("cx.ticket.credit.note", "create",
                               [{"ticket_id": ticket.id, "invoice_id": self.invoice.id, "reason": "Late delivery"}])
        action = self._call("cx.ticket.credit.note", "action_confirm", [[wizard_id]])
        refund = self.env["account.move"].browse(action["res_id"])
        self.assertEqual((refund.move_type, refund.state), ("out_refund", "draft"))
