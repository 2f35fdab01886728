#!/usr/bin/env bash
# `make bench`: the benchmarks of bench/, on a database of their own
# (cx_bench, no demo data), printing each figure next to its budget.
#   bash bench/run.sh                          everything
#   bash bench/run.sh helpdesk [create] [million]
#   bash bench/run.sh telephony [lookup] [ingestion] [screen_pop]
#   bash bench/run.sh whatsapp
#   bash bench/run.sh mywork [agent] [supervisor]
#   bash bench/run.sh c360
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
cx_psql -d "$db" -qc "VACUUM ANALYZE cx_ticket, cx_ticket_sla, mail_followers, mail_message, mail_tracking_value, cx_whatsapp_conversation, cx_call, mail_activity" 2>/dev/null || true
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
run_whatsapp() {
    # a real Odoo HTTP server on the bench database, and a WhatsApp account for it
    local port=18069 secret="bench-secret" account_id
    account_id="$(cx_odoo shell -d "$db" --log-level=warn --no-http 2>/dev/null <<PY | tail -n1
account = env["cx.whatsapp.account"].search([("phone_number_id", "=", "bench")]) or env["cx.whatsapp.account"].create(
    {"name": "Bench", "display_phone_number": "15550783881", "phone_number_id": "bench", "app_secret": "$secret"})
# a team of five agents working in Odoo (inbox notifications), round robin: each new customer opens a ticket
team = env["cx.team"].search([("name", "=", "Bench WhatsApp team")])
if not team:
    agents = env["res.users"].create([{"name": f"WhatsApp agent {i}", "login": f"wa_bench_{i}",
        "group_ids": [(6, 0, env.ref("cx_helpdesk.group_cx_agent").ids)]} for i in range(5)])
    # once they are internal users (a new row is not yet: res_users_notification_type)
    agents.notification_type = "inbox"
    team = env["cx.team"].create({"name": "Bench WhatsApp team", "assignment_method": "round_robin",
                                  "member_ids": [(6, 0, agents.ids)]})
account.write({"team_id": team.id, "ticket_rule": "always"})
env["cx.whatsapp.webhook"].search([("state", "=", "pending"), ("account_id", "=", account.id)]).unlink()
env.cr.commit()
print(account.id)
PY
)"
    # as deployed: 2 HTTP workers and a cron worker (the processing runs in the cron)
    cx_odoo -d "$db" --db-filter="^$db\$" --http-port="$port" --gevent-port=18072 --workers=2 --max-cron-threads=1 \
        --log-level=warn --logfile="$CX_VAR/log/bench-server.log" &
    # the server runs as a child of the background shell: stop it by its port
    trap "pkill -f -- '--http-port=$port' 2>/dev/null" RETURN
    for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/web/health" >/dev/null && break; sleep 0.5; done
    "$CX_VENV/bin/python" "$CX_ROOT/bench/bench_whatsapp.py" "http://127.0.0.1:$port/cx_whatsapp/webhook/$account_id" "$secret" \
        "dbname=$db host=$CX_DB_HOST port=$CX_DB_PORT user=$CX_DB_USER password=$CX_DB_PASSWORD"
}
case "${1:-all}" in
    helpdesk|telephony|mywork|c360) suite="$1"; shift; run_suite "$suite" "$@" ;;
    whatsapp) run_whatsapp ;;
    all) run_suite helpdesk; run_suite telephony; run_whatsapp; run_suite mywork; run_suite c360 ;;
    *) die "usage: bench/run.sh [helpdesk|telephony|whatsapp|mywork|c360] [parts...]" ;;
esac
