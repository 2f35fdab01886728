"""Customer service hands customers' needs to sales: a lead or an
opportunity from a ticket (the one hand-off the channels use too), existing
leads linked, and the report of where the leads came from."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import CxHelpdeskCommon


@tagged("post_install", "-at_install")
class TestLeadHandoff(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.crm_team = cls.env["crm.team"].create({"name": "Enterprise Sales"})
        cls.seller = new_test_user(cls.env, "cx_seller", name="Seller",
                                   groups="cx_helpdesk.group_cx_agent,sales_team.group_sale_salesman")
        cls.source_service = cls.env.ref("cx_helpdesk.utm_source_customer_service")

    def _handoff(self, ticket, user, **values):
        wizard = Form(self.env["cx.lead.handoff"].with_user(user).with_context(default_ticket_id=ticket.id))
        wizard.crm_team_id = self.crm_team
        for fname, value in values.items():
            setattr(wizard, fname, value)
        return wizard.save().action_confirm()

    def test_agent_without_crm_rights_hands_an_opportunity_over(self):
        """The agent reads no pipeline: the opportunity is created for them,
        for the chosen sales team, with the customer, the description, the
        UTM of customer service and the link back; both chatters tell it."""
        ticket = self._ticket(channel="email", description="<p>Wants 40 more licences</p>", user_id=self.agent_1.id)
        agent = self.agent_1
        self.assertFalse(self.env["crm.lead"].with_user(agent).has_access("read"))
        result = self._handoff(ticket, agent)
        self.assertEqual(result["tag"], "display_notification", "told, not sent to a pipeline they cannot read")
        lead = self.env["crm.lead"].search([("cx_ticket_ids", "in", ticket.ids)])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.team_id, self.crm_team)
        self.assertEqual(lead.partner_id, self.customer)
        self.assertFalse(lead.user_id, "the sales team assigns it")
        self.assertIn("40 more licences", str(lead.description))
        self.assertEqual(lead.source_id, self.source_service)
        self.assertEqual(lead.medium_id, self.env.ref("utm.utm_medium_email"))
        self.assertEqual(lead.cx_source_channel, "email")
        self.assertEqual(ticket.lead_ids, lead)
        self.assertEqual(ticket.with_user(agent).lead_count, 1)
        self.assertIn("Agent One", lead.message_ids[0].body)
        self.assertIn(ticket.display_name, lead.message_ids[0].body)
        self.assertIn(lead.name, ticket.message_ids[0].body)
        self.assertFalse(ticket.is_closed, "the ticket stays open")
        with self.assertRaises(AccessError):
            lead.with_user(agent).read(["name"])

    def test_salesperson_lands_on_the_lead_and_the_ticket_closes(self):
        ticket = self._ticket(channel="web_form", user_id=self.seller.id)
        result = self._handoff(ticket, self.seller, lead_type="lead", close_ticket=True)
        self.assertEqual(result["res_model"], "crm.lead")
        lead = self.env["crm.lead"].browse(result["res_id"])
        self.assertEqual(lead.type, "lead")
        self.assertEqual(lead.user_id, self.seller)
        self.assertEqual(lead.medium_id.name, "Web form", "the channel's medium, created once")
        self.assertTrue(ticket.is_closed)
        # the links both ways
        self.assertEqual(lead.with_user(self.seller).cx_ticket_count, 1)
        self.assertEqual(self.env["cx.ticket"].search(lead.with_user(self.seller).action_view_cx_tickets()["domain"]),
                         ticket)
        self.assertEqual(self.env["crm.lead"].search(ticket.with_user(self.seller).action_view_leads()["domain"]), lead)
        # a second hand-off of the same channel finds the medium again
        self._handoff(self._ticket(channel="web_form", user_id=self.seller.id), self.seller)
        self.assertEqual(self.env["utm.medium"].search_count([("name", "=ilike", "Web form")]), 1)

    def test_salesperson_chosen(self):
        ticket = self._ticket(channel="phone", user_id=self.agent_1.id)
        self._handoff(ticket, self.agent_1, user_id=self.seller)
        lead = ticket.sudo().lead_ids
        self.assertEqual(lead.user_id, self.seller)
        self.assertEqual(lead.medium_id, self.env.ref("utm.utm_medium_phone"))

    def test_link_existing_leads(self):
        ticket = self._ticket(user_id=self.seller.id)
        lead = self.env["crm.lead"].create({"name": "Renewal", "partner_id": self.customer.id, "user_id": self.seller.id})
        result = self._handoff(ticket, self.seller, mode="link", lead_ids=lead)
        self.assertEqual(result["res_id"], lead.id)
        self.assertEqual(ticket.lead_ids, lead)
        self.assertIn(ticket.display_name, lead.message_ids[0].body)
        self.assertIn("Renewal", ticket.message_ids[0].body)
        self.assertFalse(lead.cx_source_channel, "linked, not handed over: not in the report")
        with self.assertRaises(UserError):
            self._handoff(ticket, self.seller, mode="link")

    def test_no_handoff_from_a_ticket_one_cannot_see(self):
        """An agent of another team or company, a portal user: refused, no lead."""
        ticket = self._ticket(team_id=self.team_l2.id, user_id=self.agent_l2.id)
        with self.assertRaises(AccessError):
            self._handoff(ticket, self.agent_1)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider = self._new_agent("cx_other_co", "Other Company Agent", company_id=other_company.id,
                                   company_ids=other_company.ids)
        with self.assertRaises(AccessError):
            self._handoff(self._ticket(), outsider)
        portal = new_test_user(self.env, "cx_portal_buyer", groups="base.group_portal")
        self.customer.child_ids = [(4, portal.partner_id.id)]
        with self.assertRaises(AccessError):
            self.env["cx.lead.handoff"].with_user(portal).create({"ticket_id": self._ticket().id}).action_confirm()
        self.assertFalse(self.env["crm.lead"].search([("cx_source_channel", "!=", False)]))

    def test_forms_open_for_agents_and_salespeople(self):
        """The ticket form opens for an agent without Sales rights (the leads
        stay out of it), the lead form for a salesperson who is no agent."""
        ticket = self._ticket(user_id=self.agent_1.id)
        self.assertNotIn("lead_ids", Form(ticket.with_user(self.agent_1))._view["fields"])
        self.assertEqual(ticket.with_user(self.agent_1).action_open_lead_handoff()["res_model"], "cx.lead.handoff")
        seller = new_test_user(self.env, "cx_pure_seller", groups="sales_team.group_sale_salesman")
        self._handoff(ticket, self.agent_1, user_id=seller)
        lead = ticket.lead_ids
        form = Form(lead.with_user(seller))
        self.assertEqual(form.cx_source_channel, "other")
        self.assertEqual(lead.with_user(seller).cx_ticket_count, 1)

    def test_report_by_source_channel(self):
        """Leads and won revenue by service channel, for the salespeople."""
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        for channel, revenue, won in (("email", 1000, True), ("email", 500, False), ("phone", 300, True)):
            self._handoff(self._ticket(channel=channel, user_id=self.seller.id), self.seller)
            lead = self.env["crm.lead"].search([], order="id desc", limit=1)
            lead.expected_revenue = revenue
            if won:
                lead.stage_id = won_stage
        self.env.flush_all()
        Report = self.env["cx.lead.source.report"].with_user(self.seller)
        rows = {channel: (count, won_revenue) for channel, count, won_revenue in Report._read_group(
            [], ["source_channel"], ["lead_count:sum", "won_revenue:sum"])}
        self.assertEqual(rows, {"email": (2, 1000), "phone": (1, 300)})
        self.assertEqual(self.env["ir.actions.act_window"]._for_xml_id(
            "cx_helpdesk.cx_lead_source_report_action")["res_model"], "cx.lead.source.report")
        with self.assertRaises(AccessError):
            self.env["cx.lead.source.report"].with_user(self.agent_1).search([])
