import { markup } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { escape } from "@web/core/utils/strings";

/**
 * The caller panel: when the PBX rings the agent's phone, the bridge sends
 * "cx_telephony/screen_pop" on the bus to that user only; this service shows
 * who calls, their open tickets and last calls, and the buttons to act.
 * One panel per call, replaced when the call is answered and closed when it
 * ends elsewhere.
 */
export const screenPopService = {
    dependencies: ["action", "bus_service", "notification", "orm"],

    start(env, { action, bus_service, notification, orm }) {
        const panels = new Map(); // "pbx:linkedid" -> close function

        function describe(payload) {
            const lines = [];
            if (payload.partner) {
                const company = payload.partner.company ? ` (${escape(payload.partner.company)})` : "";
                lines.push(`<strong>${escape(payload.partner.name)}</strong>${company}`);
            } else {
                lines.push(`<strong>${escape(_t("Unknown caller"))}</strong>`);
            }
            lines.push(`<span class="text-muted">${escape(payload.number || "")}${payload.queue ? " · " + escape(payload.queue) : ""}</span>`);
            if (payload.open_tickets.length) {
                const items = payload.open_tickets
                    .map((t) => `<li class="o_cx_pop_ticket o_cx_sla_${escape(t.sla_status)}">${escape(t.number)} ${escape(t.name)} <em>${escape(t.stage || "")}, ${escape(t.sla_label || "")}</em></li>`)
                    .join("");
                lines.push(`<div>${escape(_t("Open tickets"))}:</div><ul class="mb-1">${items}</ul>`);
            } else if (payload.partner) {
                lines.push(`<div>${escape(_t("No open ticket"))}</div>`);
            }
            const customer = payload.customer_360;
            if (customer && customer.invoices) {
                const money = customer.invoices;
                const amount = (value) => `${value.toFixed(2)} ${money.currency || ""}`;
                lines.push(`<div class="o_cx_pop_360">${escape(_t("Due"))}: ${escape(amount(money.amount_due))}` +
                    (money.amount_overdue ? ` · <span class="text-danger">${escape(_t("Overdue"))}: ${escape(amount(money.amount_overdue))}</span>` : "") +
                    ` · ${escape(_t("Lifetime value"))}: ${escape(amount(money.lifetime_value))}</div>`);
            }
            if (customer && customer.sale_orders && (customer.sale_orders.quotation_count || customer.sale_orders.order_count)) {
                lines.push(`<div>${escape(_t("Quotations"))}: ${customer.sale_orders.quotation_count} · ${escape(_t("Orders"))}: ${customer.sale_orders.order_count}</div>`);
            }
            if (customer && customer.leads && customer.leads.open_count) {
                lines.push(`<div>${escape(_t("Open leads and opportunities"))}: ${customer.leads.open_count}</div>`);
            }
            if (payload.last_calls.length) {
                const items = payload.last_calls.map((c) => `<li>${escape(c.date)} ${escape(c.agent || "")}</li>`).join("");
                lines.push(`<div>${escape(_t("Last calls"))}:</div><ul class="mb-0">${items}</ul>`);
            }
            return markup(`<div class="o_cx_screen_pop">${lines.join("<br/>")}</div>`);
        }

        async function openRecord(model, id) {
            await action.doAction({ type: "ir.actions.act_window", res_model: model, res_id: id, views: [[false, "form"]] });
        }

        async function callId(payload) {
            // a panel sent before the call was recorded names it by PBX and Linkedid
            return payload.call_id || (await orm.call("cx.call", "cx_panel_call_id", [payload.pbx_id, payload.linkedid]));
        }

        function buttons(payload, close) {
            const result = [];
            if (payload.partner) {
                result.push({ name: _t("Open customer"), onClick: () => { openRecord("res.partner", payload.partner.id); } });
            } else {
                result.push({
                    name: _t("Create contact"),
                    onClick: async () => action.doAction(await orm.call("cx.call", "action_create_contact", [[await callId(payload)]])),
                });
            }
            const ticketId = payload.ticket_id || (payload.open_tickets[0] && payload.open_tickets[0].id);
            if (ticketId) {
                result.push({ name: _t("Open ticket"), onClick: () => { openRecord("cx.ticket", ticketId); } });
            }
            result.push({
                name: _t("New ticket"),
                primary: true,
                onClick: async () => {
                    close();
                    action.doAction(await orm.call("cx.call", "action_create_ticket", [[await callId(payload)]]));
                },
            });
            result.push({
                name: _t("New lead"),
                onClick: async () => {
                    close();
                    action.doAction(await orm.call("cx.call", "action_create_lead", [[await callId(payload)]]));
                },
            });
            result.push({ name: _t("Open call"), onClick: async () => { openRecord("cx.call", await callId(payload)); } });
            return result;
        }

        function show(payload) {
            const key = `${payload.pbx_id}:${payload.linkedid}`;
            panels.get(key)?.();
            panels.delete(key);
            if (payload.event === "ended" || payload.event === "missed") {
                return;
            }
            const titles = {
                ringing: _t("Incoming call"),
                answered: _t("On the phone"),
                reopened: _t("Caller"),
            };
            let close = () => {};
            close = notification.add(describe(payload), {
                title: titles[payload.event] || _t("Call"),
                type: payload.event === "ringing" ? "warning" : "info",
                sticky: true,
                className: "o_cx_screen_pop_notification",
                buttons: buttons(payload, () => close()),
                onClose: () => panels.delete(key),
            });
            panels.set(key, close);
        }

        bus_service.subscribe("cx_telephony/screen_pop", show);
        bus_service.start();
        return { show };
    },
};

registry.category("services").add("cx_screen_pop", screenPopService);
