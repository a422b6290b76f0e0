#!/usr/bin/env bash
# How long a member's remote write and remote read take against a demo
# node on loopback, release build, with hyperfine (median of RUNS, default
# 100). The node serves the demo Record (2 days) with its three witness
# services pushing every second, as `truce demo` does.
#
#   bash scripts/bench/remote.sh            # RUNS=100 PORT=18080
#
# Prints hyperfine's table for each command and a one-line summary of the
# medians; leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-100}
PORT=${PORT:-18080}
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
cargo build --release -p truce-cli --quiet
TRUCE=${CARGO_TARGET_DIR:-$PWD/target}/release/truce
WORK=$(mktemp -d)
NODE_PID=
cleanup() {
  [ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null && wait "$NODE_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

DATA=$WORK/node
"$TRUCE" --data-dir "$DATA" demo --days 2 --no-serve >/dev/null
TOKEN=$("$TRUCE" --data-dir "$DATA" token create --member ru-monitor-1 | tail -n 1)
"$TRUCE" --data-dir "$DATA" demo --listen "127.0.0.1:$PORT" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
URL=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do
  curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
KEY=$DATA/demo-keys/ru-monitor-1.key
NOTE=$WORK/note.json
echo '{"note": {"text": "Remote write measured on loopback", "refers_to": []}}' >"$NOTE"
MEMBER=$WORK/member
REMOTE="$TRUCE --data-dir $MEMBER --node $URL --token $TOKEN"
# The member's copy of the Record exists before the reads are timed; each
# timed read still brings it up to date first (the writes grow the Record).
$REMOTE bulletin --format json >/dev/null

hyperfine --runs "$RUNS" --warmup 3 --export-json "$WORK/times.json" \
  -n "remote write (receipt not awaited)" "$REMOTE --wait 0 append $NOTE --key $KEY" \
  -n "remote read (bulletin --format json)" "$REMOTE bulletin --format json" \
  -n "local read beside the node" "$TRUCE --data-dir $DATA bulletin --format json"
hyperfine --runs "$((RUNS / 5 > 10 ? RUNS / 5 : 10))" --export-json "$WORK/final.json" \
  -n "remote write until a quorum cosigned it" "$REMOTE --wait 5 append $NOTE --key $KEY"
python3 - "$WORK/times.json" "$WORK/final.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        print(f"{r['command']}: median {r['median']*1000:.1f} ms over {len(r['times'])} runs")
PY
echo "entries in the Record at the end: $(curl -fsS "$URL/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')"
