"""Who sees and changes which conversation, message, template and account
secret, tested as the least-privileged user of each group (the matrix is in
readme/CONFIGURE.md)."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import CxWhatsappCommon

SECRETS = ["access_token", "app_secret", "verify_token"]


class TestSecurity(CxWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Conversation = cls.env["cx.whatsapp.conversation"]

        def conversation(wa_id, team, user=None):
            record = Conversation.create({"account_id": cls.account.id, "wa_id": wa_id, "team_id": team.id,
                                          "user_id": user.id if user else False})
            cls.env["cx.whatsapp.message"].create({
                "account_id": cls.account.id, "conversation_id": record.id, "direction": "inbound",
                "wa_id": wa_id, "body": f"hello from {wa_id}", "wamid": f"wamid.SEC{wa_id}"})
            return record

        cls.own = conversation("966500000001", cls.team_l1, cls.agent_1)
        cls.colleague = conversation("966500000002", cls.team_l1, cls.agent_2)
        cls.unassigned = conversation("966500000003", cls.team_l1)
        cls.other_team = conversation("966500000004", cls.team_l2)
        cls.no_team = conversation("966500000005", cls.env["cx.team"])
        cls.all = cls.own | cls.colleague | cls.unassigned | cls.other_team | cls.no_team
        cls.template = cls.env["cx.whatsapp.template"].create({
            "name": "hello", "account_id": cls.account.id, "body": "Hello {{1}}", "res_model": "res.partner",
            "variable_ids": [(0, 0, {"position": 1, "field_path": "name", "sample": "Khalid"})],
            "button_ids": [(0, 0, {"kind": "QUICK_REPLY", "text": "Yes"})],
        })

        cls.other_company = cls.env["res.company"].create({"name": "Khartoum Branch"})
        cls.other_co_manager = new_test_user(cls.env, "cx_wa_other_co", groups="cx_helpdesk.group_cx_manager",
                                             company_id=cls.other_company.id, company_ids=[(6, 0, cls.other_company.ids)])
        cls.portal = new_test_user(cls.env, "cx_wa_portal", groups="base.group_portal", name="Khalid Portal")
        cls.own.partner_id = cls.portal.partner_id  # even their own conversation stays internal
        cls.admin = new_test_user(cls.env, "cx_wa_admin", groups="base.group_system,cx_helpdesk.group_cx_manager")

    def _conversations(self, user):
        return self.env["cx.whatsapp.conversation"].with_user(user).search([("id", "in", self.all.ids)])

    def _messages(self, user):
        return self.env["cx.whatsapp.message"].with_user(user).search([("conversation_id", "in", self.all.ids)]).conversation_id

    # ------------------------------------------------------------
    # Conversations and messages
    # ------------------------------------------------------------

    def test_agent_sees_their_teams_shared_inbox(self):
        expected = self.own | self.colleague | self.unassigned | self.no_team
        self.assertEqual(self._conversations(self.agent_1), expected)
        self.assertEqual(self._messages(self.agent_1), expected)
        with self.assertRaises(AccessError):
            self.other_team.with_user(self.agent_1).read(["name"])
        # any agent of the team may answer while the assigned one is away
        self.colleague.with_user(self.agent_1).message_post(body="I take over", message_type="comment",
                                                            subtype_xmlid="mail.mt_note")
        self.colleague.with_user(self.agent_1).write({"user_id": self.agent_1.id})

    def test_agent_cannot_create_delete_or_forge_messages(self):
        Conversation = self.env["cx.whatsapp.conversation"].with_user(self.agent_1)
        with self.assertRaises(AccessError):
            Conversation.create({"account_id": self.account.id, "wa_id": "966500000009"})
        with self.assertRaises(AccessError):
            self.own.with_user(self.agent_1).unlink()
        message = self.own.cx_message_ids.with_user(self.agent_1)
        with self.assertRaises(AccessError):
            message.write({"body": "forged"})
        with self.assertRaises(AccessError):
            message.unlink()
        with self.assertRaises(AccessError):
            self.env["cx.whatsapp.message"].with_user(self.agent_1).create(
                {"account_id": self.account.id, "direction": "outbound", "wa_id": "966500000001", "status": "queued"})
        with self.assertRaises(AccessError):
            self.env["cx.whatsapp.webhook"].with_user(self.agent_1).search([])

    def test_agent_of_another_team(self):
        self.assertEqual(self._conversations(self.agent_l2), self.other_team | self.no_team)
        self.assertEqual(self._messages(self.agent_l2), self.other_team | self.no_team)
        with self.assertRaises(AccessError):
            self.own.with_user(self.agent_l2).write({"user_id": self.agent_l2.id})
        with self.assertRaises(AccessError):
            self.own.message_ids[:1].with_user(self.agent_l2).read(["body"])
        # nor through a template sent to that customer's number
        self.template.sudo().status = "approved"
        wizard = self.env["cx.whatsapp.template.send"].with_user(self.agent_l2).create({
            "res_model": "res.partner", "res_id": self.customer.id, "account_id": self.account.id,
            "phone": "+966500000001", "template_id": self.template.id, "fill_from": f"res.partner,{self.customer.id}"})
        with self.assertRaises(AccessError):
            wizard.action_send()

    def test_supervisor_sees_the_teams_they_lead(self):
        self.assertEqual(self._conversations(self.supervisor), self.all, "leader of both teams")
        self.team_l2.leader_id = self.manager
        self.assertEqual(self._conversations(self.supervisor), self.all - self.other_team)
        self.assertEqual(self._messages(self.supervisor), self.all - self.other_team)

    def test_manager_sees_everything_of_their_company(self):
        self.assertEqual(self._conversations(self.manager), self.all)
        self.assertEqual(self._messages(self.manager), self.all)

    def test_other_company_sees_nothing(self):
        self.assertFalse(self._conversations(self.other_co_manager))
        self.assertFalse(self._messages(self.other_co_manager))
        self.assertFalse(self.env["cx.whatsapp.template"].with_user(self.other_co_manager).search([("id", "=", self.template.id)]))
        self.assertFalse(self.env["cx.whatsapp.template.variable"].with_user(self.other_co_manager).search(
            [("template_id", "=", self.template.id)]))
        self.assertFalse(self.env["cx.whatsapp.template.button"].with_user(self.other_co_manager).search(
            [("template_id", "=", self.template.id)]))
        self.assertFalse(self.env["cx.whatsapp.account"].with_user(self.other_co_manager).search([("id", "=", self.account.id)]))
        self.assertFalse(self.env["cx.whatsapp.webhook"].with_user(self.other_co_manager).search([("account_id", "=", self.account.id)]))

    def test_portal_user_sees_nothing_of_whatsapp(self):
        for model in ("cx.whatsapp.conversation", "cx.whatsapp.message", "cx.whatsapp.template", "cx.whatsapp.account",
                      "cx.whatsapp.webhook"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.own.message_ids[:1].with_user(self.portal).read(["body"])
        # their ticket shows them no WhatsApp internals
        ticket = self._ticket(partner_id=self.portal.partner_id.id)
        self.own.ticket_id = ticket
        with self.assertRaises(AccessError):
            ticket.with_user(self.portal).read(["cx_whatsapp_message_ids"])

    # ------------------------------------------------------------
    # Templates and account secrets
    # ------------------------------------------------------------

    def test_templates_read_by_agents_written_by_managers(self):
        Template = self.env["cx.whatsapp.template"]
        self.assertEqual(Template.with_user(self.agent_1).search([("id", "=", self.template.id)]), self.template)
        self.assertTrue(self.template.variable_ids.with_user(self.agent_1).read(["name"]))
        for user in (self.agent_1, self.supervisor):
            with self.assertRaises(AccessError):
                self.template.with_user(user).write({"body": "Changed {{1}}"})
            with self.assertRaises(AccessError):
                Template.with_user(user).create({"name": "mine", "account_id": self.account.id, "body": "x"})
            with self.assertRaises(AccessError):
                self.template.variable_ids.with_user(user).write({"fixed_value": "x"})
        self.template.with_user(self.manager).write({"footer_text": "Care team"})

    def test_account_secrets_for_administrators_only(self):
        for user in (self.agent_1, self.supervisor, self.manager):
            account = self.account.with_user(user)
            self.assertEqual(account.read(["name"])[0]["name"], "Care KSA")
            for secret in SECRETS:
                with self.assertRaises(AccessError, msg=f"{user.login} reads {secret}"):
                    account.read([secret])
                with self.assertRaises(AccessError, msg=f"{user.login} searches on {secret}"):
                    self.env["cx.whatsapp.account"].with_user(user).search([(secret, "=", "let-me-in")])
            self.assertNotIn("access_token", account.fields_get())
        with self.assertRaises(AccessError):
            self.account.with_user(self.manager).write({"access_token": "stolen"})
        admin = self.account.with_user(self.admin).read(SECRETS)[0]
        self.assertEqual((admin["access_token"], admin["app_secret"], admin["verify_token"]), ("test-token", "s3cret", "let-me-in"))

    def test_saving_a_shared_contact_needs_the_conversation(self):
        message = self.other_team.cx_message_ids
        message.sudo().write({"message_type": "contacts", "extra": {"contacts": [{"name": "Noura", "phones": [], "emails": []}]}})
        with self.assertRaises(AccessError):
            message.with_user(self.agent_1).action_save_contacts()
        with self.assertRaises(UserError):
            self.own.cx_message_ids.with_user(self.agent_1).action_save_contacts()
