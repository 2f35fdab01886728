from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .cx_constants import SLA_ESCALATION_ACTIONS, SLA_ESCALATION_TRIGGERS, TICKET_CHANNELS, TICKET_PRIORITIES


class CxSlaPolicy(models.Model):
    """What service a kind of ticket is promised: a first response within N
    working hours and/or reaching a stage (resolution) within M working hours,
    counted in the team's working hours, paused in some stages, with actions
    when the deadline comes near (warning) and when it passes (breach)."""

    _name = "cx.sla.policy"
    _description = "SLA Policy"
    _order = "sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)

    # --- which tickets ---
    team_ids = fields.Many2many("cx.team", string="Teams", check_company=True, help="Empty: every team.")
    priority = fields.Selection(
        TICKET_PRIORITIES,
        string="Minimum Priority",
        default="0",
        required=True,
        help="Applies to tickets of this priority or higher.",
    )
    type_ids = fields.Many2many("cx.ticket.type", string="Ticket Types", help="Empty: every type.")
    tag_ids = fields.Many2many("cx.ticket.tag", string="Tags", help="Tickets with at least one of these tags; empty: any.")
    channel = fields.Selection(TICKET_CHANNELS, help="Empty: every channel.")
    partner_ids = fields.Many2many("res.partner", string="Customers", check_company=True, help="Empty: every customer.")
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Tags",
        help="Customers with one of these tags (for example VIP); empty: any.",
    )

    # --- targets ---
    first_response_hours = fields.Float(
        string="First Response Within",
        help="Working hours to the first reply of an agent to the customer; 0: no first-response target.",
    )
    resolution_hours = fields.Float(
        string="Resolution Within",
        help="Working hours to reach the target stage; 0: no resolution target.",
    )
    resolution_stage_id = fields.Many2one(
        "cx.ticket.stage",
        string="Target Stage",
        help="The ticket is resolved when it reaches this stage or a later one; empty: any closing stage.",
    )
    exclude_stage_ids = fields.Many2many(
        "cx.ticket.stage",
        "cx_sla_policy_exclude_stage_rel",
        string="Paused in Stages",
        help="The clock stops while the ticket is in these stages. "
        "Stages flagged 'Waiting on Customer' always pause it.",
    )
    warning_percent = fields.Integer(
        string="Warning At (%)",
        default=80,
        help="The ticket is 'at risk' once this share of the target time is used; 0: no warning.",
    )
    escalation_ids = fields.One2many("cx.sla.escalation", "policy_id", string="Escalations", copy=True)

    @api.constrains("first_response_hours", "resolution_hours", "warning_percent")
    def _check_targets(self):
        for policy in self:
            if policy.first_response_hours < 0 or policy.resolution_hours < 0:
                raise ValidationError(self.env._("SLA targets cannot be negative."))
            if not policy.first_response_hours and not policy.resolution_hours:
                raise ValidationError(
                    self.env._("SLA policy %s needs a first response or a resolution target.", policy.name)
                )
            if not 0 <= policy.warning_percent < 100:
                raise ValidationError(self.env._("The warning threshold is a percentage between 0 and 99."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_outcomes(self):
        """The SLA lines a policy met or breached are what reports count:
        such a policy is archived, not deleted (its lines would go with it)."""
        used = self.env["cx.ticket.sla"].sudo().search_count(
            [("policy_id", "in", self.ids), ("status", "in", ("met", "breached"))], limit=1
        )
        if used:
            raise UserError(
                self.env._("SLA policies whose targets were already met or breached cannot be deleted: archive them.")
            )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _cx_matches(self, ticket):
        """Whether this policy applies to ``ticket``."""
        self.ensure_one()
        return PolicyMatcher(self).matches(TicketFacts(ticket))

    def _cx_targets(self):
        """``[(kind, seconds, target stage)]`` the policy sets."""
        self.ensure_one()
        targets = []
        if self.first_response_hours:
            targets.append(("first_response", self.first_response_hours * 3600, self.env["cx.ticket.stage"]))
        if self.resolution_hours:
            targets.append(("resolution", self.resolution_hours * 3600, self.resolution_stage_id))
        return targets


class CxSlaEscalation(models.Model):
    _name = "cx.sla.escalation"
    _description = "SLA Escalation Action"
    _order = "policy_id, trigger desc, sequence, id"
    _check_company_auto = True

    policy_id = fields.Many2one("cx.sla.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id")
    sequence = fields.Integer(default=10)
    trigger = fields.Selection(SLA_ESCALATION_TRIGGERS, required=True, default="breach")
    action = fields.Selection(SLA_ESCALATION_ACTIONS, required=True, default="notify")
    team_id = fields.Many2one("cx.team", string="To Team", check_company=True)
    user_id = fields.Many2one("res.users", string="To User", domain=[("share", "=", False)], check_company=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity")
    activity_summary = fields.Char(translate=True)

    @api.constrains("action", "team_id", "user_id", "activity_type_id")
    def _check_action_target(self):
        for escalation in self:
            if escalation.action == "reassign_team" and not escalation.team_id:
                raise ValidationError(self.env._("Choose the team the ticket is reassigned to."))
            if escalation.action == "reassign_user" and not escalation.user_id:
                raise ValidationError(self.env._("Choose the user the ticket is reassigned to."))
            if escalation.action == "activity" and not escalation.activity_type_id:
                raise ValidationError(self.env._("Choose the activity to schedule."))


class PolicyMatcher:
    """A policy's criteria as plain sets, read once per sync: matching 10,000
    tickets against 50 policies stays in pure Python."""

    __slots__ = ("categories", "channel", "company", "partners", "priority", "tags", "teams", "types")

    def __init__(self, policy):
        self.company = policy.company_id.id
        self.teams = set(policy.team_ids.ids)
        self.priority = int(policy.priority)
        self.types = set(policy.type_ids.ids)
        self.tags = set(policy.tag_ids.ids)
        self.channel = policy.channel
        self.partners = set(policy.partner_ids.ids)
        self.categories = set(policy.partner_category_ids.ids)

    def matches(self, facts):
        return (
            self.company == facts.company
            and (not self.teams or facts.team in self.teams)
            and facts.priority >= self.priority
            and (not self.types or facts.type in self.types)
            and (not self.tags or not self.tags.isdisjoint(facts.tags))
            and (not self.channel or self.channel == facts.channel)
            and (not self.partners or not self.partners.isdisjoint(facts.partners))
            and (not self.categories or not self.categories.isdisjoint(facts.categories))
        )


class TicketFacts:
    """What the policy criteria look at on a ticket, read once."""

    __slots__ = ("categories", "channel", "company", "partners", "priority", "tags", "team", "type")

    def __init__(self, ticket):
        partner = ticket.partner_id
        self.company = ticket.company_id.id
        self.team = ticket.team_id.id
        self.priority = int(ticket.priority or 0)
        self.type = ticket.type_id.id
        self.tags = set(ticket.tag_ids.ids)
        self.channel = ticket.channel
        self.partners = {partner.id, partner.commercial_partner_id.id} - {False}
        self.categories = set((partner.category_id | partner.commercial_partner_id.category_id).ids)

