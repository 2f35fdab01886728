from . import cx_telephony
