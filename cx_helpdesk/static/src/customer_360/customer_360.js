import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useRecordObserver } from "@web/model/relational_model/utils";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/**
 * The customer 360 of the record's customer (its ``partner_field``, or the
 * record itself on a partner): one RPC to ``cx.customer.360.summary``, which
 * applies the agent's rights (a section they may not read comes back empty
 * and is not drawn). Shown on the ticket, the partner and the WhatsApp
 * conversation; opening a line opens its record.
 */
export class Customer360 extends Component {
    static template = "cx_helpdesk.Customer360";
    static props = { ...standardWidgetProps, partnerField: { type: String, optional: true } };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ summary: null, partnerId: false });
        onWillStart(() => this.load(this.props.record));
        useRecordObserver((record) => {
            if (this.partnerIdOf(record) !== this.state.partnerId) {
                return this.load(record);
            }
        });
    }

    partnerIdOf(record) {
        if (!this.props.partnerField) {
            return record.resId || false;
        }
        const value = record.data[this.props.partnerField];
        return (value && value.id) || false;
    }

    async load(record) {
        const partnerId = this.partnerIdOf(record);
        this.state.partnerId = partnerId;
        this.state.summary = partnerId
            ? await this.orm.call("cx.customer.360", "summary", [partnerId])
            : null;
    }

    get channelSections() {
        return Object.entries(this.state.summary.channels).map(([model, section]) => ({ model, ...section }));
    }

    get labels() {
        return {
            tickets: _t("Tickets"),
            open: _t("open"),
            contacts: _t("Last contacts"),
            emails: _t("E-mails"),
            orders: _t("Sales"),
            quotations: _t("Quotations"),
            confirmed: _t("Orders"),
            toDeliver: _t("To deliver"),
            invoices: _t("Invoices"),
            due: _t("Due"),
            overdue: _t("Overdue"),
            lifetime: _t("Lifetime value"),
            leads: _t("Open leads and opportunities"),
            ratings: _t("Last ratings"),
            nps: _t("NPS"),
            lang: _t("Language"),
            channel: _t("Preferred channel"),
        };
    }

    formatDate(value) {
        return value ? String(value).slice(0, 16) : "";
    }

    formatAmount(value, currency) {
        return `${(value || 0).toFixed(2)} ${currency || ""}`.trim();
    }

    open(model, id) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: id,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

export const customer360 = {
    component: Customer360,
    extractProps: ({ attrs }) => ({ partnerField: attrs.partner_field }),
};

registry.category("view_widgets").add("cx_customer_360", customer360);
