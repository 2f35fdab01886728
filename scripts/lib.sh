# shellcheck shell=bash
# Shared set-up steps for `make run` and `make test`. Every step checks what is
# already there first, so a second run reuses the system packages, the virtual
# environment, the Odoo source and the database, and starts in seconds.
#
# Settings (all optional, environment variables):
#   ODOO_SRC          Odoo 19.0 source directory (holds odoo-bin); default below
#   CX_ODOO_DEFAULT   the documented default path, /opt/odoo-19.0
#   CX_ODOO_ARCHIVE   archive downloaded when neither exists (official 19.0 source)
#   CX_VENV           virtual environment (default: .venv in the repository)
#   CX_PYTHON         interpreter the venv is made from (default: python3)
#   CX_DB_HOST/PORT/USER/PASSWORD  PostgreSQL connection (default localhost:5432 odoo/odoo)
#   CX_SKIP_SYSTEM=1  do not touch system packages (no root needed)

set -euo pipefail

CX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CX_VENV="${CX_VENV:-$CX_ROOT/.venv}"
CX_PYTHON="${CX_PYTHON:-python3}"
CX_ODOO_DEFAULT="${CX_ODOO_DEFAULT:-/opt/odoo-19.0}"
CX_ODOO_ARCHIVE="${CX_ODOO_ARCHIVE:-https://github.com/odoo/odoo/archive/refs/heads/19.0.tar.gz}"
CX_ODOO_DOWNLOAD_DIR="$CX_ROOT/.cache/odoo-19.0"
CX_DB_HOST="${CX_DB_HOST:-localhost}"
CX_DB_PORT="${CX_DB_PORT:-5432}"
CX_DB_USER="${CX_DB_USER:-odoo}"
CX_DB_PASSWORD="${CX_DB_PASSWORD:-odoo}"
CX_VAR="$CX_ROOT/var"
CX_RTLCSS_VERSION=4.3.0

# Debian 12 / Ubuntu 22.04+ package names. Odoo's requirements compile
# psycopg2, python-ldap and cbor2 from source on Python 3.11.
CX_SYSTEM_PACKAGES=(
    postgresql postgresql-client libpq-dev
    libldap2-dev libsasl2-dev build-essential python3-dev python3-venv
    wkhtmltopdf fonts-noto-core chromium curl ca-certificates
)

log() { printf '\033[1;34m[cx]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[cx] error:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "root rights needed for: $* (or set CX_SKIP_SYSTEM=1 and install it yourself)"
    fi
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"
    else sudo -u postgres "$@"
    fi
}

cx_system_packages() {
    [ "${CX_SKIP_SYSTEM:-0}" = 1 ] && return 0
    command -v dpkg-query >/dev/null || { log "not a Debian/Ubuntu system: install ${CX_SYSTEM_PACKAGES[*]} yourself"; return 0; }
    local missing=() pkg
    for pkg in "${CX_SYSTEM_PACKAGES[@]}"; do
        if [ "$pkg" = chromium ] && { command -v chromium >/dev/null || command -v google-chrome >/dev/null || command -v chromium-browser >/dev/null; }; then
            continue
        fi
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
    done
    # Odoo builds its right-to-left (Arabic) stylesheets with rtlcss, an npm
    # package: without it Arabic pages are translated but laid out left to right
    command -v rtlcss >/dev/null || command -v npm >/dev/null || missing+=(npm)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing system packages: ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    if ! command -v rtlcss >/dev/null; then
        log "installing rtlcss (npm) for right-to-left stylesheets"
        as_root npm install -g --silent "rtlcss@$CX_RTLCSS_VERSION" >/dev/null
    fi
}

# Resolves ODOO_SRC: the variable, else the default path, else a download.
cx_odoo_source() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo-bin" ] || die "ODOO_SRC=$ODOO_SRC holds no odoo-bin"
    elif [ -f "$CX_ODOO_DEFAULT/odoo-bin" ]; then
        ODOO_SRC="$CX_ODOO_DEFAULT"
    else
        if [ ! -f "$CX_ODOO_DOWNLOAD_DIR/odoo-bin" ]; then
            log "no Odoo source at $CX_ODOO_DEFAULT: downloading $CX_ODOO_ARCHIVE (once)"
            local tmp; tmp="$(mktemp -d)"
            curl -fL --retry 3 -o "$tmp/odoo.tar.gz" "$CX_ODOO_ARCHIVE" || die "download of $CX_ODOO_ARCHIVE failed; set ODOO_SRC to an Odoo 19.0 source"
            mkdir -p "$CX_ODOO_DOWNLOAD_DIR"
            tar -xzf "$tmp/odoo.tar.gz" -C "$CX_ODOO_DOWNLOAD_DIR" --strip-components=1
            rm -rf "$tmp"
        fi
        ODOO_SRC="$CX_ODOO_DOWNLOAD_DIR"
    fi
    ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
    grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" || die "$ODOO_SRC is not Odoo 19.0"
    export ODOO_SRC
    # Odoo's core addons live in odoo/addons; a git checkout also has addons/.
    CX_ADDONS_PATH="$ODOO_SRC/odoo/addons"
    [ -d "$ODOO_SRC/addons" ] && CX_ADDONS_PATH="$CX_ADDONS_PATH,$ODOO_SRC/addons"
    CX_ADDONS_PATH="$CX_ADDONS_PATH,$CX_ROOT"
    export CX_ADDONS_PATH
}

