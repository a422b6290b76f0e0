#!/usr/bin/env bash
# Holds 20,000 idle and 500 slow-header (one byte a second) connections
# against a demo node on loopback, probes /healthz 200 times meanwhile, and
# prints p50/p99/max of the probes and how many failed. Bounded: it stops
# everything and exits within 2 minutes.
#
#   scripts/load/idle-connections.sh [IDLE] [SLOW] [PROBES]
#
# TRUCE_BIN names a truce binary to use instead of building one (say, a
# build of an older commit, for a baseline).
set -euo pipefail

IDLE=${1:-20000}
SLOW=${2:-500}
PROBES=${3:-200}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if [[ -z "${TRUCE_BIN:-}" ]]; then
    (cd "$ROOT" && cargo build --release -q -p truce-cli)
    TRUCE_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/truce"
fi

# Every held connection is a descriptor here and one in the node.
ulimit -n "$(ulimit -Hn)"

DIR=$(mktemp -d)
NODE=""
cleanup() {
    if [[ -n "$NODE" ]]; then
        kill "$NODE" 2>/dev/null || true
        wait "$NODE" 2>/dev/null || true
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

"$TRUCE_BIN" --data-dir "$DIR/data" demo --days 1 --no-serve >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$TRUCE_BIN" --data-dir "$DIR/data" serve --listen "127.0.0.1:$PORT" >"$DIR/serve.log" 2>&1 &
NODE=$!
for _ in $(seq 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then break; fi
    sleep 0.1
done
grep -h "connections at once" "$DIR/serve.log" || true

timeout 110 python3 "$ROOT/scripts/load/hold.py" --port "$PORT" \
    --idle "$IDLE" --slow "$SLOW" --probes "$PROBES"
