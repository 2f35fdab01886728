import uuid
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, email_normalize

from odoo.addons.cx_helpdesk.tools import sla as sla_rules
from odoo.addons.rating.models.rating_data import RATING_LIMIT_MIN

from .cx_constants import SLA_STATUS_SEVERITY, TICKET_CHANNELS, TICKET_PRIORITIES
from .cx_sla_policy import PolicyMatcher, TicketFacts

# fields whose change can make other SLA policies apply
SLA_MATCH_FIELDS = {"team_id", "priority", "type_id", "tag_ids", "channel", "partner_id", "company_id"}
# fields whose change moves the ticket in or out of someone's "My work"
WORK_FIELDS = {"user_id", "team_id", "stage_id", "active", "name", "partner_id"}


class CxTicket(models.Model):
    _name = "cx.ticket"
    _description = "Helpdesk Ticket"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin", "rating.mixin", "mail.tracking.duration.mixin"]
    _order = "priority desc, id desc"
    _primary_email = "email_from"
    _rec_names_search = ["number", "name", "partner_id.name", "email_from"]
    _mail_post_access = "read"
    _check_company_auto = True
    _track_duration_field = "stage_id"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    def _default_team_id(self):
        team_id = self.env.context.get("default_team_id")
        if team_id:
            return self.env["cx.team"].browse(team_id)
        return self.env["cx.team"].search(
            [("member_ids", "in", self.env.uid), ("company_id", "in", self.env.companies.ids)], limit=1
        )

    number = fields.Char(string="Reference", readonly=True, copy=False, default="/", index="btree_not_null")
    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Html()
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        required=True,
        index=True,
        precompute=True,
    )
    team_id = fields.Many2one(
        "cx.team",
        tracking=True,
        index=True,
        default=_default_team_id,
        domain="[('company_id', '=', company_id)]",
        check_company=True,
    )
    tier = fields.Selection(related="team_id.tier", string="Tier")
    user_id = fields.Many2one(
        "res.users",
        string="Assigned To",
        tracking=True,
        index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        check_company=True,
    )
    partner_id = fields.Many2one("res.partner", string="Customer", tracking=True, index=True, check_company=True)
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer Company", store=True, index=True
    )
    partner_name = fields.Char(related="partner_id.name", string="Customer Name")
    partner_unverified = fields.Boolean(
        string="Customer Not Verified",
        copy=False,
        readonly=True,
        help="The customer was recognized only by the email address typed in the public request form, "
        "which anyone can type: check who wrote before sharing anything about this contact.",
    )
    email_from = fields.Char(
        string="Email", compute="_compute_partner_contact", store=True, readonly=False, help="The customer's email."
    )
    email_normalized = fields.Char(compute="_compute_email_normalized", store=True, index="btree_not_null")
    partner_phone = fields.Char(string="Phone", compute="_compute_partner_contact", store=True, readonly=False)
    stage_id = fields.Many2one(
        "cx.ticket.stage",
        string="Stage",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
        domain="['|', ('team_ids', '=', False), ('team_ids', 'in', team_id)]",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    is_waiting_customer = fields.Boolean(related="stage_id.is_waiting_customer", string="Waiting on Customer")
    priority = fields.Selection(TICKET_PRIORITIES, default="0", required=True, tracking=True)
    type_id = fields.Many2one("cx.ticket.type", string="Type", tracking=True, index="btree_not_null")
    tag_ids = fields.Many2many("cx.ticket.tag", string="Tags")
    channel = fields.Selection(TICKET_CHANNELS, default="other", required=True, tracking=True)
    lang = fields.Selection(
        "_lang_get",
        string="Language",
        compute="_compute_lang",
        store=True,
        readonly=False,
        help="The customer's language: replies, templates and routing by language use it.",
    )
    kanban_state = fields.Selection(
        [("normal", "In Progress"), ("done", "Ready"), ("blocked", "Blocked")],
        default="normal",
        required=True,
        copy=False,
    )
    assign_date = fields.Datetime(string="Assigned On", copy=False, readonly=True)
    first_response_date = fields.Datetime(string="First Response", copy=False, readonly=True)
    last_customer_message_date = fields.Datetime(string="Last Customer Message", copy=False, readonly=True)
    close_date = fields.Datetime(string="Closed On", copy=False, readonly=True, index="btree_not_null")
    checkin_token = fields.Char(copy=False, readonly=True, groups="base.group_system", index="btree_not_null")
    checkin_sent_at = fields.Datetime(string="Check-in Sent On", copy=False, readonly=True)
    checkin_answer = fields.Selection(
        [("solved", "Stayed solved"), ("reopened", "Not solved: reopened")],
        string="Check-in Answer", copy=False, readonly=True,
    )
    sla_ids = fields.One2many("cx.ticket.sla", "ticket_id", string="SLAs", copy=False)
    sla_status = fields.Selection(
        [("none", "No SLA"), ("met", "Met"), ("unanswered", "Closed Unanswered"), ("paused", "Paused"),
         ("running", "On Track"), ("at_risk", "At Risk"), ("breached", "Breached")],
        string="SLA",
        compute="_compute_sla_status",
        store=True,
        index=True,
    )
    sla_deadline = fields.Datetime(string="SLA Deadline", compute="_compute_sla_status", store=True)
    escalated_from_team_id = fields.Many2one("cx.team", string="Escalated From", copy=False, readonly=True)
    escalation_count = fields.Integer(copy=False, readonly=True)
    # the hand-off to sales: the leads made from the ticket or linked to it
    # (the pipeline is the salespeople's: agents see how many, not which)
    lead_ids = fields.Many2many("crm.lead", "cx_ticket_crm_lead_rel", "ticket_id", "lead_id", string="Leads",
                                copy=False, groups="sales_team.group_sale_salesman")
    lead_count = fields.Integer(compute="_compute_lead_count", string="Lead Count")
    # orders and invoices the ticket is about (only the customer's own)
    sale_order_ids = fields.Many2many(
        "sale.order",
        "cx_ticket_sale_order_rel",
        "ticket_id",
        "sale_order_id",
        string="Sale Orders",
        copy=False,
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
        groups="sales_team.group_sale_salesman",
    )
    sale_order_count = fields.Integer(compute="_compute_sale_order_count", groups="sales_team.group_sale_salesman")
    invoice_ids = fields.Many2many(
        "account.move",
        "cx_ticket_account_move_rel",
        "ticket_id",
        "move_id",
        string="Invoices",
        copy=False,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), ('move_type', 'in', ('out_invoice', 'out_refund'))]",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    invoice_count = fields.Integer(
        compute="_compute_invoice_count", groups="account.group_account_invoice,account.group_account_readonly"
    )

    _number_company_unique = models.Constraint(
        "UNIQUE(company_id, number)", "A ticket with this reference already exists in this company."
    )
    # the kanban: first page of each stage column in the default order, and the
    # column counts and SLA progress bars read from the index alone. The
    # predicates are written as the ORM writes its conditions (IS TRUE, IS NOT
    # TRUE) so that PostgreSQL can match the partial indexes.
    _stage_first_page_idx = models.Index("(stage_id, priority DESC, id DESC) WHERE active IS TRUE")
    _stage_counts_idx = models.Index("(company_id, stage_id, sla_status) WHERE active IS TRUE")
    _stage_open_counts_idx = models.Index(
        "(company_id, stage_id, sla_status) WHERE active IS TRUE AND is_closed IS NOT TRUE"
    )
    _team_stage_idx = models.Index("(team_id, stage_id) WHERE active IS TRUE")
    # "My work" (cx.work.item): open tickets in deadline order, all or an
    # agent's, and an item found again by its id
    _work_deadline_idx = models.Index("(sla_deadline) WHERE active IS TRUE AND is_closed IS NOT TRUE")
    _work_user_deadline_idx = models.Index("(user_id, sla_deadline) WHERE active IS TRUE AND is_closed IS NOT TRUE")
    _work_item_idx = models.Index("((id * 16 + 1)) WHERE active IS TRUE AND is_closed IS NOT TRUE")

    @api.model
    def _lang_get(self):
        return self.env["res.lang"].get_installed()

    @api.depends("team_id")
    def _compute_company_id(self):
        for ticket in self:
            if ticket.team_id:
                ticket.company_id = ticket.team_id.company_id
            elif not ticket.company_id:
                ticket.company_id = self.env.company

    @api.depends("team_id")
    def _compute_stage_id(self):
        first_stages = {}  # one search per team, not per ticket
        for ticket in self:
            stage = ticket.stage_id
            if not stage or (stage.team_ids and ticket.team_id not in stage.team_ids):
                if ticket.team_id not in first_stages:
                    first_stages[ticket.team_id] = self.env["cx.team"]._cx_stage_for(ticket.team_id)
                ticket.stage_id = first_stages[ticket.team_id]

    @api.depends("partner_id")
    def _compute_partner_contact(self):
        for ticket in self:
            if ticket.partner_id.email:
                ticket.email_from = ticket.partner_id.email
            if ticket.partner_id.phone:
                ticket.partner_phone = ticket.partner_id.phone

    @api.depends("email_from")
    def _compute_email_normalized(self):
        for ticket in self:
            ticket.email_normalized = email_normalize(ticket.email_from) if ticket.email_from else False

    @api.depends("partner_id")
    def _compute_lang(self):
        for ticket in self:
            if ticket.partner_id.lang:
                ticket.lang = ticket.partner_id.lang
            elif not ticket.lang:
                ticket.lang = self.env.lang or "en_US"

    @api.depends("sla_ids.status", "sla_ids.deadline", "sla_ids.clock_started_at")
    def _compute_sla_status(self):
        """The worst outcome of the ticket's lines: a breach stays on the
        ticket even once its policy was replaced; lines replaced before any
        outcome do not count."""
        for ticket in self:
            lines = ticket.sla_ids.filtered(lambda line: line.status != "replaced")
            if not lines:
                ticket.sla_status = "none"
                ticket.sla_deadline = False
                continue
            ticket.sla_status = max(lines.mapped("status"), key=SLA_STATUS_SEVERITY.get)
            deadlines = [line.deadline for line in lines if line.deadline and line.clock_started_at]
            ticket.sla_deadline = min(deadlines) if deadlines else False

    def _compute_access_url(self):
        super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"

    @api.depends("number", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = f"{ticket.number} {ticket.name}" if ticket.number and ticket.number != "/" else ticket.name

    @api.model
    def _compute_lead_count(self):
        counts = dict(self.env["crm.lead"].sudo()._read_group(
            [("cx_ticket_ids", "in", self.ids)], ["cx_ticket_ids"], ["__count"]))
        for ticket in self:
            ticket.lead_count = counts.get(ticket._origin, 0)

    def _read_group_stage_ids(self, stages, domain):
        team_id = self.env.context.get("default_team_id")
        search_domain = [("team_ids", "=", False)]
        if team_id:
            search_domain = ["|", ("team_ids", "=", False), ("team_ids", "in", [team_id])]
        return stages.sudo().search(search_domain, order=stages._order).sudo(False)

    @api.depends("sale_order_ids")
    def _compute_sale_order_count(self):
        for ticket in self:
            ticket.sale_order_count = len(ticket.sale_order_ids)

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for ticket in self:
            ticket.invoice_count = len(ticket.invoice_ids)

    @api.constrains("partner_id", "sale_order_ids", "invoice_ids")
    def _check_orders_customer(self):
        for ticket in self.sudo():
            strangers = [
                doc.display_name
                for doc in [*ticket.sale_order_ids, *ticket.invoice_ids]
                if doc.partner_id.commercial_partner_id != ticket.commercial_partner_id
            ]
            if strangers:
                raise ValidationError(
                    self.env._("Ticket %(ticket)s can only be linked to orders and invoices of its customer, not %(documents)s.",
                               ticket=ticket.display_name, documents=", ".join(strangers))
                )

    @api.constrains("team_id", "company_id")
    def _check_team_company(self):
        for ticket in self:
            if ticket.team_id and ticket.team_id.company_id != ticket.company_id:
                raise ValidationError(
                    self.env._("Ticket %(ticket)s and its team %(team)s belong to different companies.",
                               ticket=ticket.display_name, team=ticket.team_id.name)
                )

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        vals_list = [dict(vals) for vals in vals_list]  # numbers are added: never change the caller's dicts
        for vals in vals_list:
            if vals.get("user_id"):
                vals.setdefault("assign_date", now)
        self._cx_assign_numbers(vals_list)
        # mail.thread subscribes each new record on its own (two queries per
        # ticket); tickets sharing a team and an agent subscribe the same
        # people, so it is done once per group below
        tickets = super(CxTicket, self.with_context(cx_defer_auto_subscribe=True)).create(vals_list)
        tickets = tickets.with_env(self.env)
        if not self.env.context.get("tracking_disable"):
            for (team, user), group in tickets.grouped(lambda t: (t.team_id, t.user_id)).items():
                group._message_auto_subscribe(
                    {"team_id": team.id, "user_id": user.id}, followers_existing_policy="update"
                )
        if closed := tickets.filtered("is_closed"):
            closed.close_date = now
        tickets._cx_route_unassigned(now)
        # SLA lines are system data, whoever creates or changes the ticket
        tickets.sudo()._cx_sla_sync(now, fresh=True)
        tickets._cx_subscribe_customers(fresh=True)
        self.env["cx.work.item"]._cx_work_notify(tickets.user_id, tickets.team_id, self._name, tickets.ids)
        return tickets

    def write(self, vals):
        now = fields.Datetime.now()
        if vals.get("user_id") and "assign_date" not in vals:
            vals["assign_date"] = now
        rematch = bool(SLA_MATCH_FIELDS & vals.keys())
        if rematch:
            # time used so far, counted in the (old) team's working hours
            self.sudo().sla_ids._cx_checkpoint(now)
        if "partner_id" in vals and "partner_unverified" not in vals:
            vals = dict(vals, partner_unverified=False)  # an agent chose the customer
        previous_agents = {ticket: ticket.user_id for ticket in self} if "team_id" in vals else {}
        old_stages = {ticket: ticket.stage_id for ticket in self} if "stage_id" in vals else {}
        if vals.get("stage_id"):
            self._cx_check_closable(self.env["cx.ticket.stage"].browse(vals["stage_id"]))
        # "My work" of the agents and teams before and after the change
        work_before = (self.user_id, self.team_id) if WORK_FIELDS & vals.keys() else None
        result = super().write(vals)
        if "team_id" in vals and not vals.get("user_id"):
            moved = self.filtered(lambda t: t.team_id and t.user_id and t.user_id not in t.team_id.member_ids)
            for ticket in moved:
                if previous_agents.get(ticket):
                    ticket.message_subscribe(partner_ids=previous_agents[ticket].partner_id.ids)
            if moved:
                moved.sudo().write({"user_id": False})
            self._cx_route_unassigned(now)
        if rematch:
            self.sudo()._cx_sla_sync(now)
            if "team_id" in vals:
                # the new team's calendar for the clocks that carry on
                self.sudo().sla_ids.filtered("clock_started_at")._cx_plan(now)
        if old_stages:
            self.sudo()._cx_stage_changed(now, old_stages)
        if "partner_id" in vals:
            self._cx_subscribe_customers()
        if work_before:
            self.env["cx.work.item"]._cx_work_notify(
                work_before[0] | self.user_id, work_before[1] | self.team_id, self._name, self.ids)
        return result

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [dict(vals, name=self.env._("%s (copy)", ticket.name)) for ticket, vals in zip(self, vals_list, strict=True)]

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_assign_to_me(self):
        self.write({"user_id": self.env.uid})

    def action_confirm_customer(self):
        """The agent checked that the customer is who the form says."""
        self.write({"partner_unverified": False})

    def action_open_escalate(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalate Ticket"),
            "res_model": "cx.ticket.escalate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id, "default_direction": "up"},
        }

    def action_open_deescalate(self):
        action = self.action_open_escalate()
        action["name"] = self.env._("Send Back to the Previous Tier")
        action["context"] = dict(action["context"], default_direction="down")
        return action

    def action_close(self):
        """Move the tickets to their team's first closing stage."""
        for ticket in self:
            stage = self.env["cx.team"]._cx_stage_for(ticket.team_id, closed=True)
            if not stage:
                raise UserError(self.env._("Team %s has no closing stage.", ticket.team_id.name))
            ticket.stage_id = stage

    def action_open_lead_handoff(self):
        """The "Convert to lead / opportunity" wizard of the ticket."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand Over to Sales"),
            "res_model": "cx.lead.handoff",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_sale_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action.update(domain=[("id", "in", self.sale_order_ids.ids)], context={"create": False})
        return action

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action.update(domain=[("id", "in", self.invoice_ids.ids)], context={"create": False})
        return action

    def action_open_sale_cancel(self):
        self.ensure_one()
        self.env["sale.order"].check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel a Sale Order"),
            "res_model": "cx.ticket.sale.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_leads(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leads"),
            "res_model": "crm.lead",
            "view_mode": "list,kanban,form",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": [("cx_ticket_ids", "in", self.ids)],
            "context": {"create": False},
        }

    def action_open_credit_note(self):
        self.ensure_one()
        self.env["account.move"].check_access("create")
        invoices = self.invoice_ids.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Note"),
            "res_model": "cx.ticket.credit.note",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id, "default_invoice_id": invoices.id if len(invoices) == 1 else False},
        }

    # ------------------------------------------------------------
    # BUSINESS: orders, invoices, refunds
    # ------------------------------------------------------------

    def _cx_check_closable(self, stage):
        """Refuse to close a ticket whose type requires a credit note while it
        has none (the invoices are read as superuser: the rule holds for agents
        who do not see invoices)."""
        if not stage.is_closed:
            return
        for ticket in self.sudo():
            if ticket.type_id.requires_credit_note and not ticket.invoice_ids.filtered(
                lambda move: move.move_type == "out_refund"
            ):
                raise UserError(
                    self.env._("Ticket %(ticket)s is a %(type)s: create its credit note before closing it.",
                               ticket=ticket.display_name, type=ticket.type_id.name)
                )

    def _cx_cancel_sale_order(self, order, reason=False):
        """Cancel one of the ticket's sale orders as Sales does (its own
        conditions apply: a locked or cancelled order stays as it is), and log
        it on both records. The user needs the right to change the order."""
        self.ensure_one()
        order.check_access("write")
        if order not in self.sale_order_ids:
            raise UserError(self.env._("Order %s is not linked to this ticket.", order.display_name))
        if order.state == "cancel":
            raise UserError(self.env._("Order %s is already cancelled.", order.display_name))
        order.action_cancel()
        body = self.env._("Order %(order)s cancelled from ticket %(ticket)s. Reason: %(reason)s",
                          order=order.name, ticket=self.number, reason=reason or "-")
        order.message_post(body=body)
        self.message_post(body=body)

    def _cx_create_credit_note(self, invoice, reason, quantities=None):
        """Create a draft credit note for one of the ticket's posted customer
        invoices and link it to the ticket: the whole invoice through account's
        own reversal wizard, or, given ``quantities`` ({invoice line: quantity}),
        only those lines and quantities. The user needs the right to create
        journal entries. Returns the credit note."""
        self.ensure_one()
        Move = self.env["account.move"]
        Move.check_access("create")
        if invoice not in self.invoice_ids:
            raise UserError(self.env._("Invoice %s is not linked to this ticket.", invoice.display_name))
        if invoice.move_type != "out_invoice" or invoice.state != "posted":
            raise UserError(self.env._("Only a posted customer invoice can be refunded (%s).", invoice.display_name))
        if not reason:
            raise UserError(self.env._("Give the reason of the credit note."))
        if quantities is None:
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"reason": reason, "journal_id": invoice.journal_id.id})
            )
            reversal.refund_moves()
            refund = reversal.new_move_ids
        else:
            refund = Move.create(invoice._cx_partial_refund_values(reason, quantities))
            invoice.message_post(
                body=self.env._("This entry has been partially %s", refund._get_html_link(title=self.env._("reversed")))
            )
        self.invoice_ids = [(4, refund.id)]
        refund.message_post(body=self.env._("Credit note created from ticket %(ticket)s. Reason: %(reason)s",
                                            ticket=self._get_html_link(title=self.number), reason=reason))
        self.message_post(body=self.env._("Draft credit note %(refund)s created for invoice %(invoice)s. Reason: %(reason)s",
                                          refund=refund._get_html_link(title=refund.display_name),
                                          invoice=invoice.name, reason=reason))
        return refund

    # ------------------------------------------------------------
    # BUSINESS: numbering, followers, routing
    # ------------------------------------------------------------

    def _cx_sequence(self, company):
        """The company's ticket sequence, created from the shared one the first
        time a company needs it (one numbering per company)."""
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search([("code", "=", "cx.ticket"), ("company_id", "=", company.id)], limit=1)
        if not sequence:
            template = self.env.ref("cx_helpdesk.seq_cx_ticket")
            sequence = template.copy(
                {
                    "code": "cx.ticket",
                    "company_id": company.id,
                    "name": f"{template.name} ({company.name})",
                    "number_next": 1,
                }
            )
        return sequence

    def _cx_assign_numbers(self, vals_list):
        """Reference numbers for tickets about to be created: one nextval
        query per company for the whole batch."""
        teams = self.env["cx.team"].browse({vals["team_id"] for vals in vals_list if vals.get("team_id")})
        team_company = {team.id: team.company_id.id for team in teams}
        by_company = defaultdict(list)
        for vals in vals_list:
            if vals.get("number", "/") != "/":
                continue
            company_id = vals.get("company_id") or team_company.get(vals.get("team_id")) or self.env.company.id
            by_company[company_id].append(vals)
        for company_id, company_vals in by_company.items():
            sequence = self._cx_sequence(self.env["res.company"].browse(company_id))
            self.env.cr.execute(
                SQL(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    f"ir_sequence_{sequence.id:03d}",
                    len(company_vals),
                )
            )
            numbers = [row[0] for row in self.env.cr.fetchall()]
            prefix, suffix = sequence._get_prefix_suffix()
            for vals, number in zip(company_vals, numbers, strict=True):
                vals["number"] = f"{prefix}{number:0{sequence.padding}d}{suffix}"

    def _cx_subscribe_customers(self, fresh=False):
        """The customer follows their ticket (they receive the agents' replies).

        ``fresh``: the tickets were just created, so none of their customers
        follows them yet: two INSERTs for the whole batch (the follower rows and
        their default subtypes) instead of mail's per-partner subscription, which
        costs several queries per distinct customer.
        """
        tickets = self.filtered("partner_id")
        if not tickets:
            return
        if not fresh:
            for partner, partner_tickets in tickets.grouped("partner_id").items():
                partner_tickets.message_subscribe(partner_ids=partner.ids)
            return
        _all, _internal, external = self.env["mail.message.subtype"]._default_subtypes(self._name)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                     SELECT %s, res_id, partner_id FROM unnest(%s::int[], %s::int[]) AS f(res_id, partner_id)
                ON CONFLICT DO NOTHING
                  RETURNING id
                """,
                self._name,
                tickets.ids,
                [ticket.partner_id.id for ticket in tickets],
            )
        )
        follower_ids = [row[0] for row in self.env.cr.fetchall()]
        if follower_ids and external:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO mail_followers_mail_message_subtype_rel (mail_followers_id, mail_message_subtype_id)
                         SELECT follower_id, subtype_id FROM unnest(%s::int[]) AS follower_id, unnest(%s::int[]) AS subtype_id
                    """,
                    follower_ids,
                    external,
                )
            )
        self.env["mail.followers"].invalidate_model()
        tickets.invalidate_recordset(["message_follower_ids", "message_partner_ids"])

    def _cx_route_unassigned(self, now):
        """Give an agent to the tickets without one, by their team's method."""
        todo = self.filtered(lambda t: t.team_id and not t.user_id and not t.is_closed)
        for team, tickets in todo.grouped("team_id").items():
            assignment = team._cx_route(tickets)
            by_agent = defaultdict(lambda: self.browse())
            for ticket, agent in assignment.items():
                by_agent[agent] |= ticket
            for agent, agent_tickets in by_agent.items():
                # the system assigns (the user who created or moved the ticket
                # may not be allowed to give it to someone else), and like
                # CRM's automatic assignment it sends no email per ticket: the
                # agent finds it in their queue
                agent_tickets.sudo().with_context(mail_auto_subscribe_no_notify=True).write(
                    {"user_id": agent.id, "assign_date": now}
                )

    # ------------------------------------------------------------
    # BUSINESS: SLA
    # ------------------------------------------------------------

    def _cx_sla_paused_for(self, policy):
        self.ensure_one()
        return self.stage_id.is_waiting_customer or self.stage_id in policy.exclude_stage_ids

    def _cx_resolution_reached(self, target_stage):
        self.ensure_one()
        if self.stage_id.is_closed:
            return True
        return bool(target_stage) and self.stage_id.sequence >= target_stage.sequence and (
            self.stage_id == target_stage or not self.stage_id.is_waiting_customer
        )

    def _cx_sla_sync(self, now, fresh=False):
        """Make each ticket carry one SLA line per target of every policy that
        applies to it now. New lines start with the working time the ticket has
        already used for that target (carried from a line it replaces, else
        counted since the ticket was created), so a change of priority, team or
        type moves deadlines without losing time already consumed.

        Lines of policies that no longer apply are never deleted: they end as
        replaced, keeping their outcome (see ``cx.ticket.sla``).

        Cost: one query for the policies, one per many2many criterion, a
        handful per team for its calendar, one INSERT for the new lines:
        the same for 1 or 50 policies. ``fresh``: the tickets are being
        created (no time used yet). Running lines must be checkpointed first.
        Called as superuser: SLA lines are system data.
        """
        if not self:
            return
        Line = self.env["cx.ticket.sla"]
        policies = self.env["cx.sla.policy"].sudo().search([("company_id", "in", self.company_id.ids)])
        matchers = [(policy, PolicyMatcher(policy)) for policy in policies]
        to_replace = Line
        new_lines = []  # (ticket, policy, kind, seconds, stage, consumed_seconds or None)
        for ticket in self:
            if ticket.is_closed:
                continue  # a closed ticket keeps the lines it had, and gets no new clock
            facts = TicketFacts(ticket)
            wanted = {}
            for policy, matcher in matchers:
                if matcher.matches(facts):
                    for kind, seconds, stage in policy._cx_targets():
                        wanted[policy.id, kind] = (policy, seconds, stage)
            # working time the ticket already used towards each kind of target
            carried = {}
            existing = set()
            for line in ticket.sla_ids:
                if line.replaced_date:
                    continue
                key = (line.policy_id.id, line.kind)
                if not line.reached_date:
                    carried[line.kind] = max(carried.get(line.kind, 0.0), line.consumed_hours * 3600)
                if key in wanted:
                    existing.add(key)
                else:
                    to_replace |= line
            for key, (policy, seconds, stage) in wanted.items():
                if key in existing:
                    continue
                kind = key[1]
                if kind == "first_response" and ticket.first_response_date:
                    continue
                new_lines.append((ticket, policy, kind, seconds, stage, carried.get(kind)))
        to_replace._cx_replace(now)
        if not new_lines:
            return
        # working time already used by tickets created before now (re-matching)
        since_creation = {}
        older = self.browse() if fresh else self.browse({t.id for t, *_rest, consumed in new_lines if consumed is None})
        for team, team_tickets in older.grouped("team_id").items():
            seconds = team._cx_working_seconds([(t.create_date, now) for t in team_tickets])
            since_creation.update(zip(team_tickets, seconds, strict=True))
        values = []
        requests = defaultdict(list)
        for ticket, policy, kind, seconds, stage, consumed in new_lines:
            consumed = consumed if consumed is not None else since_creation.get(ticket, 0.0)
            paused = ticket._cx_sla_paused_for(policy)
            vals = {
                "ticket_id": ticket.id,
                "policy_id": policy.id,
                "kind": kind,
                "target_stage_id": stage.id,
                "target_hours": seconds / 3600,
                "warning_percent": policy.warning_percent,
                "consumed_hours": consumed / 3600,
                "clock_started_at": False if paused else now,
                "status": "paused" if paused else "running",
            }
            values.append(vals)
            if not paused:
                requests[ticket.team_id].append(vals)
        # deadlines before the INSERT: one schedule per team for all lines
        for team, team_vals in requests.items():
            clocks = [
                sla_rules.Clock(now, vals["target_hours"], vals["consumed_hours"], vals["warning_percent"])
                for vals in team_vals
            ]
            for vals, plan in zip(team_vals, sla_rules.plan(now, clocks, team._cx_deadlines), strict=True):
                vals.update(plan)
        Line.create(values)

    def _cx_stage_changed(self, now, old_stages):
        """Pause, resume, reach or reopen the SLA clocks after a stage change;
        dates and the customer's rating request follow the closing stages.
        Called as superuser: SLA lines are system data."""
        to_pause = to_resume = to_reach = to_reopen = to_reopen_paused = to_stop = self.env["cx.ticket.sla"]
        closed = self.env["cx.ticket"]
        reopened = self.env["cx.ticket"]
        for ticket in self:
            if old_stages.get(ticket) == ticket.stage_id:
                continue
            if ticket.is_closed and not old_stages[ticket].is_closed:
                closed |= ticket
            elif not ticket.is_closed and old_stages[ticket].is_closed:
                reopened |= ticket
            for line in ticket.sla_ids.filtered(lambda line: not line.replaced_date):
                if ticket.is_closed:
                    # closing resolves: every clock stops; a first response
                    # is met only by a public answer
                    if line.reached_date:
                        continue
                    if line.kind == "first_response" and not ticket.first_response_date:
                        to_stop |= line
                    else:
                        to_reach |= line
                    continue
                paused = ticket._cx_sla_paused_for(line.policy_id)
                if line.kind == "resolution":
                    reached = ticket._cx_resolution_reached(line.target_stage_id)
                    if reached and not line.reached_date:
                        to_reach |= line
                        continue
                    if not reached and line.reached_date:
                        if paused:
                            to_reopen_paused |= line
                        else:
                            to_reopen |= line
                        continue
                if line.reached_date:
                    continue
                if paused and (line.clock_started_at or line.status == "unanswered"):
                    to_pause |= line
                elif not paused and not line.clock_started_at:
                    to_resume |= line
        to_reach._cx_reach(now)
        to_stop._cx_stop_unanswered(now)
        to_pause._cx_pause(now)
        to_resume._cx_resume(now)
        to_reopen._cx_reopen(now)
        to_reopen_paused._cx_reopen(now, paused=True)
        if closed:
            closed.write({"close_date": now, "kanban_state": "normal"})
            closed._cx_send_rating_requests()
        if reopened:
            reopened.write({"close_date": False})

    def _cx_send_rating_requests(self):
        for ticket in self:
            template = ticket.team_id.rating_template_id
            if ticket.team_id.use_rating and template and ticket.partner_id:
                ticket.rating_send_request(template, lang=ticket.lang, force_send=False)

    def _cx_run_escalations(self, line, trigger):
        """The escalation actions of ``line``'s policy for ``trigger``
        (``warning`` or ``breach``); called once per line and trigger."""
        self.ensure_one()
        ticket = self.sudo()
        actions = line.policy_id.escalation_ids.filtered(lambda e: e.trigger == trigger)
        body = line._cx_escalation_message(trigger)
        subtype = "cx_helpdesk.mt_ticket_sla_warning" if trigger == "warning" else "cx_helpdesk.mt_ticket_sla_breach"
        notify = actions.filtered(lambda e: e.action == "notify")
        partner_ids = ticket.team_id.leader_id.partner_id.ids if notify else []
        ticket.message_post(body=body, subtype_xmlid=subtype, partner_ids=partner_ids, message_type="notification")
        for escalation in actions - notify:
            if escalation.action == "raise_priority":
                ticket.priority = str(min(int(ticket.priority) + 1, 3))
            elif escalation.action == "reassign_team" and escalation.team_id != ticket.team_id:
                ticket._cx_move_to_team(escalation.team_id, body, escalate=None)
            elif escalation.action == "reassign_user":
                if ticket.company_id not in escalation.user_id.company_ids:
                    raise UserError(
                        self.env._(
                            "%(user)s cannot work on ticket %(ticket)s: they have no access to %(company)s.",
                            user=escalation.user_id.name,
                            ticket=ticket.display_name,
                            company=ticket.company_id.name,
                        )
                    )
                if ticket.user_id:
                    ticket.message_subscribe(partner_ids=ticket.user_id.partner_id.ids)
                ticket.user_id = escalation.user_id
            elif escalation.action == "activity":
                ticket.activity_schedule(
                    activity_type_id=escalation.activity_type_id.id,
                    summary=escalation.activity_summary or body,
                    user_id=(ticket.user_id or ticket.team_id.leader_id or self.env.user).id,
                )

    # ------------------------------------------------------------
    # BUSINESS: one SLA clock for every channel
    # ------------------------------------------------------------

    def _cx_channel_answered(self, channel, at):
        """A public answer to the customer on ``channel`` (a value of
        ``channel``: ``email``, ``portal``, ``whatsapp``, ``phone``...) at
        ``at``: the first one meets the tickets' first response, and their
        first-response lines record the channel. Tickets already answered are
        left alone, so every channel may call it for every answer. Batched:
        the lines of all the tickets reached together (one working-time
        schedule per team); no query for tickets answered already. Works as
        superuser: SLA lines are system data."""
        tickets = self.sudo().filtered(lambda t: not t.first_response_date)
        if not tickets:
            return
        tickets.first_response_date = at
        lines = tickets.sla_ids.filtered(lambda line: line.kind == "first_response" and not line.reached_date)
        lines._cx_reach(at)
        lines.filtered("reached_date").answered_channel = channel

    def _cx_customer_message(self, channel, at):
        """The customer wrote or called on ``channel`` at ``at``: note the date
        and take the tickets off 'waiting on customer' (back to the open stage
        before it; their SLA clocks resume). Batched: one stage search per
        team and waiting stage, one write per stage the tickets go back to.
        Works as superuser: a customer's message moves the ticket whoever
        brings it in."""
        tickets = self.sudo()
        tickets.filtered(
            lambda t: not t.last_customer_message_date or t.last_customer_message_date < at
        ).last_customer_message_date = at
        back_to = defaultdict(lambda: self.env["cx.ticket"].sudo())
        stages = {}
        for ticket in tickets.filtered("is_waiting_customer"):
            key = (ticket.team_id, ticket.stage_id)
            if key not in stages:
                stages[key] = self.env["cx.ticket.stage"].search(
                    [
                        "|", ("team_ids", "=", False), ("team_ids", "in", ticket.team_id.ids),
                        ("is_closed", "=", False),
                        ("is_waiting_customer", "=", False),
                        ("sequence", "<=", ticket.stage_id.sequence),
                        ("id", "!=", ticket.stage_id.id),
                    ],
                    order="sequence desc, id desc",
                    limit=1,
                )
            if stages[key]:
                back_to[stages[key]] |= ticket
        for stage, waiting in back_to.items():
            waiting.stage_id = stage

    # ------------------------------------------------------------
    # BUSINESS: tiers
    # ------------------------------------------------------------

    def _cx_deescalation_team(self):
        self.ensure_one()
        if self.escalated_from_team_id:
            return self.escalated_from_team_id
        return self.env["cx.team"].search([("escalation_team_id", "=", self.team_id.id)], limit=1)

    def _cx_move_to_team(self, team, reason, escalate=True):
        """Move the ticket to ``team`` keeping its SLA clocks; the agent who
        had it stays a follower. ``escalate``: True (up a tier), False
        (back down) or None (an SLA reassignment)."""
        self.ensure_one()
        if team.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s belongs to %(company)s: it cannot go to team %(team)s of another company.",
                    ticket=self.display_name,
                    company=self.company_id.name,
                    team=team.name,
                )
            )
        previous_team, previous_agent = self.team_id, self.user_id
        if previous_agent:
            self.message_subscribe(partner_ids=previous_agent.partner_id.ids)
        vals = {"team_id": team.id, "user_id": False}
        if self.stage_id.team_ids and team not in self.stage_id.team_ids:
            vals["stage_id"] = self.env["cx.team"]._cx_stage_for(team).id
        if escalate is True:
            vals["escalated_from_team_id"] = previous_team.id
            vals["escalation_count"] = self.escalation_count + 1
        elif escalate is False:
            vals["escalated_from_team_id"] = False
        self.write(vals)
        if escalate is True:
            text = self.env._("Escalated from %(from)s to %(to)s.", **{"from": previous_team.name, "to": team.name})
        elif escalate is False:
            text = self.env._("Sent back from %(from)s to %(to)s.", **{"from": previous_team.name, "to": team.name})
        else:
            text = self.env._("Reassigned from %(from)s to %(to)s.", **{"from": previous_team.name, "to": team.name})
        body = Markup("<p>%s</p><p>%s</p>") % (text, reason) if reason else Markup("<p>%s</p>") % text
        self.message_post(body=body, subtype_xmlid="cx_helpdesk.mt_ticket_escalated")

    # ------------------------------------------------------------
    # MAIL
    # ------------------------------------------------------------

    def _track_template(self, changes):
        res = super()._track_template(changes)
        ticket = self[0]
        if "stage_id" in changes and ticket.stage_id.template_id and ticket.partner_id:
            res["stage_id"] = (
                ticket.stage_id.template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                    "email_layout_xmlid": "mail.mail_notification_light",
                },
            )
        return res

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self.env.ref("cx_helpdesk.mt_ticket_stage")
        if "user_id" in init_values and self.user_id:
            return self.env.ref("cx_helpdesk.mt_ticket_assigned")
        return super()._track_subtype(init_values)

    def _message_auto_subscribe(self, updated_values, followers_existing_policy="skip"):
        if self.env.context.get("cx_defer_auto_subscribe"):
            return True  # done per group of tickets at the end of create()
        return super()._message_auto_subscribe(updated_values, followers_existing_policy=followers_existing_policy)

    def _detect_loop_sender_domain(self, email_from_normalized):
        return [("email_normalized", "=", email_from_normalized)]

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email to a team's alias: a ticket of that team for the sender
        (matched to a contact, or a new contact), then the acknowledgement."""
        values = dict(custom_values or {})
        email_from = msg_dict.get("email_from")
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not partner and email_from:
            partner = self._partner_find_from_emails_single([email_from], no_create=False)
        values.setdefault("name", msg_dict.get("subject") or self.env._("No Subject"))
        values.setdefault("channel", "email")
        values["email_from"] = email_from
        values["partner_id"] = partner.id
        values.setdefault("description", msg_dict.get("body"))
        ticket = super(CxTicket, self.with_context(mail_create_nolog=True)).message_new(msg_dict, custom_values=values)
        ticket.last_customer_message_date = fields.Datetime.now()
        if self.env.context.get("cx_auto_submitted"):
            return ticket
        # the gateway posts the email on the returned record next: the
        # acknowledgement follows it (see _message_post_after_hook)
        return ticket.with_context(cx_acknowledge_email=True)

    def message_update(self, msg_dict, update_vals=None):
        if not self.env.context.get("cx_auto_submitted"):
            self._cx_customer_message("email", fields.Datetime.now())
        return super().message_update(msg_dict, update_vals=update_vals)

    def _cx_send_acknowledgement(self):
        """Tell the customer their ticket's reference: a note in the chatter,
        emailed to them as an automatic reply (so other robots don't answer)."""
        for ticket in self:
            template = ticket.team_id.ack_template_id
            if template and ticket.partner_id:
                ticket.with_context(cx_auto_submitted=True).message_post_with_source(
                    template,
                    message_type="auto_comment",
                    subtype_xmlid="mail.mt_note",
                    email_layout_xmlid="mail.mail_notification_light",
                )

    def _notify_by_email_get_headers(self, headers=None):
        headers = super()._notify_by_email_get_headers(headers=headers)
        if self.env.context.get("cx_auto_submitted"):
            headers["Auto-Submitted"] = "auto-replied"
            headers["X-Auto-Response-Suppress"] = "All"
        return headers

    def _message_post_after_hook(self, message, msg_vals):
        """An agent's public reply is the first response; a customer's
        message resumes a ticket waiting on them."""
        result = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and self.env.context.get("cx_acknowledge_email"):
            self.with_context(cx_acknowledge_email=False)._cx_send_acknowledgement()
        if message.message_type not in ("comment", "email") or message.subtype_id != self.env.ref("mail.mt_comment"):
            return result
        author_user = message.author_id.user_ids[:1]
        if author_user and not author_user.share:
            # an agent's reply goes out by email (and shows in the portal)
            self._cx_channel_answered("email", message.date or fields.Datetime.now())
        elif message.message_type == "comment" and message.author_id in (self.partner_id | self.sudo().message_partner_ids):
            # a portal reply (emails go through message_update)
            self._cx_customer_message("portal", message.date or fields.Datetime.now())
        return result

    def _message_get_suggested_recipients(self, reply_discussion=False, no_create=False):
        recipients = super()._message_get_suggested_recipients(reply_discussion=reply_discussion, no_create=no_create)
        if self.partner_id and self.partner_id not in self.message_partner_ids:
            self._message_add_suggested_recipient(recipients, partner=self.partner_id, reason=self.env._("Customer"))
        return recipients

    def _notify_get_reply_to(self, default=None, author_id=False):
        """Replies go to the team's alias, so they thread into the ticket."""
        aliases = self.sudo().team_id._notify_get_reply_to(default=default, author_id=author_id)
        res = {ticket.id: aliases.get(ticket.team_id.id) for ticket in self}
        leftover = self.filtered(lambda ticket: not res.get(ticket.id))
        if leftover:
            res.update(super(CxTicket, leftover)._notify_get_reply_to(default=default, author_id=author_id))
        return res

    def _rating_apply_get_default_subtype_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id("cx_helpdesk.mt_ticket_rated")

    def rating_apply(self, rate, token=None, rating=None, feedback=None, subtype_xmlid=None, notify_delay_send=False):
        rating = super().rating_apply(
            rate, token=token, rating=rating, feedback=feedback, subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if rating.rating and rating.rating <= RATING_LIMIT_MIN and rating.res_model == self._name:
            ticket = self.browse(rating.res_id)
            ticket._cx_follow_up_activity(
                self.env._("Unhappy customer: call them back"),
                self.env._("Satisfaction rating %(rating)s from %(customer)s.", rating=int(rating.rating), customer=rating.partner_id.display_name or ticket.partner_name or ""),
                rating.feedback,
            )
        return rating

    # ------------------------------------------------------------
    # POST-RESOLUTION CHECK-IN
    # ------------------------------------------------------------

    @api.model
    def _cron_send_checkins(self, limit=500):
        """Ask "did it stay solved?" of the customers whose ticket closed the
        team's check-in delay ago (once per closing)."""
        template = self.env.ref("cx_helpdesk.mail_template_ticket_checkin")
        now = fields.Datetime.now()
        for team in self.env["cx.team"].search([("checkin_days", ">", 0)]):
            tickets = self.search(
                [
                    ("team_id", "=", team.id),
                    ("is_closed", "=", True),
                    ("checkin_sent_at", "=", False),
                    ("close_date", "<=", now - timedelta(days=team.checkin_days)),
                    ("partner_id.email", "!=", False),
                ],
                limit=limit,
            )
            for ticket in tickets:
                ticket.sudo().checkin_token = str(uuid.uuid4())
                template.send_mail(ticket.id, email_layout_xmlid="mail.mail_notification_light")
            tickets.write({"checkin_sent_at": now})

    def _cx_checkin_url(self, answer):
        self.ensure_one()
        return f"{self.get_base_url()}/cx/checkin/{self.sudo().checkin_token}/{answer}"

    def _cx_checkin_answer(self, solved):
        """The customer's answer to the check-in: "no" reopens the ticket in the
        team's first open stage (the SLA clocks reopen with it)."""
        self.ensure_one()
        self.sudo().checkin_token = False
        if solved:
            self.checkin_answer = "solved"
            self.message_post(body=self.env._("The customer confirmed the issue stayed solved."), subtype_xmlid="mail.mt_note")
            return
        stage = self.env["cx.ticket.stage"].search(
            ["|", ("team_ids", "=", False), ("team_ids", "in", self.team_id.ids), ("is_closed", "=", False)], limit=1
        )
        self.write({"checkin_answer": "reopened", "stage_id": stage.id})
        self.message_post(
            body=self.env._("The customer answered the check-in: the issue did not stay solved. The ticket is reopened."),
            subtype_xmlid="mail.mt_note",
        )

    def _cx_follow_up_note(self, note, comment):
        comment = (comment or "").strip()
        body = Markup("<p>%s</p>") % note
        if comment:
            body += Markup("<blockquote>%s</blockquote>") % comment
        return body

    def _cx_follow_up_activity(self, summary, note, comment):
        """A to-do for the team leader (the agent when the team has none) with
        the customer's comment; the customer who rates twice (the score, then
        the comment) updates the same to-do instead of adding one."""
        self.ensure_one()
        body = self._cx_follow_up_note(note, comment)
        user = self.team_id.leader_id or self.user_id or self.env.user
        existing = self.sudo().activity_ids.filtered(lambda a: a.summary == summary and a.user_id == user)
        if existing:
            existing[:1].note = body
            return existing[:1]
        return self.sudo().activity_schedule("mail.mail_activity_data_todo", summary=summary, note=body, user_id=user.id)

    def _rating_get_parent_field_name(self):
        return "team_id"

    def _get_customer_information(self):
        email_normalized_to_values = super()._get_customer_information()
        for ticket in self.filtered("email_normalized"):
            values = email_normalized_to_values.setdefault(ticket.email_normalized, {})
            values.setdefault("phone", ticket.partner_phone)
        return email_normalized_to_values

    def _portal_close_allowed(self):
        self.ensure_one()
        return not self.is_closed and bool(self.env["cx.team"]._cx_stage_for(self.team_id, closed=True))

