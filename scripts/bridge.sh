#!/usr/bin/env bash
# `make bridge`: the AMI bridge of cx_telephony on the `make run` database
# (CX_DB, default cx_demo). Stop it with Ctrl-C.
source "$(dirname "$0")/lib.sh"
CX_DB="${CX_DB:-cx_demo}"
cx_setup
# Odoo finds addon commands in the --addons-path given before the command name
exec "$CX_VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$CX_ADDONS_PATH" cx_ami_bridge \
    -c "$CX_ROOT/odoo.conf" --data-dir="$CX_VAR/data" \
    --db_host="$CX_DB_HOST" --db_port="$CX_DB_PORT" --db_user="$CX_DB_USER" --db_password="$CX_DB_PASSWORD" \
    -d "$CX_DB" "$@"
