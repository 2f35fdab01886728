from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.cx_helpdesk.models.cx_constants import LEAD_SOURCE_CHANNELS


class CxLeadSourceReport(models.Model):
    """Where the leads handed over by customer service came from: one row
    per lead with a service channel (lost ones included), its team,
    salesperson, month and, once won, its revenue."""

    _name = "cx.lead.source.report"
    _description = "Leads from Customer Service"
    _auto = False
    _rec_name = "lead_id"
    _order = "create_date desc"

    lead_id = fields.Many2one("crm.lead", string="Lead", readonly=True)
    source_channel = fields.Selection(LEAD_SOURCE_CHANNELS, string="Service Channel", readonly=True)
    type = fields.Selection([("lead", "Lead"), ("opportunity", "Opportunity")], readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    source_id = fields.Many2one("utm.source", string="Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", string="Medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", string="Campaign", readonly=True)
    create_date = fields.Datetime(string="Handed Over On", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    won_status = fields.Selection([("won", "Won"), ("lost", "Lost"), ("pending", "Pending")], string="Won/Lost",
                                  readonly=True)
    lead_count = fields.Integer(string="Leads", readonly=True, aggregator="sum")
    won_count = fields.Integer(string="Won", readonly=True, aggregator="sum")
    expected_revenue = fields.Monetary(string="Expected Revenue", currency_field="currency_id", readonly=True)
    won_revenue = fields.Monetary(string="Won Revenue", currency_field="currency_id", readonly=True,
                                  help="The expected revenue of the won leads.")
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def _select(self) -> SQL:
        return SQL("""
            SELECT
                L.id AS id,
                L.id AS lead_id,
                L.cx_source_channel AS source_channel,
                L.type AS type,
                L.team_id AS team_id,
                L.user_id AS user_id,
                L.company_id AS company_id,
                L.partner_id AS partner_id,
                L.source_id AS source_id,
                L.medium_id AS medium_id,
                L.campaign_id AS campaign_id,
                L.create_date AS create_date,
                L.date_closed AS date_closed,
                L.won_status AS won_status,
                1 AS lead_count,
                CASE WHEN L.won_status = 'won' THEN 1 ELSE 0 END AS won_count,
                COALESCE(L.expected_revenue, 0) AS expected_revenue,
                CASE WHEN L.won_status = 'won' THEN COALESCE(L.expected_revenue, 0) ELSE 0 END AS won_revenue,
                C.currency_id AS currency_id
        """)

    def _from(self) -> SQL:
        return SQL("FROM crm_lead L LEFT JOIN res_company C ON C.id = L.company_id")

    def _where(self) -> SQL:
        return SQL("WHERE L.cx_source_channel IS NOT NULL")
