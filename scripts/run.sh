#!/usr/bin/env bash
# `make run`: set up what is missing, then serve the demo database on
# http://localhost:${CX_HTTP_PORT:-8069}. Extra arguments go to odoo-bin.
source "$(dirname "$0")/lib.sh"

CX_DB="${CX_DB:-cx_demo}"
CX_HTTP_PORT="${CX_HTTP_PORT:-8069}"

cx_setup
addons="$(cx_addons)"
cx_install "$CX_DB" "web${addons:+,$addons}"

log "Odoo 19 with ${addons:-no cx addon yet} on database $CX_DB"
log "open http://localhost:$CX_HTTP_PORT  (demo login: admin / admin)"
cx_odoo -d "$CX_DB" --db-filter="^$CX_DB\$" --http-port="$CX_HTTP_PORT" "$@"