# Creates the venv and installs Odoo's and our requirements, once per change
# of either requirements file.
cx_venv() {
    local stamp="$CX_VENV/.cx-requirements.sha256" want
    want="$(cat "$ODOO_SRC/requirements.txt" "$CX_ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$CX_VENV/bin/python" ]; then
        return 0
    fi
    log "preparing the virtual environment in $CX_VENV"
    [ -x "$CX_VENV/bin/python" ] || "$CX_PYTHON" -m venv "$CX_VENV"
    # psycopg2 2.9.5, python-ldap 3.4.0 and cbor2 5.4.2 only build with an old
    # setuptools: constrain the isolated build environments (pip < 25 reads
    # PIP_CONSTRAINT there, newer pip PIP_BUILD_CONSTRAINT).
    local constraint="$CX_ROOT/scripts/build-constraints.txt"
    PIP_CONSTRAINT="$constraint" PIP_BUILD_CONSTRAINT="$constraint" \
        "$CX_VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt" -r "$CX_ROOT/requirements.txt" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    # Odoo itself is imported from its source tree (no copy): a .pth file.
    local site; site="$("$CX_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_SRC" > "$site/cx-odoo-src.pth"
    echo "$want" > "$stamp"
}

cx_postgres() {
    mkdir -p "$CX_VAR/log" "$CX_VAR/data"
    if [ "$CX_DB_HOST" != localhost ] && [ "$CX_DB_HOST" != 127.0.0.1 ]; then
        return 0  # a remote server is the user's to run
    fi
    if command -v pg_lsclusters >/dev/null; then
        local ver cluster state
        read -r ver cluster _ state _ < <(pg_lsclusters --no-header | head -n1) || die "no PostgreSQL cluster: run 'pg_createcluster 15 main'"
        if [ "$state" != online ]; then
            log "starting PostgreSQL $ver/$cluster"
            as_root pg_ctlcluster "$ver" "$cluster" start
        fi
    fi
    local i
    for i in $(seq 1 30); do
        pg_isready -q -h "$CX_DB_HOST" -p "$CX_DB_PORT" && break
        sleep 1
    done
    pg_isready -q -h "$CX_DB_HOST" -p "$CX_DB_PORT" || die "PostgreSQL does not answer on $CX_DB_HOST:$CX_DB_PORT"
    if ! PGPASSWORD="$CX_DB_PASSWORD" psql -h "$CX_DB_HOST" -p "$CX_DB_PORT" -U "$CX_DB_USER" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        log "creating the PostgreSQL role $CX_DB_USER (Odoo refuses to run as postgres)"
        as_postgres psql -p "$CX_DB_PORT" -v ON_ERROR_STOP=1 -qc \
            "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$CX_DB_USER') THEN CREATE ROLE \"$CX_DB_USER\" LOGIN CREATEDB; END IF; END\$\$; ALTER ROLE \"$CX_DB_USER\" PASSWORD '$CX_DB_PASSWORD';"
    fi
}

cx_psql() {
    PGPASSWORD="$CX_DB_PASSWORD" psql -h "$CX_DB_HOST" -p "$CX_DB_PORT" -U "$CX_DB_USER" "$@"
}

# The cx_* addons of the repository (directories holding a manifest).
cx_addons() {
    local d names=()
    for d in "$CX_ROOT"/cx_*/; do
        [ -f "$d/__manifest__.py" ] && names+=("$(basename "$d")")
    done
    (IFS=,; echo "${names[*]:-}")
}

# Runs odoo-bin with the repository's odoo.conf and the resolved paths; a
# first argument that is not an option is odoo-bin's command (shell, ...).
cx_odoo() {
    local command=()
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then command=("$1"); shift; fi
    "$CX_VENV/bin/python" "$ODOO_SRC/odoo-bin" "${command[@]}" -c "$CX_ROOT/odoo.conf" \
        --addons-path="$CX_ADDONS_PATH" --data-dir="$CX_VAR/data" \
        --db_host="$CX_DB_HOST" --db_port="$CX_DB_PORT" \
        --db_user="$CX_DB_USER" --db_password="$CX_DB_PASSWORD" "$@"
}

# Installs the given modules (comma separated) into DB, creating it if needed;
# modules already installed are left alone, so a second call costs one query.
cx_install() {
    local db="$1" modules="$2"
    local missing="$modules"
    if cx_psql -d "$db" -Atqc 'select 1 from ir_module_module limit 1' >/dev/null 2>&1; then
        local installed
        installed="$(cx_psql -d "$db" -Atqc "select string_agg(name, ',') from ir_module_module where state = 'installed'")"
        missing="$(tr ',' '\n' <<<"$modules" | grep -vxF -f <(tr ',' '\n' <<<"$installed") | paste -sd, || true)"
    fi
    [ -z "$missing" ] && return 0
    log "installing $missing into database $db (with demo data)"
    cx_odoo -d "$db" -i "$missing" --with-demo --stop-after-init --logfile="$CX_VAR/log/install-$db.log" \
        || { tail -n 40 "$CX_VAR/log/install-$db.log" >&2; die "installing $missing into $db failed (log: var/log/install-$db.log)"; }
}

cx_setup() {
    cx_system_packages
    cx_odoo_source
    cx_venv
    cx_postgres
}
