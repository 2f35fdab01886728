import { PhoneField } from "@web/views/fields/phone/phone_field";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

// Every phone field dials through the agent's extension (AMI Originate):
// the server rings the agent's phone, then the number.
patch(PhoneField.prototype, {
    setup() {
        super.setup(...arguments);
        this.cxOrm = useService("orm");
        this.cxAction = useService("action");
    },
    async cxDial() {
        const record = this.props.record;
        const action = await this.cxOrm.call("cx.pbx", "action_click_to_dial", [record.data[this.props.name]], {
            res_model: record.resModel,
            res_id: record.resId || false,
        });
        if (action) {
            await this.cxAction.doAction(action);
        }
    },
});
