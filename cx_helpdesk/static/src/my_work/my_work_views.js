import { onWillUnmount, status, useComponent } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";

export const WORK_BUS_CHANNEL = "cx_helpdesk/work";

/**
 * "My work" stays current: the server sends "cx_helpdesk/work" on the bus to
 * the agents whose items changed (a ticket, a customer's WhatsApp message, a
 * callback); the open view reloads its current page, filters and grouping
 * kept. Several messages in a row give one reload.
 */
function useWorkItems() {
    const component = useComponent();
    const bus = useService("bus_service");
    const action = useService("action");
    let pending = null;
    const reload = () => {
        if (pending || status(component) === "destroyed") {
            return;
        }
        pending = (async () => {
            try {
                await component.model.load();
            } catch (error) {
                // the user left the view while it reloaded: nothing to show
                if (status(component) !== "destroyed") {
                    throw error;
                }
            } finally {
                pending = null;
            }
        })();
    };
    bus.subscribe(WORK_BUS_CHANNEL, reload);
    bus.start();
    onWillUnmount(() => bus.unsubscribe(WORK_BUS_CHANNEL, reload));
    // an item opens the ticket, conversation or call it stands for
    return (record) => {
        const resId = record.data.res_id; // a many2one_reference: {resId, displayName}
        return action.doAction({
            type: "ir.actions.act_window",
            res_model: record.data.res_model,
            res_id: typeof resId === "object" ? resId.resId : resId,
            views: [[false, "form"]],
            target: "current",
        });
    };
}

export class WorkListController extends ListController {
    setup() {
        super.setup();
        this.openWorkItem = useWorkItems();
    }

    async openRecord(record) {
        return this.openWorkItem(record);
    }
}

export class WorkKanbanController extends KanbanController {
    setup() {
        super.setup();
        this.openWorkItem = useWorkItems();
    }

    async openRecord(record) {
        return this.openWorkItem(record);
    }
}

registry.category("views").add("cx_work_list", { ...listView, Controller: WorkListController });
registry.category("views").add("cx_work_kanban", { ...kanbanView, Controller: WorkKanbanController });
