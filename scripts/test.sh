#!/usr/bin/env bash
# Runs the whole Huajie test suite: the README's second command, and what .ci/run calls.
#
# Installs what the tests need when it is missing (PostgreSQL server, Chromium and its
# driver, a Chinese font and poppler for the PDF reports, LibreOffice Calc to recalculate the
# workbooks — Debian's packages; python-stdnum from PyPI, pinned, for the identifier comparison;
# the API contract tools, schemathesis and an OpenAPI validator, from PyPI into target/), starts a
# throwaway PostgreSQL cluster
# on a free local port so that the store suite runs on SQLite and on PostgreSQL, then runs
# `cargo test` over the workspace, browser journeys in headless Chromium and the API contract
# test included.
# Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '== %s\n' "$*" >&2; }

apt_install() {
    # Installs Debian packages by name; runs apt-get update once first.
    if [ "$(id -u)" != 0 ]; then
        say "need root to install: $* (install them, or run as root)"; return 1
    fi
    if [ -z "${HUAJIE_APT_UPDATED:-}" ]; then
        apt-get update -qq >/dev/null
        export HUAJIE_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

find_pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
    done
    return 1
}

# --- Python, and python-stdnum: the independent check-digit implementation the identifier
# tests compare Huajie with (crates/huajie-core/tests/stdnum.rs) ---------------------------
STDNUM_VERSION=2.2
if ! command -v python3 >/dev/null 2>&1; then
    say "installing python3 (Debian package python3)"
    apt_install python3
fi
if ! python3 -c "import stdnum, sys; sys.exit(stdnum.__version__ != '$STDNUM_VERSION')" 2>/dev/null; then
    say "installing python-stdnum $STDNUM_VERSION (PyPI)"
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    # Debian's own Python is externally managed (PEP 668): then install beside its packages.
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet "python-stdnum==$STDNUM_VERSION" 2>/dev/null \
        || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --break-system-packages "python-stdnum==$STDNUM_VERSION"
fi
say "python-stdnum $(python3 -c 'import stdnum; print(stdnum.__version__)') for the identifier comparison"

# --- PostgreSQL -------------------------------------------------------------------------
PG_BIN=$(find_pg_bin || true)
if [ -z "$PG_BIN" ]; then
    say "installing PostgreSQL (Debian package postgresql)"
    apt_install postgresql
    PG_BIN=$(find_pg_bin)
fi

PG_DIR=$(mktemp -d /tmp/huajie-pg.XXXXXX)
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PG_USER=$(id -un)
run_pg() {
    # PostgreSQL refuses to run as root: run its tools as the postgres user then.
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown -R postgres "$PG_DIR"
        su postgres -s /bin/sh -c "$*"
    else
        sh -c "$*"
    fi
}
[ "$(id -u)" = 0 ] && PG_USER=postgres
stop_pg() {
    run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap stop_pg EXIT
run_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U '$PG_USER' -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
run_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -w -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
export HUAJIE_TEST_PG="postgres://$PG_USER@127.0.0.1:$PG_PORT/postgres"
say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT (HUAJIE_TEST_PG)"

# --- Chromium for the browser journeys ---------------------------------------------------
if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
    say "installing Chromium and ChromeDriver (Debian packages chromium, chromium-driver)"
    apt_install chromium chromium-driver
fi
export HUAJIE_CHROMEDRIVER=$(command -v chromedriver)
export HUAJIE_CHROMIUM=$(command -v chromium)
say "Chromium $("$HUAJIE_CHROMIUM" --version 2>/dev/null | awk '{print $2}') for the browser journeys (HUAJIE_CHROMEDRIVER)"

# --- PDF: a Chinese font, and poppler to read the reports back --------------------------
if ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
    say "installing fonts-noto-cjk and poppler-utils (Debian packages)"
    apt_install fonts-noto-cjk poppler-utils
fi
export HUAJIE_PDFTOTEXT=$(command -v pdftotext)

# --- The API contract: an OpenAPI validator and schemathesis (PyPI, pinned) --------------
# In a virtual environment under target/ (Debian's Python refuses user-site installs), made
# again whenever scripts/contract-tools.txt changes.
CONTRACT_VENV=target/contract-tools
if ! cmp -s scripts/contract-tools.txt "$CONTRACT_VENV/installed.txt"; then
    say "installing the API contract tools (schemathesis, openapi-spec-validator) into $CONTRACT_VENV"
    rm -rf "$CONTRACT_VENV"
    if ! python3 -m venv "$CONTRACT_VENV" >/dev/null 2>&1; then
        say "installing python3-venv (Debian package)"
        rm -rf "$CONTRACT_VENV"
        apt_install python3-venv
        python3 -m venv "$CONTRACT_VENV"
    fi
    "$CONTRACT_VENV/bin/pip" install -q --disable-pip-version-check -r scripts/contract-tools.txt
    cp scripts/contract-tools.txt "$CONTRACT_VENV/installed.txt"
fi
export HUAJIE_SCHEMATHESIS=$PWD/$CONTRACT_VENV/bin/schemathesis
export HUAJIE_OPENAPI_VALIDATOR=$PWD/$CONTRACT_VENV/bin/openapi-spec-validator
say "schemathesis $("$HUAJIE_SCHEMATHESIS" --version | awk '{print $NF}') for the API contract (HUAJIE_SCHEMATHESIS)"

# --- Workbooks: LibreOffice opens and recalculates them ---------------------------------
if ! command -v soffice >/dev/null 2>&1; then
    say "installing LibreOffice Calc (Debian package libreoffice-calc-nogui)"
    apt_install libreoffice-calc-nogui
fi
export HUAJIE_SOFFICE=$(command -v soffice)
say "$("$HUAJIE_SOFFICE" --version 2>/dev/null | awk '{print $1, $2}') recalculates the workbooks (HUAJIE_SOFFICE)"

# --- Format and lints: the tree is rustfmt-clean and clippy-clean -----------------------
say "cargo fmt --check"
cargo fmt --all --check
say "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

# --- Tests ------------------------------------------------------------------------------
say "cargo test --workspace"
cargo test --workspace "$@"
