"""Arabic is a first-class language: every user-facing string has an Arabic
translation, and the customer's pages read right to left."""

import pathlib
import re

import polib

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CxHelpdeskCommon

I18N = pathlib.Path(__file__).resolve().parent.parent / "i18n"


PLACEHOLDERS = ("%s", "%(", "{{ object.number }}")


def check_arabic_catalogue(case, i18n, module):
    """Every term of ``<module>.pot`` has an Arabic translation in ar.po that
    keeps its placeholders (shared by the cx addons' tests)."""
    template = polib.pofile(str(i18n / f"{module}.pot"))
    arabic = {entry.msgid: entry.msgstr for entry in polib.pofile(str(i18n / "ar.po"))}
    case.assertFalse([entry.msgid for entry in template if not arabic.get(entry.msgid)], "untranslated")
    for msgid, msgstr in arabic.items():
        for placeholder in (*PLACEHOLDERS, *re.findall(r"%\(\w+\)s", msgid)):
            case.assertEqual(msgid.count(placeholder), msgstr.count(placeholder), msgid)


class TestArabicCatalogue(CxHelpdeskCommon):
    def test_every_term_has_an_arabic_translation(self):
        check_arabic_catalogue(self, I18N, "cx_helpdesk")


@tagged("-at_install", "post_install")
class TestArabicPortal(HttpCase, CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ar_001")
        cls.env["ir.module.module"].search([("name", "=", "cx_helpdesk")])._update_translations(["ar_001"])
        cls.portal_user = new_test_user(
            cls.env, "cx_portal_ar", groups="base.group_portal", name="Mariam", lang="ar_001", email="mariam@customer.example"
        )
        cls.ticket = cls.env["cx.ticket"].create(
            {"name": "الراوتر لا يعمل", "team_id": cls.team_l1.id, "partner_id": cls.portal_user.partner_id.id}
        )

    def test_backend_strings_in_arabic(self):
        Ticket = self.env["cx.ticket"].with_context(lang="ar_001")
        self.assertEqual(Ticket._fields["sla_status"].get_description(Ticket.env)["string"], "اتفاقية مستوى الخدمة")
        self.assertEqual(self.stage_waiting.with_context(lang="ar_001").name, "بانتظار العميل")
        self.assertEqual(self.ticket.lang, "ar_001", "the customer's language")

    def test_acknowledgement_in_arabic(self):
        self.ticket._cx_send_acknowledgement()
        ack = self.ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertIn("استلمنا طلبك", ack.body)

    def test_portal_page_is_right_to_left(self):
        self.authenticate("cx_portal_ar", "cx_portal_ar")
        response = self.url_open(f"/my/tickets/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_rtl", response.text)
        stylesheet = re.search(r'href="(/web/assets/[^"]*web\.assets_frontend\.rtl[^"]*\.css)"', response.text)
        self.assertTrue(stylesheet, "the right-to-left stylesheet")
        # really flipped by rtlcss, not the left-to-right rules under an rtl name
        css = self.url_open(stylesheet.group(1)).text
        self.assertIn(".text-start{text-align: right !important;}", css)
        self.assertIn("المحادثة", response.text)
        self.assertIn("الراوتر لا يعمل", response.text)
