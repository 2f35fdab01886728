"""Smoke tests of the stack: the test database was built with every cx_*
addon of the repository, Odoo answers HTTP on its port, and the web client
starts in headless Chromium (so tours can run)."""

import pathlib
import re
import subprocess
import sys

from odoo.tests import HttpCase, TransactionCase

ROOT = pathlib.Path(__file__).resolve().parent.parent


def repository_addons():
    return sorted(p.parent.name for p in ROOT.glob("cx_*/__manifest__.py"))


# Odoo tags the tests of addons by itself; these live outside any addon.
STACK_TAGS = {"standard", "post_install", "-at_install"}


class TestDatabase(TransactionCase):
    test_tags = STACK_TAGS

    def test_every_repository_addon_is_installed(self):
        wanted = set(repository_addons()) | {"web"}
        installed = set(
            self.env["ir.module.module"].search([("name", "in", list(wanted)), ("state", "=", "installed")]).mapped(
                "name"
            )
        )
        self.assertEqual(installed, wanted)

    def test_our_python_dependencies_import(self):
        import panoramisk  # noqa: F401
        import phonenumbers

        number = phonenumbers.parse("0912345678", "SD")
        self.assertEqual(
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            "+249912345678",
        )


class TestHttp(HttpCase):
    test_tags = STACK_TAGS

    def test_login_page_answers(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="login"', response.text)

    def test_web_client_starts_in_chromium(self):
        # browser_js waits for the web client's assets to load and run, then for
        # the success signal: it fails (never skips, see conftest.py) without Chromium.
        self.browser_js("/odoo", "console.log('test successful')", ready="odoo.isReady === true", login="admin")


class TestRepository(TransactionCase):
    test_tags = STACK_TAGS

    def run_tool(self, tool, *args):
        return subprocess.run(
            [pathlib.Path(sys.executable).parent / tool, *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )

    def test_ruff_is_clean(self):
        result = self.run_tool("ruff", "check", "--no-cache", str(ROOT))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_docker_compose_file_is_valid(self):
        result = self.run_tool("docker-compose", "--profile", "telephony", "config", "--services")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            set(result.stdout.split()),
            {"db", "odoo-init", "odoo", "nginx", "asterisk", "ami-bridge"},
        )

    def test_tools_are_pure_python(self):
        # tools/ is tested without a database: the processes that open registries live in bridge/
        impure = [
            f"{path.relative_to(ROOT)}:{number}"
            for path in sorted(ROOT.glob("cx_*/tools/**/*.py"))
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if re.match(r"\s*(from odoo\b|import odoo\b)", line)
        ]
        self.assertEqual(impure, [])

    def test_every_test_module_is_imported(self):
        # odoo-bin --test-enable runs only the modules tests/__init__.py imports
        for init in sorted(ROOT.glob("cx_*/tests/__init__.py")):
            imported = set(re.findall(r"\btest_\w+", init.read_text()))
            modules = {path.stem for path in init.parent.glob("test_*.py")}
            self.assertEqual(modules - imported, set(), init.relative_to(ROOT))
