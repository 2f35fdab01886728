from odoo.exceptions import AccessError
from odoo.fields import Command, Date
from odoo.tests import new_test_user, tagged

from .common import CxHelpdeskCommon


class Customer360Common(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_contact = cls.env["res.partner"].create({"name": "Fatima Trading", "is_company": True,
                                                             "lang": "en_US"})
        cls.customer.parent_id = cls.company_contact
        # an agent with the Sales and Invoicing rights
        cls.agent_erp = new_test_user(
            cls.env, "cx_agent_erp", name="ERP Agent", email="erp@example.com",
            groups="cx_helpdesk.group_cx_agent,sales_team.group_sale_salesman_all_leads,account.group_account_invoice")
        cls.team_l1.member_ids |= cls.agent_erp
        cls.product = cls.env["product.product"].create({"name": "Router", "list_price": 100.0, "type": "service"})

    def _history(self, size, agent=None):
        """``size`` records of each section for the customer, the tickets ``agent``'s."""
        agent = agent or self.agent_erp
        tickets = self.env["cx.ticket"].create([
            {"name": f"Issue {index}", "team_id": self.team_l1.id, "partner_id": self.customer.id, "channel": "email",
             "user_id": agent.id}
            for index in range(size)])
        for ticket in tickets:
            ticket.message_post(body="Still broken", message_type="email", author_id=self.customer.id)
        orders = self.env["sale.order"].create([
            {"partner_id": self.customer.id,
             "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})]}
            for _index in range(size)])
        orders[: size // 2 or 1].action_confirm()
        invoices = self.env["account.move"].create([
            {"move_type": "out_invoice", "partner_id": self.customer.id, "invoice_date": "2026-01-01",
             "invoice_date_due": "2026-01-31",
             "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 200.0,
                                                  "tax_ids": [Command.clear()]})]}
            for _index in range(size)])
        invoices.action_post()
        self.env["crm.lead"].create([{"name": f"Upsell {index}", "partner_id": self.customer.id,
                                      "type": "opportunity"} for index in range(size)])
        return tickets, orders, invoices

    def _summary(self, user):
        return self.env["cx.customer.360"].with_user(user).summary(self.customer.id)



@tagged("post_install", "-at_install")
class TestCustomer360(Customer360Common):
    def test_last_nps_answer(self):
        self.assertIs(self._summary(self.agent_erp)["nps"], False, "never answered")
        Survey = self.env["cx.nps.survey"]
        Survey.create({"partner_id": self.customer.id}).write(
            {"score": 9, "comment": "Quick and kind", "answered_at": "2026-02-01 10:00:00"})
        Survey.create({"partner_id": self.company_contact.id}).write(
            {"score": 3, "comment": "Slow", "answered_at": "2026-03-01 10:00:00"})
        Survey.create({"partner_id": self.customer.id})  # sent, not answered
        nps = self._summary(self.agent_erp)["nps"]
        self.assertEqual((nps["score"], nps["category"], nps["comment"]), (3, "detractor", "Slow"),
                         "the commercial entity's last answer")

    def test_summary_sections(self):
        tickets, orders, _invoices = self._history(3)
        tickets[0].stage_id = self.stage_solved
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.company_contact.id, "invoice_date": "2026-01-02",
            "invoice_line_ids": [Command.create({"name": "Refund", "quantity": 1, "price_unit": 50.0,
                                                 "tax_ids": [Command.clear()]})]})
        refund.action_post()
        summary = self._summary(self.agent_erp)
        self.assertEqual(summary["partner"]["commercial_id"], self.company_contact.id)
        self.assertEqual(summary["partner"]["lang"], "en_US")
        self.assertEqual(summary["partner"]["preferred_channel"], "email")
        self.assertEqual((summary["tickets"]["open_count"], summary["tickets"]["closed_count"]), (2, 1))
        self.assertEqual(len(summary["tickets"]["records"]), 3)
        self.assertFalse(summary["tickets"]["records"][0]["is_closed"], "open tickets first")
        self.assertIn("sla_status", summary["tickets"]["records"][0])
        self.assertEqual(len(summary["emails"]), 3)
        sales = summary["sale_orders"]
        self.assertEqual((sales["quotation_count"], sales["order_count"]), (2, 1))
        self.assertAlmostEqual(sales["order_amount"], orders.filtered(lambda o: o.state == "sale").amount_total)
        money = summary["invoices"]
        self.assertAlmostEqual(money["lifetime_value"], 3 * 200.0 - 50.0)
        # the refund's residual lowers what the customer owes
        self.assertAlmostEqual(money["amount_due"], 3 * 200.0 - 50.0)
        self.assertEqual(money["overdue_count"], 3)
        self.assertAlmostEqual(money["amount_overdue"], 600.0 if Date.today() > Date.to_date("2026-01-31") else 0.0)
        self.assertEqual(summary["leads"]["opportunity_count"], 3)
        self.assertEqual(summary["ratings"], [])

    def test_agent_without_sales_or_invoicing(self):
        self._history(1, agent=self.agent_1)
        summary = self._summary(self.agent_1)
        self.assertIsNone(summary["invoices"], "no invoice amounts for an agent without Invoicing rights")
        self.assertIsNone(summary["sale_orders"])
        self.assertIsNone(summary["leads"])
        self.assertEqual(summary["tickets"]["open_count"], 1)
        self.assertTrue(all(value is not None for key, value in summary.items()
                            if key not in ("invoices", "sale_orders", "leads", "nps")))

    def test_other_company_absent(self):
        self._history(1)
        other = self.env["res.company"].create({"name": "Other Co"})
        other_team = self.env["cx.team"].create({"name": "Other team", "company_id": other.id})
        self.env["cx.ticket"].create({"name": "Elsewhere", "team_id": other_team.id,
                                      "partner_id": self.customer.id, "company_id": other.id})
        summary = self._summary(self.agent_erp)
        self.assertEqual(summary["tickets"]["open_count"], 1, "another company's ticket is not counted")
        self.assertEqual(len(self.env["cx.customer.360"].with_user(self.agent_erp).timeline(self.customer.id)),
                         1 + 1)  # the ticket and its e-mail

    def test_portal_refused(self):
        portal = new_test_user(self.env, "cx_portal_360", groups="base.group_portal", name="Portal")
        with self.assertRaises(AccessError):
            self._summary(portal)

    def test_timeline_paged(self):
        self._history(3)
        Customer360 = self.env["cx.customer.360"].with_user(self.agent_erp)
        everything = Customer360.timeline(self.customer.id, limit=100)
        self.assertEqual([entry["kind"] for entry in everything].count("ticket"), 3)
        self.assertEqual([entry["kind"] for entry in everything].count("email"), 3)
        dates = [entry["date"] for entry in everything]
        self.assertEqual(dates, sorted(dates, reverse=True))
        page_1 = Customer360.timeline(self.customer.id, limit=4)
        page_2 = Customer360.timeline(self.customer.id, limit=4, offset=4)
        self.assertEqual(page_1 + page_2, everything)


