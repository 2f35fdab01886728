#!/usr/bin/env bash
# `make test`: set up what is missing, build a throw-away database with every
# cx_* addon (demo data included), run the whole suite with pytest-odoo
# (Python tests and tours in headless Chromium), drop the database.
# Arguments are passed to pytest (e.g. `make test ARGS="-k sla"`).
source "$(dirname "$0")/lib.sh"

cx_setup
addons="$(cx_addons)"
db="cx_test_$(date +%s)_$$"
keep="${CX_KEEP_DB:-0}"
cleanup() {
    if [ "$keep" != 1 ]; then
        cx_psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
        rm -rf "$CX_VAR/data/filestore/$db"
    else
        log "kept database $db"
    fi
}
trap cleanup EXIT

# Sales too: the addons' optional links to it (WhatsApp templates filled from
# an order) are tested, as on the companies' databases, which run it.
cx_install "$db" "web,sale_management${addons:+,$addons}"

paths=("$CX_ROOT/tests")
for addon in ${addons//,/ }; do
    [ -d "$CX_ROOT/$addon/tests" ] && paths+=("$CX_ROOT/$addon/tests")
done

# pytest must not run from inside an addons directory (Odoo's `calendar`
# addon would shadow the standard library's): run it from the repository root.
cd "$CX_ROOT"
log "running the suite on $db"
"$CX_VENV/bin/python" -m pytest \
    --odoo-config="$CX_ROOT/odoo.conf" --odoo-database="$db" \
    --odoo-addons-path="$CX_ADDONS_PATH" --odoo-http --odoo-log-level=warn \
    --odoo-extra="data-dir=$CX_VAR/data" \
    --odoo-extra="db_host=$CX_DB_HOST" --odoo-extra="db_port=$CX_DB_PORT" \
    --odoo-extra="db_user=$CX_DB_USER" --odoo-extra="db_password=$CX_DB_PASSWORD" \
    "${paths[@]}" "$@"
