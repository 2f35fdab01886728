"""cx_helpdesk customer 360 speed: the summary and the timeline's first page
of one customer with 10,000 tickets, 5,000 sale orders, 5,000 invoices,
20,000 calls and 20,000 WhatsApp messages (200 conversations).

Run with `make bench ARGS=c360` (or `bash bench/run.sh c360`). The history is
generated in SQL once (kept in the bench database, then ANALYZE); the measures
read only. Prints the server time (p50/p99 of 30 runs, as an agent with Sales
and Invoicing rights) and the query count next to the 100 ms budgets, and next
to the naive reference timed in the same run: one ORM search per section,
the sums computed in Python over the records read.

Usage (inside `odoo-bin shell`): see bench/run.sh.
"""

import time

from bench_helpdesk import percentiles

from odoo.tools import SQL

RUNS = 30
CUSTOMER = "Bench 360 customer"
SIZES = {"tickets": 10_000, "orders": 5_000, "invoices": 5_000, "calls": 20_000, "messages": 20_000}
BUDGET_MS = 100


def generate(env, keep=True):
    """The customer and their history, in SQL, once (kept: committed)."""
    customer = env["res.partner"].search([("name", "=", CUSTOMER), ("is_company", "=", True)], limit=1)
    if customer:
        return customer
    started = time.perf_counter()
    company = env.company
    customer = env["res.partner"].create({"name": CUSTOMER, "is_company": True, "lang": "en_US"})
    contact = env["res.partner"].create({"name": "Bench 360 contact", "parent_id": customer.id})
    team = env["cx.team"].search([], limit=1) or env["cx.team"].create({"name": "Bench 360 team"})
    stage_open = env.ref("cx_helpdesk.stage_new")
    stage_closed = env.ref("cx_helpdesk.stage_solved")
    pbx = env["cx.pbx"].search([], limit=1)
    account = env["cx.whatsapp.account"].search([], limit=1) or env["cx.whatsapp.account"].create(
        {"name": "Bench 360", "display_phone_number": "15550783882", "phone_number_id": "bench360"})
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    env.flush_all()
    params = {"company": company.id, "customer": customer.id, "contact": contact.id, "team": team.id,
              "open": stage_open.id, "closed": stage_closed.id, "pbx": pbx.id, "account": account.id,
              "journal": journal.id, "currency": company.currency_id.id, **SIZES}
    queries = [
        # one ticket in 20 still open
        """INSERT INTO cx_ticket (company_id, name, priority, channel, kanban_state, partner_id,
               commercial_partner_id, team_id, stage_id, is_closed, active, number, sla_status, create_date, write_date)
           SELECT %(company)s, 'Bench 360 ticket ' || i, '0', (ARRAY['phone','whatsapp','email'])[1 + i %% 3],
                  'normal', %(contact)s, %(customer)s, %(team)s,
                  CASE WHEN i %% 20 = 0 THEN %(open)s ELSE %(closed)s END, i %% 20 <> 0, TRUE, 'B360-' || i,
                  CASE WHEN i %% 20 = 0 THEN 'running' ELSE 'met' END,
                  now() - make_interval(mins => i * 7), now() - make_interval(mins => i * 7)
             FROM generate_series(1, %(tickets)s) i""",
        """INSERT INTO sale_order (company_id, partner_id, partner_invoice_id, partner_shipping_id, name, date_order,
               state, currency_id, amount_total, amount_untaxed, amount_tax, create_date, write_date)
           SELECT %(company)s, %(contact)s, %(contact)s, %(contact)s, 'B360/' || i, now() - make_interval(hours => i),
                  CASE WHEN i %% 10 = 0 THEN 'draft' WHEN i %% 10 = 1 THEN 'cancel' ELSE 'sale' END,
                  %(currency)s, 100 + i %% 50, 100 + i %% 50, 0, now(), now()
             FROM generate_series(1, %(orders)s) i""",
        # one invoice in 10 a refund, one in 5 unpaid (half of those overdue)
        """INSERT INTO account_move (journal_id, currency_id, company_id, state, move_type, auto_post, date,
               invoice_date, invoice_date_due, name, partner_id, commercial_partner_id, payment_state,
               amount_untaxed, amount_total, amount_residual, amount_untaxed_signed, amount_total_signed,
               amount_residual_signed, create_date, write_date)
           SELECT %(journal)s, %(currency)s, %(company)s, 'posted',
                  CASE WHEN i %% 10 = 0 THEN 'out_refund' ELSE 'out_invoice' END, 'no', d, d,
                  d + CASE WHEN i %% 10 = 2 THEN -30 ELSE 30 END, 'B360INV/' || i, %(contact)s, %(customer)s,
                  CASE WHEN i %% 5 = 2 THEN 'not_paid' ELSE 'paid' END,
                  200, 200, CASE WHEN i %% 5 = 2 THEN 200 ELSE 0 END,
                  CASE WHEN i %% 10 = 0 THEN -200 ELSE 200 END, CASE WHEN i %% 10 = 0 THEN -200 ELSE 200 END,
                  CASE WHEN i %% 5 = 2 THEN 200 ELSE 0 END, now(), now()
             FROM generate_series(1, %(invoices)s) i, LATERAL (SELECT current_date - i %% 700 AS d) dates""",
        """INSERT INTO cx_call (pbx_id, direction, linkedid, state, start_time, partner_id, commercial_partner_id,
               company_id, create_date, write_date)
           SELECT %(pbx)s, 'inbound', 'b360.' || i, 'ended', now() - make_interval(mins => i * 3), %(contact)s,
                  %(customer)s, %(company)s, now(), now()
             FROM generate_series(1, %(calls)s) i""",
        """INSERT INTO cx_whatsapp_conversation (account_id, direction, wa_id, partner_id, commercial_partner_id,
               company_id, start_time, last_message_at, create_date, write_date)
           SELECT %(account)s, 'inbound', '9665' || lpad(i::text, 8, '0'), %(contact)s, %(customer)s, %(company)s,
                  now() - make_interval(hours => i * 5), now() - make_interval(hours => i * 5), now(), now()
             FROM generate_series(1, %(messages)s / 100) i""",
        """INSERT INTO cx_whatsapp_message (account_id, direction, message_type, status, message_date,
               conversation_id, partner_id, body, create_date, write_date)
           SELECT %(account)s, CASE WHEN i %% 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'text', 'delivered',
                  c.start_time + make_interval(mins => i %% 100), c.id, %(contact)s, 'message ' || i, now(), now()
             FROM generate_series(1, %(messages)s) i
             JOIN cx_whatsapp_conversation c ON c.commercial_partner_id = %(customer)s
              AND c.wa_id = '9665' || lpad((1 + i %% (%(messages)s / 100))::text, 8, '0')""",
    ]
    for query in queries:
        env.cr.execute(query, params)
    for table in ("cx_ticket", "sale_order", "account_move", "cx_call", "cx_whatsapp_conversation",
                  "cx_whatsapp_message"):
        env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    if keep:
        env.cr.commit()
    print(f"generated the customer's history in {time.perf_counter() - started:.0f} s")
    return customer


