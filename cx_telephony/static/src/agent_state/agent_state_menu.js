import { Component, onWillStart, useState } from "@odoo/owl";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";

/**
 * The agent's queue state in the systray: log into the team's queues, pause
 * with a reason, resume, log out (AMI QueueAdd/QueuePause/QueueRemove). The
 * state follows the PBX's QueueMemberStatus events through the bus.
 */
export class AgentStateMenu extends Component {
    static template = "cx_telephony.AgentStateMenu";
    static components = { Dropdown, DropdownItem };
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ state: "logged_out", reason: false, reasons: [], hasExtension: false });
        const bus = useService("bus_service");
        bus.subscribe("cx_telephony/agent_state", ({ state, reason }) => Object.assign(this.state, { state, reason }));
        onWillStart(async () => {
            const data = await this.orm.call("res.users", "cx_agent_panel_data", []);
            Object.assign(this.state, { state: data.state, reason: data.reason, reasons: data.reasons, hasExtension: data.has_extension });
        });
    }

    get label() {
        const labels = {
            logged_out: _t("Logged out"),
            available: _t("Available"),
            ringing: _t("Ringing"),
            on_call: _t("On a call"),
            paused: _t("Paused"),
            unavailable: _t("Phone unreachable"),
        };
        const label = labels[this.state.state] || this.state.state;
        return this.state.state === "paused" && this.state.reason ? `${label}: ${this.state.reason}` : label;
    }

    get badgeClass() {
        return {
            available: "text-bg-success",
            ringing: "text-bg-warning",
            on_call: "text-bg-info",
            paused: "text-bg-secondary",
            unavailable: "text-bg-danger",
        }[this.state.state] || "text-bg-light";
    }

    async run(method, args = []) {
        const state = await this.orm.call("res.users", method, [[user.userId], ...args]);
        this.state.state = state;
        this.state.reason = method === "action_cx_queue_pause" ? args[0] : false;
    }
}

registry.category("systray").add("cx_telephony.AgentStateMenu", { Component: AgentStateMenu }, { sequence: 90 });
