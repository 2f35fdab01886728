"""Arabic is a first-class language: every term of the addon is translated."""

import pathlib

from odoo.addons.cx_helpdesk.tests.common import CxHelpdeskCommon
from odoo.addons.cx_helpdesk.tests.test_i18n import check_arabic_catalogue


class TestArabicCatalogue(CxHelpdeskCommon):
    def test_every_term_has_an_arabic_translation(self):
        check_arabic_catalogue(self, pathlib.Path(__file__).resolve().parent.parent / "i18n", "cx_livechat")
