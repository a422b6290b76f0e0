#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server on 127.0.0.1 and
# TRUCE_TEST_PG_URL pointing at it. Installs PostgreSQL from Debian's
# packages when it is missing. The server and its files are removed when
# the command ends, whatever the outcome.
#
#   scripts/with-postgres.sh cargo test --workspace
set -euo pipefail

find_pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    fi
}

PG_BIN=$(find_pg_bin)
if [ -z "$PG_BIN" ]; then
    echo "with-postgres: PostgreSQL is not installed; installing it from Debian's packages" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "with-postgres: run as root (or install the 'postgresql' package) first" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(find_pg_bin)
fi

# PostgreSQL refuses to run as root: as root, the server runs as 'postgres'.
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

PGDATA=$(mktemp -d /tmp/truce-pg.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA"

free_port_from() {
    local port=$1
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

cleanup() {
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGDATA"
    rm -f "${LOG:-}"
}
trap cleanup EXIT

as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync >/dev/null

# The server's log is kept outside the data directory and printed when it
# does not start, so the cause outlives the cleanup. A port taken between
# the check and the start (or a stale socket) is worth one more try
# elsewhere.
LOG=$(mktemp /tmp/truce-pg-log.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$LOG"
start_on() {
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -w -t 60 -l "$LOG" \
        -o "-p $1 -k $PGDATA -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
}
port=$(free_port_from 55432)
if ! start_on "$port"; then
    echo "with-postgres: PostgreSQL did not start on port $port; its log:" >&2
    sed 's/^/  | /' "$LOG" >&2
    port=$(free_port_from $((port + 1 + RANDOM % 1000)))
    echo "with-postgres: trying once more on port $port" >&2
    : >"$LOG"
    if ! start_on "$port"; then
        echo "with-postgres: PostgreSQL did not start on port $port either; its log:" >&2
        sed 's/^/  | /' "$LOG" >&2
        exit 1
    fi
fi

export TRUCE_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $port" >&2
"$@"
