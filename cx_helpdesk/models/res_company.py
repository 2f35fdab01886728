from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    cx_portal_company_tickets = fields.Boolean(
        string="Customers See Their Company's Tickets",
        help="In the portal, a customer's contact sees every ticket of their company, not only their own.",
    )

    cx_nps_schedule = fields.Selection(
        [("off", "Never"), ("days", "Every N days per customer"), ("tickets", "After N closed tickets")],
        string="NPS Survey", default="off", required=True,
    )
    cx_nps_days = fields.Integer(string="NPS Every (days)", default=90)
    cx_nps_after_tickets = fields.Integer(string="NPS After (closed tickets)", default=3)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # each company numbers its tickets from 1; created now rather than by
        # the first ticket, so two first tickets in parallel cannot race
        for company in companies:
            self.env["cx.ticket"]._cx_sequence(company)
        return companies
