"""Phone numbers already written in international form, without the ORM.

Numbers typed by people in a local form (0501234567) need their country and
phonenumbers: ``res.partner._cx_e164`` (over phone_validation) reads them.
"""

import re

# what people put between digits: spaces, dashes, dots, brackets, slashes
SEPARATORS = re.compile(r"[\s\-./()\\]")


def international_e164(number):
    """``number`` in E.164 (``+966501234567``) when it is written in
    international form: with its ``+``, its ``00`` prefix, or bare digits as
    WhatsApp gives them (``966501234567``); separators are ignored. None when
    it is not a phone number (letters, fewer than 7 or more than 15 digits).
    It reads no local form: ``0501234567`` is not international."""
    if not number:
        return None
    digits = SEPARATORS.sub("", str(number))
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        return None
    if not digits.isascii() or not digits.isdigit() or not 7 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    return f"+{digits}"
