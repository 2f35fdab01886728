from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    cx_portal_company_tickets = fields.Boolean(
        string="Customers See Their Company's Tickets",
        help="In the portal, a customer's contact sees every ticket of their company, not only their own.",
    )
