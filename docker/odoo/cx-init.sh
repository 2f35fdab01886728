#!/bin/bash
# One-shot service of docker-compose.yml: creates the database `cx` (demo data
# on) or installs the cx_* addons it does not have yet, then exits. The odoo
# service starts after it succeeds.
set -euo pipefail
db="${CX_DB:-cx}"
modules=web
for manifest in /mnt/extra-addons/cx_*/__manifest__.py; do
    [ -f "$manifest" ] && modules="$modules,$(basename "$(dirname "$manifest")")"
done
installed="$(PGPASSWORD=odoo psql -h db -U odoo -d "$db" -Atqc \
    "select string_agg(name, ',') from ir_module_module where state = 'installed'" 2>/dev/null || true)"
missing="$(tr ',' '\n' <<<"$modules" | grep -vxF -f <(tr ',' '\n' <<<"${installed:-}") | paste -sd, || true)"
if [ -n "$missing" ]; then
    echo "installing $missing into $db"
    exec odoo -c /etc/odoo/odoo.conf -d "$db" -i "$missing" --with-demo --stop-after-init --no-http
fi
echo "database $db is up to date"
