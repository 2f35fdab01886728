from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# the lists of the summary: the few an agent reads at a glance
SUMMARY_LIMIT = 5
TIMELINE_PAGE = 40


class CxCustomer360(models.AbstractModel):
    """The customer 360: what the company knows of a customer (their
    commercial entity: a contact's history is their company's), as plain
    data for the ticket's side panel, the partner form, the caller panel and
    the WhatsApp conversation.

    Everything is read as the current user: a section of a model the user
    may not read (invoices for an agent without Invoicing rights, orders,
    leads) is None, and record rules apply to every list and every sum
    (another company's records are absent). Never read as superuser, except
    the e-mails of the customer, read from the tickets the user may read
    (mail's own rule: a message is readable with its document).

    Costs a fixed number of queries whatever the customer's history: counts
    and sums are grouped queries, lists are limited searches. The channels
    come from the channel contract (every model inheriting
    ``cx.channel.mixin``: calls, WhatsApp conversations, live chats)."""

    _name = "cx.customer.360"
    _description = "Customer 360"

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cx_channel_models(self):
        """The channel models (the models inheriting ``cx.channel.mixin``)
        the current user may read."""
        names = sorted(self.env.registry["cx.channel.mixin"]._inherit_children)
        return [self.env[name] for name in names
                if not self.env[name]._abstract and self.env[name].has_access("read")]

    @api.model
    def summary(self, partner_id, limit=SUMMARY_LIMIT):
        """The 360 summary of the customer ``partner_id`` (a ``res.partner``
        id or record) as a dict of plain data; sections the user may not read
        are None."""
        customer = self._cx_customer(partner_id)
        commercial = customer.commercial_partner_id
        tickets = self._cx_section_tickets(commercial, limit)
        return {
            "partner": {
                "id": customer.id,
                "name": customer.name,
                "commercial_id": commercial.id,
                "commercial_name": commercial.name,
                "lang": commercial.lang or False,
                "preferred_channel": tickets["preferred_channel"] if tickets else False,
            },
            "tickets": tickets,
            "channels": self._cx_section_channels(commercial, limit),
            "emails": self._cx_section_emails(commercial, limit),
            "sale_orders": self._cx_section_sale_orders(commercial, limit),
            "invoices": self._cx_section_invoices(commercial, limit),
            "leads": self._cx_section_leads(commercial, limit),
            "ratings": self._cx_section_ratings(commercial, limit),
            "nps": self._cx_section_nps(commercial),
        }

    @api.model
    def timeline(self, partner_id, limit=TIMELINE_PAGE, offset=0):
        """Every contact of the customer on every channel, newest first, one
        page: tickets opened, the channel records (calls, WhatsApp
        conversations, chats) and the customer's e-mails. Each entry: kind,
        model, id, date, name, channel, direction. One query per source and
        page (each source gives its first ``offset + limit``, merged here)."""
        commercial = self._cx_customer(partner_id).commercial_partner_id
        window = offset + limit
        entries = []
        for ticket in self.env["cx.ticket"].search_fetch(
                [("commercial_partner_id", "=", commercial.id)], ["create_date", "number", "name", "channel"],
                order="create_date desc, id desc", limit=window):
            entries.append({"kind": "ticket", "model": "cx.ticket", "id": ticket.id, "date": ticket.create_date,
                            "name": ticket.display_name, "channel": ticket.channel, "direction": "inbound"})
        for Channel in self._cx_channel_models():
            for record in Channel.search_fetch(
                    [("commercial_partner_id", "=", commercial.id)], ["start_time", "direction"],
                    order="start_time desc, id desc", limit=window):
                entries.append(self._cx_channel_entry(record))
        for message in self._cx_emails(commercial, window):
            entries.append(self._cx_email_entry(message))
        entries.sort(key=lambda entry: (entry["date"] or fields.Datetime.from_string("1970-01-01"), entry["id"]),
                     reverse=True)
        return entries[offset:window]

    # ------------------------------------------------------------
    # SECTIONS
    # ------------------------------------------------------------

    @api.model
    def _cx_customer(self, partner_id):
        customer = partner_id if isinstance(partner_id, models.BaseModel) else self.env["res.partner"].browse(partner_id)
        if self.env.user.share:
            raise AccessError(self.env._("The customer 360 is for the company's agents."))
        customer = customer.with_env(self.env).exists()
        if len(customer) != 1:
            raise UserError(self.env._("This customer no longer exists."))
        customer.check_access("read")
        return customer

    def _cx_section_tickets(self, commercial, limit):
        Ticket = self.env["cx.ticket"]
        domain = [("commercial_partner_id", "=", commercial.id)]
        counts = Counter()
        channels = Counter()
        for is_closed, channel, count in Ticket._read_group(domain, ["is_closed", "channel"], ["__count"]):
            counts["closed" if is_closed else "open"] += count
            channels[channel] += count
        tickets = Ticket.search_fetch(
            domain, ["number", "name", "stage_id", "sla_status", "sla_deadline", "priority", "is_closed",
                     "create_date", "user_id"],
            order="is_closed, priority desc, create_date desc, id desc", limit=limit)
        sla_labels = dict(Ticket._fields["sla_status"]._description_selection(self.env))
        return {
            "open_count": counts["open"],
            "closed_count": counts["closed"],
            "preferred_channel": channels.most_common(1)[0][0] if channels else False,
            "records": [{
                "id": ticket.id,
                "name": ticket.display_name,
                "stage": ticket.stage_id.display_name,
                "is_closed": ticket.is_closed,
                "priority": ticket.priority,
                "sla_status": ticket.sla_status or False,
                "sla_status_label": sla_labels.get(ticket.sla_status, False),
                "sla_deadline": ticket.sla_deadline,
                "create_date": ticket.create_date,
            } for ticket in tickets],
        }

    def _cx_channel_entry(self, record):
        return {"kind": "channel", "model": record._name, "id": record.id, "date": record.start_time,
                "name": record.display_name, "channel": record._cx_channel, "direction": record.direction}

    def _cx_section_channels(self, commercial, limit):
        """Per channel model the user may read: its count and last contacts."""
        sections = {}
        for Channel in self._cx_channel_models():
            domain = [("commercial_partner_id", "=", commercial.id)]
            [(count,)] = Channel._read_group(domain, [], ["__count"])
            records = Channel.search_fetch(domain, ["start_time", "direction"],
                                           order="start_time desc, id desc", limit=limit)
            sections[Channel._name] = {
                "channel": Channel._cx_channel,
                "count": count,
                "records": [self._cx_channel_entry(record) for record in records],
            }
        return sections

    def _cx_emails(self, commercial, limit):
        """The customer's e-mails on the tickets the user may read."""
        tickets = self.env["cx.ticket"]._search([("commercial_partner_id", "=", commercial.id)])
        return self.env["mail.message"].sudo().search_fetch([
            ("model", "=", "cx.ticket"), ("res_id", "in", tickets), ("message_type", "=", "email"),
            ("author_id.commercial_partner_id", "=", commercial.id),
        ], ["date", "subject", "res_id", "record_name"], order="date desc, id desc", limit=limit)

    def _cx_email_entry(self, message):
        return {"kind": "email", "model": "mail.message", "id": message.id, "date": message.date,
                "name": message.subject or message.record_name or "", "channel": "email", "direction": "inbound",
                "ticket_id": message.res_id}

    def _cx_section_emails(self, commercial, limit):
        return [self._cx_email_entry(message) for message in self._cx_emails(commercial, limit)]

    def _cx_section_sale_orders(self, commercial, limit):
        SaleOrder = self.env["sale.order"]
        if not SaleOrder.has_access("read"):
            return None
        domain = [("partner_id.commercial_partner_id", "=", commercial.id), ("company_id", "=", self.env.company.id)]
        by_state = {state: (count, amount) for state, count, amount in SaleOrder._read_group(
            domain, ["state"], ["__count", "amount_total:sum"])}
        to_deliver = None
        if "delivery_status" in SaleOrder._fields:  # with Inventory (sale_stock)
            [(to_deliver,)] = SaleOrder._read_group(
                domain + [("state", "=", "sale"), ("delivery_status", "in", ("pending", "partial"))], [], ["__count"])
        orders = SaleOrder.search_fetch(domain + [("state", "in", ("draft", "sent", "sale"))],
                                        ["name", "state", "date_order", "amount_total", "currency_id"],
                                        order="date_order desc, id desc", limit=limit)
        quotations = [by_state.get(state, (0, 0.0)) for state in ("draft", "sent")]
        return {
            "currency": self.env.company.currency_id.name,
            "quotation_count": sum(count for count, _amount in quotations),
            "quotation_amount": sum(amount for _count, amount in quotations),
            "order_count": by_state.get("sale", (0, 0.0))[0],
            "order_amount": by_state.get("sale", (0, 0.0))[1],
            "to_deliver_count": to_deliver,
            "records": [{"id": order.id, "name": order.name, "state": order.state, "date": order.date_order,
                         "amount_total": order.amount_total, "currency": order.currency_id.name}
                        for order in orders],
        }

    def _cx_section_invoices(self, commercial, limit):
        """Amounts in the company currency (the signed amounts): due, overdue
        and the lifetime value (posted invoices minus refunds, untaxed)."""
        Move = self.env["account.move"]
        if not Move.has_access("read"):
            return None
        domain = [("commercial_partner_id", "=", commercial.id), ("company_id", "=", self.env.company.id),
                  ("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted")]
        [(lifetime, due)] = Move._read_group(domain, [], ["amount_untaxed_signed:sum", "amount_residual_signed:sum"])
        unpaid = domain + [("payment_state", "in", ("not_paid", "partial"))]
        overdue_domain = unpaid + [("invoice_date_due", "<", fields.Date.context_today(self))]
        [(overdue_count, overdue)] = Move._read_group(overdue_domain, [], ["__count", "amount_residual_signed:sum"])
        [(due_count,)] = Move._read_group(unpaid, [], ["__count"])
        invoices = Move.search_fetch(unpaid, ["name", "move_type", "invoice_date", "invoice_date_due",
                                              "amount_residual_signed", "payment_state"],
                                     order="invoice_date_due, id", limit=limit)
        return {
            "currency": self.env.company.currency_id.name,
            "lifetime_value": lifetime or 0.0,
            "due_count": due_count,
            "amount_due": due or 0.0,
            "overdue_count": overdue_count,
            "amount_overdue": overdue or 0.0,
            "records": [{"id": move.id, "name": move.name, "move_type": move.move_type,
                         "date": move.invoice_date, "date_due": move.invoice_date_due,
                         "amount_residual": move.amount_residual_signed, "payment_state": move.payment_state}
                        for move in invoices],
        }

    def _cx_section_leads(self, commercial, limit):
        Lead = self.env["crm.lead"]
        if not Lead.has_access("read"):
            return None
        domain = [("partner_id.commercial_partner_id", "=", commercial.id), ("won_status", "=", "pending")]
        counts = dict(Lead._read_group(domain, ["type"], ["__count"]))
        leads = Lead.search_fetch(domain, ["name", "type", "stage_id", "expected_revenue", "probability"],
                                  order="id desc", limit=limit)
        return {
            "lead_count": counts.get("lead", 0),
            "opportunity_count": counts.get("opportunity", 0),
            "records": [{"id": lead.id, "name": lead.name, "type": lead.type, "stage": lead.stage_id.display_name,
                         "expected_revenue": lead.expected_revenue, "probability": lead.probability}
                        for lead in leads],
        }

    def _cx_section_ratings(self, commercial, limit):
        Rating = self.env["rating.rating"]
        if not Rating.has_access("read"):
            return None
        ratings = Rating.search_fetch(
            [("partner_id.commercial_partner_id", "=", commercial.id), ("consumed", "=", True)],
            ["rating", "rating_text", "feedback", "write_date", "res_model", "res_id"],
            order="write_date desc, id desc", limit=limit)
        return [{"id": rating.id, "rating": rating.rating, "rating_text": rating.rating_text,
                 "feedback": rating.feedback or False, "date": rating.write_date,
                 "res_model": rating.res_model, "res_id": rating.res_id} for rating in ratings]

    def _cx_section_nps(self, commercial):
        """The customer's last NPS answer (None when the user may not read
        NPS answers, False when the customer never answered)."""
        Survey = self.env["cx.nps.survey"]
        if not Survey.has_access("read"):
            return None
        answer = Survey.search_fetch(
            [("commercial_partner_id", "=", commercial.id), ("answered_at", "!=", False)],
            ["score", "comment", "category", "answered_at"], order="answered_at desc, id desc", limit=1)
        return {"id": answer.id, "score": answer.score, "comment": answer.comment or False,
                "category": answer.category, "answered_at": answer.answered_at} if answer else False

    # ------------------------------------------------------------
    # PANELS: the short 360 of many customers for many agents at once
    # ------------------------------------------------------------

    @api.model
    def _cx_panel_summaries(self, commercial_ids_by_user):
        """The short 360 the caller panels show (money owed, orders, open
        opportunities), for ``{user: commercial partner ids}``: ``{(user id,
        commercial id): {"invoices": ..., "sale_orders": ..., "leads": ...}}``,
        a section None when the user may not read its model, amounts in the
        user's company currency. Each user's rules apply (their own
        ``_search``), as in ``summary``; one query for all the users and
        customers (none when no user may read any of the three)."""
        today = fields.Date.context_today(self)
        parts = []
        readable = {}
        for user, commercial_ids in commercial_ids_by_user.items():
            commercial_ids = list(commercial_ids)
            if not commercial_ids:
                continue
            for kind, part in (("invoices", self._cx_panel_invoices_sql), ("sale_orders", self._cx_panel_orders_sql),
                               ("leads", self._cx_panel_leads_sql)):
                Model = self.env[{"invoices": "account.move", "sale_orders": "sale.order",
                                  "leads": "crm.lead"}[kind]].with_user(user)
                if Model.has_access("read"):
                    readable[user.id, kind] = True
                    parts.append(part(Model, user, commercial_ids, today))
        rows = self.env.execute_query(SQL(" UNION ALL ").join(parts)) if parts else []
        values = {(kind, user_id, key): (int(count or 0), *(float(value or 0) for value in amounts))
                  for kind, user_id, key, count, *amounts in rows}
        result = {}
        for user, commercial_ids in commercial_ids_by_user.items():
            currency = (user.company_id.currency_id.name
                        if readable.get((user.id, "invoices")) or readable.get((user.id, "sale_orders")) else False)
            for commercial_id in commercial_ids:
                summary = result[user.id, commercial_id] = {"invoices": None, "sale_orders": None, "leads": None}
                if readable.get((user.id, "invoices")):
                    due_count, due, overdue, lifetime = values.get(("invoices", user.id, commercial_id), (0, 0, 0, 0))
                    summary["invoices"] = {"currency": currency, "due_count": due_count, "amount_due": due,
                                           "amount_overdue": overdue, "lifetime_value": lifetime}
                if readable.get((user.id, "sale_orders")):
                    quotations, orders, amount, _none = values.get(("sale_orders", user.id, commercial_id),
                                                                   (0, 0, 0, 0))
                    summary["sale_orders"] = {"currency": currency, "quotation_count": int(quotations),
                                              "order_count": int(orders), "order_amount": amount}
                if readable.get((user.id, "leads")):
                    count = values.get(("leads", user.id, commercial_id), (0,))[0]
                    summary["leads"] = {"open_count": count}
        return result

    def _cx_panel_part(self, query, kind, user, key_sql, *aggregates):
        query.groupby = key_sql
        return SQL("(%s)", query.select(
            SQL("%s AS kind", kind), SQL("%s AS user_id", user.id), SQL("%s AS key", key_sql),
            *(SQL("(%s)::numeric", aggregate) for aggregate in aggregates)))

    def _cx_partner_key(self, Model, query):
        alias = query.join(query.table, "partner_id", "res_partner", "id", "cx_360_partner")
        return SQL.identifier(alias, "commercial_partner_id")

    def _cx_panel_invoices_sql(self, Move, user, commercial_ids, today):
        query = Move._search([("commercial_partner_id", "in", commercial_ids), ("company_id", "=", user.company_id.id),
                              ("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted")])
        column = lambda name: SQL.identifier(query.table, name)  # noqa: E731
        unpaid = SQL("%s IN ('not_paid', 'partial')", column("payment_state"))
        return self._cx_panel_part(
            query, "invoices", user, column("commercial_partner_id"),
            SQL("COUNT(*) FILTER (WHERE %s)", unpaid),
            SQL("SUM(%s)", column("amount_residual_signed")),
            SQL("SUM(%s) FILTER (WHERE %s AND %s < %s)", column("amount_residual_signed"), unpaid,
                column("invoice_date_due"), today),
            SQL("SUM(%s)", column("amount_untaxed_signed")))

    def _cx_panel_orders_sql(self, SaleOrder, user, commercial_ids, today):
        query = SaleOrder._search([("partner_id.commercial_partner_id", "in", commercial_ids),
                                   ("company_id", "=", user.company_id.id),
                                   ("state", "in", ("draft", "sent", "sale"))])
        state = SQL.identifier(query.table, "state")
        return self._cx_panel_part(
            query, "sale_orders", user, self._cx_partner_key(SaleOrder, query),
            SQL("COUNT(*) FILTER (WHERE %s IN ('draft', 'sent'))", state),
            SQL("COUNT(*) FILTER (WHERE %s = 'sale')", state),
            SQL("SUM(%s) FILTER (WHERE %s = 'sale')", SQL.identifier(query.table, "amount_total"), state),
            SQL("NULL"))

    def _cx_panel_leads_sql(self, Lead, user, commercial_ids, today):
        query = Lead._search([("partner_id.commercial_partner_id", "in", commercial_ids),
                              ("won_status", "=", "pending")])
        return self._cx_panel_part(query, "leads", user, self._cx_partner_key(Lead, query),
                                   SQL("COUNT(*)"), SQL("NULL"), SQL("NULL"), SQL("NULL"))