def naive(env, customer):
    """One ORM search per section, the sums in Python (the usual first try)."""
    domain = [("commercial_partner_id", "=", customer.id)]
    tickets = env["cx.ticket"].search(domain)
    tickets.mapped("sla_status")
    for name in ("cx.call", "cx.whatsapp.conversation"):
        env[name].search(domain).mapped("start_time")
    env["sale.order"].search([("partner_id", "child_of", customer.id)]).mapped("amount_total")
    moves = env["account.move"].search(domain + [("state", "=", "posted")])
    sum(moves.mapped("amount_residual_signed"))
    env["crm.lead"].search([("partner_id", "child_of", customer.id)]).mapped("name")


def main(env, which=None):
    """``which``: ["rollback"] measures without keeping anything (a test database)."""
    keep = "rollback" not in (which or ())
    customer = generate(env, keep=keep)
    agent = env["res.users"].search([("login", "=", "bench_c360_agent")]) or env["res.users"].create({
        "name": "Bench 360 agent", "login": "bench_c360_agent",
        "group_ids": [(6, 0, (env.ref("cx_helpdesk.group_cx_manager") | env.ref("account.group_account_invoice")
                              | env.ref("sales_team.group_sale_salesman_all_leads")).ids)]})
    env.flush_all()
    if keep:
        env.cr.commit()
    Customer360 = env["cx.customer.360"].with_user(agent)
    Customer360.summary(customer.id)  # the agent's rules in the registry's cache
    print(f"customer: {sum(SIZES.values()):,} records "
          + ", ".join(f"{size:,} {name}" for name, size in SIZES.items()))
    for label, function in (
        ("360 summary", lambda: Customer360.summary(customer.id)),
        ("timeline, first page", lambda: Customer360.timeline(customer.id)),
        ("naive: one search per section", lambda: naive(env(user=agent), customer)),
    ):
        function()
        count = env.cr.sql_log_count
        env.invalidate_all()
        function()
        count = env.cr.sql_log_count - count

        def cold(function=function):
            env.invalidate_all()
            function()

        p50, p99 = percentiles(cold, runs=5 if label.startswith("naive") else RUNS)
        budget = f"(budget {BUDGET_MS} ms)" if not label.startswith("naive") else "(reference)"
        print(f"{label:32} p50 {p50 * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  {count:4} queries  {budget}")
    env.cr.rollback()
