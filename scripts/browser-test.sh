#!/usr/bin/env bash
# Browser tests of the web interface in Debian's headless Chromium, driven
# by playwright-core (pinned in tests/browser/package-lock.json).
#
# Builds truce, makes a demo Record with tokens, serves it on loopback,
# runs tests/browser/run.mjs (screenshots go to target/screenshots/), and
# always stops the server. Set TRUCE_MAP_INCIDENTS=100000 to also time the
# map with that many generated incidents, one per report (they are signed
# here and appended through the API by the four guarantor members side by
# side: about 5 minutes for 100,000 on a 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# Debian packages the tests need, installed when missing: Chromium, and
# Node.js with npm to drive it.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing: ${missing[*]}; install as root: apt-get install ${missing[*]}" >&2; exit 1; fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
(cd tests/browser && npm ci --no-audit --no-fund)

# verify.js and the translation tables, without a browser: the checks run
# against vectors the record crate produced (crates/server/tests/server/web.rs
# holds the committed file to what the crate produces and accepts).
node --test tests/browser/unit/

cargo build -p truce-cli
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
TRUCE=$TARGET/debug/truce
[ -x "$TRUCE" ] || { echo "no binary at $TRUCE" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
MIRROR_PID=
stop_mirror() {
  if [ -n "$MIRROR_PID" ] && kill -0 "$MIRROR_PID" 2>/dev/null; then
    kill "$MIRROR_PID" 2>/dev/null || true
    wait "$MIRROR_PID" 2>/dev/null || true
  fi
  MIRROR_PID=
}
cleanup() { stop_mirror; stop_server; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

DATA=$WORK/data
export TRUCE_DATA=$DATA
"$TRUCE" --data-dir "$DATA" demo --days 4 --no-serve >"$WORK/demo.log"
# The day the coverage test speaks of: yesterday, the mechanism's day (UTC+3).
export TRUCE_COVERAGE_DAY=$(TZ=Etc/GMT-3 date -d yesterday +%F)
token() { "$TRUCE" --data-dir "$DATA" token create --member "$1" | tail -n 1; }
export TRUCE_OBSERVER_TOKEN=$(token un-expert-1)
export TRUCE_GUARANTOR_CLI_TOKEN=$(token ru-monitor-1)
# The operator's token and key, for the operator's browser; and a joining
# token for a member not yet in the Record, whose browser asks to join.
export TRUCE_OPERATOR_TOKEN=$(token secretariat)
export TRUCE_OPERATOR_KEY=$DATA/demo-keys/secretariat.key
export TRUCE_JOIN_TOKEN=$("$TRUCE" --data-dir "$DATA" token create --member ru-monitor-3 --joining guarantor_member | tail -n 1)

# Starts the server on LISTEN (127.0.0.1:0: any free port).
start_server() {
  local listen=$1
  "$TRUCE" --data-dir "$DATA" serve --listen "$listen" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  # Up to 60 s: on a busy 2-core machine a debug build can be slow to open.
  local started=
  for _ in $(seq 1 600); do
    # The address is on the line that says so; log lines may come first.
    if grep -q 'listening on' "$WORK/serve.log"; then started=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$started" ] || { echo "the server did not start in 60 s" >&2; cat "$WORK/serve.log" >&2; exit 1; }
  ADDR=$(grep -m 1 'listening on' "$WORK/serve.log" | sed -E 's#.*http://([^/]+)/.*#\1#')
  export TRUCE_URL="http://$ADDR"
  echo "server at $TRUCE_URL (pid $SERVER_PID)"
}
start_server 127.0.0.1:0

# A guarantor's mirror of that node, serving its verified copy read-only.
NODE_KEY=$("$TRUCE" --data-dir "$DATA" verify --json | sed -E 's/.*"node_key":"([^"]+)".*/\1/')
"$TRUCE" --data-dir "$WORK/mirror" mirror --from "$TRUCE_URL" --node-key "$NODE_KEY" \
  --token "$TRUCE_OBSERVER_TOKEN" --listen 127.0.0.1:0 --interval 0.5 >"$WORK/mirror.log" 2>&1 &
MIRROR_PID=$!
for _ in $(seq 1 600); do
  grep -q 'serving the copy read-only on' "$WORK/mirror.log" 2>/dev/null && break
  kill -0 "$MIRROR_PID" 2>/dev/null || { cat "$WORK/mirror.log" >&2; exit 1; }
  sleep 0.1
done
MIRROR_ADDR=$(grep -m1 'serving the copy read-only on' "$WORK/mirror.log" | sed -E 's#.*http://([^/]+)/.*#\1#')
[ -n "$MIRROR_ADDR" ] || { echo "the mirror did not start" >&2; cat "$WORK/mirror.log" >&2; exit 1; }
export TRUCE_MIRROR_URL="http://$MIRROR_ADDR"
echo "mirror at $TRUCE_MIRROR_URL (pid $MIRROR_PID)"

# The test process asks for these operator actions through a FIFO-free
# handshake: it writes a request file and waits for the answer file.
export TRUCE_CONTROL=$WORK/control
mkdir -p "$TRUCE_CONTROL"
operator_loop() {
  while kill -0 "$TEST_PID" 2>/dev/null; do
    if [ -f "$TRUCE_CONTROL/propose.request" ]; then
      rm -f "$TRUCE_CONTROL/propose.request"
      # An open decision proposed by another guarantor party (Türkiye),
      # for the browser's Russian member to vote on.
      printf '{"decision_proposed":{"decision_type":"other","title":"Joint patrol along the M4 road","text":"The guarantors patrol the M4 road jointly each week.","deadline":"%s","references":[],"measure":null,"exchange":null,"agreement":null,"status":null,"criteria":null}}' \
        "$(date -u -d '+7 days' +%Y-%m-%dT%H:%M:%SZ)" >"$WORK/proposal.json"
      "$TRUCE" --node "$TRUCE_URL" --token "$(token tr-monitor-1)" --wait 0 \
        append "$WORK/proposal.json" --key "$DATA/demo-keys/tr-monitor-1.key" >"$TRUCE_CONTROL/propose.log" 2>&1
      touch "$TRUCE_CONTROL/propose.done"
    fi
    if [ -f "$TRUCE_CONTROL/coverage.request" ]; then
      # Russia's post covering Idlib and Hama, down all of that day, and a
      # patrol denied near Khan Shaykhun that day, filed through the node.
      rm -f "$TRUCE_CONTROL/coverage.request"
      day_start=$(date -d "$TRUCE_COVERAGE_DAY 00:00 +0300" +%s)
      utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
      ru=("$TRUCE" --node "$TRUCE_URL" --token "$(token ru-monitor-1)" --wait 0)
      key=$DATA/demo-keys/ru-monitor-1.key
      {
        "${ru[@]}" coverage asset add --key "$key" op-7 --kind post --name "Observation post 7" \
          --governorate SY-ID --governorate SY-HM --working-from "$(utc $((day_start - 172800)))" &&
        "${ru[@]}" coverage set --key "$key" op-7 down --from "$(utc "$day_start")" &&
        "${ru[@]}" coverage set --key "$key" op-7 working --from "$(utc $((day_start + 86400)))" &&
        "${ru[@]}" access report --key "$key" --by-party "Syrian Arab Army" --lat 35.44 --lon 36.65 \
          --kind denial --from "$(utc $((day_start + 21600)))" --for 5h \
          --prevented "The patrol to the southern outskirts of Khan Shaykhun"
      } >"$TRUCE_CONTROL/coverage.log" 2>&1
      touch "$TRUCE_CONTROL/coverage.done"
    fi
    if [ -f "$TRUCE_CONTROL/ask.request" ]; then
      # Türkiye asks the browser's party (Russia) about an incident.
      incident=$(cat "$TRUCE_CONTROL/ask.request")
      rm -f "$TRUCE_CONTROL/ask.request"
      "$TRUCE" --node "$TRUCE_URL" --token "$(token tr-monitor-1)" --wait 0 \
        request ask --key "$DATA/demo-keys/tr-monitor-1.key" --to "Russian Federation" \
        --incident "$incident" --question "Which of your posts observed the shelling, and from what distance?" \
        --reply-by 48h >"$TRUCE_CONTROL/ask.log" 2>&1
      touch "$TRUCE_CONTROL/ask.done"
    fi
    if [ -f "$TRUCE_CONTROL/case.positions" ]; then
      # Türkiye and Iran state their positions on the browser's case.
      case_id=$(cat "$TRUCE_CONTROL/case.positions")
      rm -f "$TRUCE_CONTROL/case.positions"
      for member in tr-monitor-1 ir-monitor-1; do
        "$TRUCE" --node "$TRUCE_URL" --token "$(token $member)" --wait 0 \
          case position "$case_id" --key "$DATA/demo-keys/$member.key" --severity minor_violation \
          --reason "Two rounds on the market street; no one was hurt." >>"$TRUCE_CONTROL/case.log" 2>&1
      done
      touch "$TRUCE_CONTROL/case.done"
    fi
    sleep 0.2
  done
}

export TRUCE_SCREENSHOTS=$ROOT/target/screenshots
mkdir -p "$TRUCE_SCREENSHOTS"
node tests/browser/run.mjs &
TEST_PID=$!
operator_loop
status=0
wait "$TEST_PID" || status=$?

if [ "$status" = 0 ] && [ -n "${TRUCE_MAP_INCIDENTS:-}" ]; then
  node tests/browser/generate.mjs "$TRUCE_MAP_INCIDENTS"
  node tests/browser/map-timing.mjs || status=$?
fi
stop_mirror
stop_server
exit "$status"
