import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged

from .common import CxWhatsappCommon


@tagged("-at_install", "post_install")
class TestMyWorkTour(HttpCase, CxWhatsappCommon):
    def test_my_work_receives_a_whatsapp_message_live(self):
        """The agent's "My work" is open in the browser when the customer's
        message comes through the webhook: the row appears without a reload."""
        self.account.ticket_rule = "never"
        self.team_l1.assignment_method = "manual"
        self._ticket(name="Printer on fire", user_id=self.agent_1.id)
        # the message comes once the list has been read (the view is open)
        loaded = threading.Event()
        Item = type(self.env["cx.work.item"])
        web_search_read = Item.web_search_read

        @api.model
        def web_search_read_then_signal(model, *args, **kwargs):
            result = web_search_read(model, *args, **kwargs)
            loaded.set()
            return result

        self.patch(Item, "web_search_read", web_search_read_then_signal)
        failures = []

        def customer_writes():
            try:
                if not loaded.wait(60):
                    failures.append("My work was never read")
                    return
                # the test cursor: served after the request that read the list
                with self.registry.cursor() as cr:
                    self._receive("Is my order shipped?", env=api.Environment(cr, SUPERUSER_ID, {}))
            except Exception as error:  # reported by the test below
                failures.append(error)

        customer = threading.Thread(target=customer_writes, daemon=True)
        customer.start()
        self.start_tour("/odoo/cx-my-work", "cx_whatsapp_my_work_tour", login=self.agent_1.login)
        customer.join(30)
        self.assertEqual(failures, [])
        conversation = self.env["cx.whatsapp.conversation"].search([("wa_id", "=", "966551112233")])
        self.assertEqual(conversation.team_id, self.team_l1)
