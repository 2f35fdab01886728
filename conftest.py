"""Suite-wide pytest hooks.

A tour or any other browser test (Odoo's HttpCase) that is *skipped* is reported
as a failure: Odoo skips them silently when Chromium, websocket-client or the
HTTP server is missing, and a green run must mean the UI flows really ran.
"""

import pytest


def _is_http_case(item):
    instance = getattr(item, "instance", None)
    if instance is None:
        return False
    from odoo.tests.common import HttpCase  # Odoo is importable only once pytest-odoo parsed its config

    return isinstance(instance, HttpCase)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _is_http_case(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"browser test skipped, counted as a failure: {reason}"
