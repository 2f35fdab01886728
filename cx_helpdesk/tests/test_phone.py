"""The suite's one phone normaliser: numbers as customers, agents and the
channels write them (Gulf and Sudanese forms first) read as E.164."""

import unittest

from odoo.tests import TransactionCase

from odoo.addons.cx_helpdesk.tools.phone import international_e164


class TestInternationalNumbers(unittest.TestCase):
    def test_international_forms(self):
        for written in ("+966501234567", "966501234567", "00966501234567", "+966 50 123 4567",
                        "00966-50-123-4567", "+966 (50) 123.4567"):
            self.assertEqual(international_e164(written), "+966501234567", written)
        self.assertEqual(international_e164("249912345678"), "+249912345678", "WhatsApp's wa_id")
        self.assertEqual(international_e164("+971 50 123 4567"), "+971501234567")

    def test_not_international(self):
        for written in ("0501234567", "0912345678", "call me", "+", "12345", "+1234567890123456", "", None,
                        "+٩٦٦٥٠١٢٣٤٥٦٧", "000966501234567"):
            self.assertIsNone(international_e164(written), written)


class TestPhoneNormaliser(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.saudi = cls.env.ref("base.sa")
        cls.sudan = cls.env.ref("base.sd")
        cls.emirates = cls.env.ref("base.ae")

    def test_local_forms_read_in_their_country(self):
        cases = [
            ("0501234567", self.saudi, "+966501234567"),
            ("050 123 4567", self.saudi, "+966501234567"),
            ("050-123-4567", "SA", "+966501234567"),
            ("0912345678", self.sudan, "+249912345678"),
            ("091 234 5678", self.sudan, "+249912345678"),
            ("0501234567", self.emirates, "+971501234567"),
            ("00966501234567", self.saudi, "+966501234567"),
            ("00249 91 234 5678", self.saudi, "+249912345678"),
            ("+971 50 123 4567", self.sudan, "+971501234567"),
        ]
        for number, country, expected in cases:
            self.assertEqual(self.Partner._cx_e164(number, country), expected, (number, country))

    def test_international_forms_need_no_country(self):
        self.assertEqual(self.Partner._cx_e164("+966 50 123 4567"), "+966501234567")
        self.assertEqual(self.Partner._cx_e164("00249-91-234-5678"), "+249912345678")
        self.assertEqual(self.Partner._cx_e164("00971 50 123 4567"), "+971501234567")
        self.assertEqual(self.Partner._cx_e164("+1 (650) 555-1234"), "+16505551234")

    def test_not_a_number(self):
        for number in ("call me", "0501234567", "+966 12", "", None, False):
            self.assertFalse(self.Partner._cx_e164(number), number)
        self.assertFalse(self.Partner._cx_e164("12345", self.saudi))

    def test_agrees_with_the_sanitized_phone(self):
        """What the channels look up is what phone_validation stores on the
        customers: the same reading."""
        partner = self.Partner.create({"name": "Sudan customer", "phone": "091 234 5678", "country_id": self.sudan.id})
        self.assertEqual(partner.phone_sanitized, self.Partner._cx_e164("0912345678", self.sudan))
        self.assertEqual(self.Partner._cx_partners_by_phone([self.Partner._cx_e164("+249 91 234 5678")]),
                         {"+249912345678": partner})

    def test_country_of_a_number(self):
        countries = {"966551112233": "SA", "249912345678": "SD", "971501234567": "AE", "96550123456": "KW",
                     "97336123456": "BH", "97433123456": "QA", "96891234567": "OM", "201001234567": "EG",
                     "+966 55 111 2233": "SA"}
        for number, code in countries.items():
            self.assertEqual(self.Partner._cx_number_region(number), code, number)
        self.assertFalse(self.Partner._cx_number_region("999"))
        self.assertFalse(self.Partner._cx_number_region(None))

    def test_dialable_from_a_country(self):
        self.assertEqual(self.Partner._cx_dialable("+966 50 123 4567", self.saudi), "0501234567")
        self.assertEqual(self.Partner._cx_dialable("0501234567", self.saudi), "0501234567")
        self.assertEqual(self.Partner._cx_dialable("+249 91 234 5678", self.saudi), "00249912345678")
        self.assertEqual(self.Partner._cx_dialable("0912345678", self.sudan), "0912345678")
        self.assertEqual(self.Partner._cx_dialable("+966501234567", self.emirates), "00966501234567")
        self.assertFalse(self.Partner._cx_dialable("1002", self.saudi), "an extension is the PBX's business")
