from odoo.tests import new_test_user

from odoo.addons.cx_helpdesk.tests.common import CxHelpdeskCommon


class CxTelephonyCommon(CxHelpdeskCommon):
    """The helpdesk world plus a Saudi company's PBX with two mapped queues."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.sa")
        cls.pbx = cls.env["cx.pbx"].create(
            {
                "name": "Test PBX",
                "host": "127.0.0.1",
                "port": 1,
                "username": "odoo",
                "secret": "amisecret",
                "internal_number_max_digits": 4,
                "queue_ids": [
                    (0, 0, {"name": "support", "team_id": cls.team_l1.id}),
                    (0, 0, {"name": "empty", "team_id": cls.team_l1.id}),
                    (0, 0, {"name": "sales", "team_id": cls.team_l2.id}),
                ],
            }
        )
        # the captures' extensions (1001...) may be the demo agents' too
        cls.env["res.users"].search([("cx_extension", "!=", False)]).cx_extension = False
        cls.env.flush_all()  # freed before they are given again (unique extensions)
        cls.agent_1.cx_extension = "1001"
        cls.env["cx.pbx"].search([("id", "!=", cls.pbx.id)]).active = False  # the demo PBX
        cls.agent_2.cx_extension = "1002"
        cls.agent_l2.cx_extension = "2002"
        cls.agent_3.cx_interface = "Local/2001@agents/n"
        # the helpdesk's customer: +966501234567, the caller of the Saudi captures
        cls.saudi = cls.customer
        cls.saudi.country_id = cls.env.ref("base.sa")
        cls.sudanese = cls.env["res.partner"].create(
            {"name": "Amna Sudanese", "phone": "0912345678", "country_id": cls.env.ref("base.sd").id}
        )
        cls.supervisor_user = new_test_user(cls.env, "cx_tel_sup", groups="cx_helpdesk.group_cx_supervisor")