@tagged("post_install", "-at_install")
class TestCustomer360Performance(Customer360Common):
    def _queries(self, size):
        self._history(size)
        self.env.flush_all()
        self.env.invalidate_all()
        Customer360 = self.env["cx.customer.360"].with_user(self.agent_erp)
        Customer360.summary(self.customer.id)  # the rules of the user in the registry's cache
        self.env.invalidate_all()
        return Customer360

    def test_summary_queries_1(self):
        Customer360 = self._queries(1)
        with self.assertQueryCount(__system__=QUERIES_SUMMARY, cx_agent_erp=QUERIES_SUMMARY):
            Customer360.summary(self.customer.id)

    def test_summary_queries_30(self):
        Customer360 = self._queries(30)
        with self.assertQueryCount(__system__=QUERIES_SUMMARY, cx_agent_erp=QUERIES_SUMMARY):
            Customer360.summary(self.customer.id)

    def test_timeline_queries_30(self):
        Customer360 = self._queries(30)
        with self.assertQueryCount(__system__=QUERIES_TIMELINE, cx_agent_erp=QUERIES_TIMELINE):
            Customer360.timeline(self.customer.id, limit=10, offset=10)


QUERIES_SUMMARY = 23
QUERIES_TIMELINE = 6



@tagged("post_install", "-at_install")
class TestCustomer360Views(Customer360Common):
    def test_forms_carry_the_360(self):
        ticket_arch = self.env["cx.ticket"].with_user(self.agent_1).get_view(view_type="form")["arch"]
        self.assertIn('name="cx_customer_360"', ticket_arch)
        partner_view = self.env["res.partner"].with_user(self.agent_erp).get_views([(False, "form")])
        arch = partner_view["views"]["form"]["arch"]
        self.assertIn('name="cx_customer_360"', arch)
        self.assertIn("action_view_cx_invoices_due", arch)
        arch = self.env["res.partner"].with_user(self.agent_1).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_view_cx_invoices_due", arch, "no invoice button without Invoicing rights")

    def test_invoices_due_action(self):
        _tickets, _orders, invoices = self._history(2)
        action = self.customer.with_user(self.agent_erp).action_view_cx_invoices_due()
        self.assertEqual(self.env["account.move"].with_user(self.agent_erp).search(action["domain"]), invoices)
