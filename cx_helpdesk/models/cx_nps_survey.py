import uuid
from datetime import timedelta

from odoo import api, fields, models

NPS_CATEGORIES = [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")]
NPS_CHANNELS = [("email", "Email"), ("whatsapp", "WhatsApp")]


def nps_category(score):
    """Promoters answer 9-10, passives 7-8, detractors 0-6."""
    if score is None or score is False:
        return False
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


class CxNpsSurvey(models.Model):
    """One "how likely are you to recommend us" question sent to a customer.

    Each send has its own secret token: the public page takes one answer per
    send, and a customer answers only for themself.
    """

    _name = "cx.nps.survey"
    _description = "NPS Survey"
    _inherit = ["mail.thread"]
    _order = "sent_at desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    commercial_partner_id = fields.Many2one(
        "res.partner", related="partner_id.commercial_partner_id", store=True, index=True, string="Company"
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    token = fields.Char(default=lambda self: str(uuid.uuid4()), required=True, copy=False, readonly=True, groups="base.group_system")
    channel = fields.Selection(NPS_CHANNELS, default="email", required=True)
    sent_at = fields.Datetime(string="Sent On", readonly=True)
    answered_at = fields.Datetime(string="Answered On", readonly=True, index=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    comment = fields.Text(readonly=True)
    category = fields.Selection(NPS_CATEGORIES, compute="_compute_category", store=True, index=True)
    survey_url = fields.Char(
        string="Survey Link", compute="_compute_survey_url", groups="base.group_system",
        help="The customer's personal link to the survey (for the message templates).",
    )
    ticket_id = fields.Many2one(
        "cx.ticket", string="Follow-up Ticket", readonly=True, index="btree_not_null", ondelete="set null",
        help="The customer's last ticket when the survey was sent; a detractor's follow-up goes on it.",
    )

    _token_unique = models.Constraint("UNIQUE(token)", "A survey link is unique.")
    _score_range = models.Constraint(
        "CHECK(answered_at IS NULL OR (score >= 0 AND score <= 10))", "An NPS score goes from 0 to 10."
    )

    @api.depends("score", "answered_at")
    def _compute_category(self):
        for survey in self:
            survey.category = nps_category(survey.score) if survey.answered_at else False

    def _compute_survey_url(self):
        for survey in self:
            survey.survey_url = survey._cx_survey_url()

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _cx_survey_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/cx/nps/{self.sudo().token}"

    def _cx_answer(self, score, comment=None):
        """Store the customer's answer; a detractor's schedules a follow-up.

        Raises ValueError when the score is outside 0-10; the caller checks
        that the survey was not answered yet.
        """
        self.ensure_one()
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            raise ValueError(score)
        self.write({"score": score, "comment": (comment or "").strip() or False, "answered_at": fields.Datetime.now()})
        if self.category == "detractor":
            self._cx_schedule_follow_up()

    def _cx_schedule_follow_up(self):
        ticket = self.ticket_id or self.env["cx.ticket"].search(
            [("partner_id", "child_of", self.commercial_partner_id.id), ("company_id", "=", self.company_id.id)],
            order="create_date desc, id desc",
            limit=1,
        )
        summary = self.env._("Detractor NPS answer: call the customer back")
        note = self.env._("NPS answer %(score)s/10 from %(customer)s.", score=self.score, customer=self.partner_id.display_name)
        if ticket:
            ticket._cx_follow_up_activity(summary, note, self.comment)
            return
        leader = self.env["cx.team"].search(
            [("company_id", "=", self.company_id.id), ("leader_id", "!=", False)], limit=1
        ).leader_id
        self.partner_id.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=ticket._cx_follow_up_note(note, self.comment),
            user_id=(self.partner_id.user_id or leader or self.env.user).id,
        )

    @api.model
    def _cron_send_due(self, limit=500):
        for company in self.env["res.company"].search([("cx_nps_schedule", "!=", "off")]):
            partners = self._cx_due_partners(company, limit=limit)
            if partners:
                self.with_company(company)._cx_send(partners)

    @api.model
    def _cx_due_partners(self, company, limit=500):
        """Customers (contacts of closed tickets of ``company``) a survey is due to."""
        Ticket = self.env["cx.ticket"].with_context(active_test=False)
        domain = [("company_id", "=", company.id), ("is_closed", "=", True), ("partner_id", "!=", False)]
        last_sent = dict(
            self._read_group([("company_id", "=", company.id)], ["partner_id"], ["sent_at:max"])
        )
        if company.cx_nps_schedule == "days":
            horizon = fields.Datetime.now() - timedelta(days=max(company.cx_nps_days, 1))
            partners = Ticket._read_group(domain, ["partner_id"])
            due = [p for (p,) in partners if not last_sent.get(p) or last_sent[p] <= horizon]
        else:
            threshold = max(company.cx_nps_after_tickets, 1)
            due = []
            for partner, dates in Ticket._read_group(domain, ["partner_id"], ["close_date:array_agg"]):
                since = last_sent.get(partner)
                if len([d for d in dates if d and (not since or d > since)]) >= threshold:
                    due.append(partner)
        partners = self.env["res.partner"].union(*due) if due else self.env["res.partner"]
        return partners.filtered(lambda p: p.email or p.phone)[:limit]

    @api.model
    def _cx_send(self, partners):
        """Create and send one survey per partner: by a channel addon's hook
        (``_cx_send_nps_by_channel``, cx_whatsapp's template) when it takes
        it, else by email; a partner reachable by neither gets none."""
        template = self.env.ref("cx_helpdesk.mail_template_nps_survey")
        Ticket = self.env["cx.ticket"]
        surveys = self.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.env.company.id,
                    "ticket_id": Ticket.search(
                        [("partner_id", "=", partner.id), ("company_id", "=", self.env.company.id)], order="id desc", limit=1
                    ).id,
                }
                for partner in partners
            ]
        )
        now = fields.Datetime.now()
        by_channel = hasattr(surveys, "_cx_send_nps_by_channel")
        for survey in surveys:
            channel = by_channel and survey._cx_send_nps_by_channel()
            if channel:
                survey.write({"channel": channel, "sent_at": now})
            elif survey.partner_id.email:
                template.send_mail(survey.id, email_layout_xmlid="mail.mail_notification_light")
                survey.write({"channel": "email", "sent_at": now})
            else:
                survey.unlink()
        return surveys.exists()
