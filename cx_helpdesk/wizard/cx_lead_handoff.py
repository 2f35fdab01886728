from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command

from odoo.addons.cx_helpdesk.models.cx_constants import TICKET_CHANNELS


class CxLeadHandoff(models.TransientModel):
    """Hand a customer's need over to sales: a lead or an opportunity for a
    sales team, made from a ticket, or existing leads of the customer linked
    to it. ``_cx_handoff_lead`` is the one implementation: the channel
    records (calls, WhatsApp conversations, chats) hand over through it too
    (``cx.channel.mixin.action_create_lead``)."""

    _name = "cx.lead.handoff"
    _description = "Hand Over to Sales"

    ticket_id = fields.Many2one("cx.ticket", string="Ticket", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="ticket_id.commercial_partner_id", string="Customer")
    mode = fields.Selection([("create", "New lead"), ("link", "Link existing leads")], default="create", required=True)
    lead_type = fields.Selection([("lead", "Lead"), ("opportunity", "Opportunity")], string="Type",
                                 default="opportunity", required=True)
    name = fields.Char(string="Title", compute="_compute_from_ticket", store=True, readonly=False)
    description = fields.Html(compute="_compute_from_ticket", store=True, readonly=False)
    crm_team_id = fields.Many2one("crm.team", string="Sales Team",
                                  default=lambda self: self.env["crm.team"]._get_default_team_id())
    user_id = fields.Many2one("res.users", string="Salesperson", domain=[("share", "=", False)],
                              help="Empty: the sales team assigns it.")
    close_ticket = fields.Boolean(string="Close the ticket",
                                  help="The customer's request is the sale: the ticket closes with the hand-off.")
    lead_ids = fields.Many2many("crm.lead", string="Leads", groups="sales_team.group_sale_salesman",
                                domain="[('partner_id', 'child_of', partner_id)]")

    @api.depends("ticket_id")
    def _compute_from_ticket(self):
        for wizard in self:
            wizard.name = wizard.ticket_id.name
            wizard.description = wizard.ticket_id.description

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_confirm(self):
        self.ensure_one()
        ticket = self.ticket_id
        ticket.check_access("write")
        if self.mode == "link":
            if not self.lead_ids:
                raise UserError(self.env._("Choose the leads to link to the ticket."))
            result = self._cx_link_leads(ticket, self.lead_ids)
        else:
            values = {
                "name": self.name or ticket.name,
                "type": self.lead_type,
                "description": self.description,
                "team_id": self.crm_team_id.id,
            }
            if self.user_id:
                values["user_id"] = self.user_id.id
            lead = self._cx_handoff_lead(ticket, values)
            result = self._cx_lead_result(lead, created=True)
        if self.close_ticket and not ticket.is_closed:
            ticket.action_close()
        return result

    # ------------------------------------------------------------
    # BUSINESS: the one hand-off
    # ------------------------------------------------------------

    @api.model
    def _cx_handoff_lead(self, origin, values):
        """Create the lead of ``origin`` (a ticket, or a channel record of
        ``cx.channel.mixin``) with ``values`` over these defaults: the
        customer, UTM source "Customer service" and the channel as medium
        (found or created by name), the service channel for the report,
        the link back to the ticket. A value given wins (an ad's UTM).
        Agents without access to the pipeline hand it over (created as
        superuser, for the sales team to assign); salespeople take it
        unless a salesperson is given. A note on both records."""
        origin.ensure_one()
        ticket = origin if origin._name == "cx.ticket" else origin.sudo().ticket_id
        channel = origin.channel if origin._name == "cx.ticket" else origin._cx_channel
        can_create = self.env["crm.lead"].has_access("create")
        Lead = self.env["crm.lead"].sudo()
        label = dict(self.env["cx.ticket"]._fields["channel"]._description_selection(self.env)).get(channel)
        defaults = {
            "partner_id": origin.partner_id.id,
            "user_id": self.env.uid if can_create else False,
            "source_id": self.env.ref("cx_helpdesk.utm_source_customer_service").id,
            # mediums are named in English (utm's own: "Phone", "Email")
            "medium_id": Lead._find_or_create_record("utm.medium", dict(TICKET_CHANNELS)[channel]).id,
            "cx_source_channel": channel,
        }
        values = {**defaults, **values}
        if ticket:
            values["cx_ticket_ids"] = [Command.link(ticket.id)]
        lead = (self.env["crm.lead"] if can_create else Lead).create(values)
        agent = self.env.user.name
        lead.sudo().message_post(
            body=Markup("{} {}").format(
                self.env._("Handed over by %(agent)s from the %(channel)s contact:", agent=agent, channel=label),
                origin._get_html_link()),
            subtype_xmlid="mail.mt_note")
        note = Markup("{} {}").format(self.env._("Handed over to sales as:"), lead._get_html_link())
        if origin._name == "cx.ticket":
            origin.sudo().message_post(body=note, subtype_xmlid="mail.mt_note")
        else:
            origin._cx_log(note)  # on the ticket itself for a record without a chatter
            if ticket and "message_ids" in origin._fields:
                ticket.sudo().message_post(body=note, subtype_xmlid="mail.mt_note")
        return lead

    @api.model
    def _cx_link_leads(self, ticket, leads):
        """Link existing ``leads`` (the salesperson's to read) to ``ticket``, a note on each."""
        leads.check_access("write")
        for lead in leads.filtered(lambda lead: ticket not in lead.sudo().cx_ticket_ids):
            lead.sudo().cx_ticket_ids = [Command.link(ticket.id)]
            lead.message_post(body=Markup("{} {}").format(self.env._("Linked to the ticket:"), ticket._get_html_link()),
                              subtype_xmlid="mail.mt_note")
            ticket.sudo().message_post(body=Markup("{} {}").format(self.env._("Lead linked:"), lead._get_html_link()),
                                       subtype_xmlid="mail.mt_note")
        return self._cx_lead_result(leads, created=False) if len(leads) == 1 else ticket.action_view_leads()

    @api.model
    def _cx_lead_result(self, lead, created):
        """What the agent sees after a hand-off: the lead when they may read
        it, else a notification that sales has it."""
        if lead.with_env(self.env).has_access("read"):
            return {
                "type": "ir.actions.act_window",
                "res_model": "crm.lead",
                "res_id": lead.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        if created:
            message = self.env._("Lead “%s” created: the sales team takes it from here.", lead.name)
            kind = "success"
        else:
            message = self.env._("The lead “%s” is already with the sales team.", lead.name)
            kind = "info"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "message": message, "sticky": False, "next": {"type": "ir.actions.act_window_close"}},
        }
