#!/usr/bin/env bash
# `make bench`: the benchmarks of bench/, on a database of their own
# (cx_bench, no demo data), printing each figure next to its budget.
#   bash bench/run.sh                          everything
#   bash bench/run.sh helpdesk [create] [million]
#   bash bench/run.sh telephony [lookup] [ingestion]
source "$(dirname "$0")/../scripts/lib.sh"
cx_setup
db="${CX_BENCH_DB:-cx_bench}"
if ! cx_psql -d "$db" -Atqc 'select 1 from ir_module_module limit 1' >/dev/null 2>&1; then
    log "creating $db (the cx addons, no demo data)"
    cx_odoo -d "$db" -i "$(cx_addons)" --stop-after-init --logfile="$CX_VAR/log/install-$db.log" \
        || die "installing the cx addons into $db failed (var/log/install-$db.log)"
else
    cx_odoo -d "$db" -i "$(cx_addons)" -u "$(cx_addons)" --stop-after-init --logfile="$CX_VAR/log/install-$db.log"
fi
# a maintained database: statistics fresh, no bloat left by earlier runs
cx_psql -d "$db" -qc "VACUUM ANALYZE cx_ticket, cx_ticket_sla, mail_followers, mail_message, mail_tracking_value" 2>/dev/null || true
run_suite() {
    local suite="$1"; shift
    cx_odoo shell -d "$db" --log-level=warn --no-http <<PY
import sys
sys.path.insert(0, "$CX_ROOT/bench")
import bench_$suite
admin = env.ref("base.user_admin")
parts = "$*".split()
bench_$suite.main(env(user=admin), **({"which": parts} if parts else {}))
PY
}
case "${1:-all}" in
    helpdesk|telephony) suite="$1"; shift; run_suite "$suite" "$@" ;;
    all) run_suite helpdesk; run_suite telephony ;;
    *) die "usage: bench/run.sh [helpdesk|telephony] [parts...]" ;;
esac
