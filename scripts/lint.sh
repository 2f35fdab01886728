#!/usr/bin/env bash
# `make lint`: ruff with Odoo's import sections (configuration in ruff.toml).
source "$(dirname "$0")/lib.sh"
cx_odoo_source
cx_venv
cd "$CX_ROOT"
"$CX_VENV/bin/ruff" check .
