from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# the limits of the public request form, as system parameters (Settings > Helpdesk)
WEB_FORM_PARAMS = {
    "per_address": ("cx_helpdesk.web_form_limit_per_address", 5),
    "per_email": ("cx_helpdesk.web_form_limit_per_email", 3),
    "minutes": ("cx_helpdesk.web_form_limit_minutes", 60),
    "upload_mb": ("cx_helpdesk.web_form_max_upload_mb", 20),
}
# the acknowledgement goes at most once per address in this period
ACK_PERIOD = timedelta(hours=1)
# rows are kept this long (client addresses are personal data)
KEEP_DAYS = 7
# first key of the advisory locks taken on an address ('cxwf')
ADVISORY_LOCK_SPACE = 0x63787766


class CxWebFormSubmission(models.Model):
    """One request accepted from the public form: who sent it (client address,
    typed email) and whether it was acknowledged. The rate limits count these
    rows, so they hold across the workers of a multi-process server; a
    transaction-level advisory lock per address makes two simultaneous
    requests from one address count one after the other."""

    _name = "cx.web.form.submission"
    _description = "Public Request Form Submission"
    _order = "id desc"

    remote_addr = fields.Char(string="Client Address", required=True, readonly=True)
    email_normalized = fields.Char(string="Email", readonly=True)
    ticket_id = fields.Many2one("cx.ticket", readonly=True, ondelete="set null")
    acknowledged = fields.Boolean(readonly=True, help="The acknowledgement email was sent for this request.")

    _remote_addr_idx = models.Index("(remote_addr, create_date)")
    _email_idx = models.Index("(email_normalized, create_date) WHERE email_normalized IS NOT NULL")

    @api.autovacuum
    def _gc_old_submissions(self):
        self.sudo().search([("create_date", "<", fields.Datetime.now() - timedelta(days=KEEP_DAYS))]).unlink()

    @api.model
    def _cx_limit(self, name):
        """A limit of the form (``per_address``, ``per_email``, ``minutes``,
        ``upload_mb``) from its system parameter; 0 means no limit."""
        key, default = WEB_FORM_PARAMS[name]
        try:
            return max(int(self.env["ir.config_parameter"].sudo().get_param(key, default)), 0)
        except ValueError:
            return default

    @api.model
    def _cx_lock(self, value):
        """Wait for the other transactions working for ``value`` (an address);
        held until this transaction ends."""
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", ADVISORY_LOCK_SPACE, value))

    @api.model
    def _cx_over_limit(self, field_name, value):
        """Whether ``value`` (of ``remote_addr`` or ``email_normalized``) sent
        as many requests as its limit allows in the period. Locks ``value``
        first (see the class docstring); 2 queries."""
        limit = self._cx_limit("per_address" if field_name == "remote_addr" else "per_email")
        if not limit or not value:
            return False
        self._cx_lock(value)
        since = fields.Datetime.now() - timedelta(minutes=self._cx_limit("minutes") or 60)
        return self.sudo().search_count([(field_name, "=", value), ("create_date", ">=", since)], limit=limit) >= limit

    @api.model
    def _cx_acknowledged_recently(self, email_normalized):
        since = fields.Datetime.now() - ACK_PERIOD
        return bool(
            self.sudo().search_count(
                [("email_normalized", "=", email_normalized), ("acknowledged", "=", True), ("create_date", ">=", since)],
                limit=1,
            )
        )
