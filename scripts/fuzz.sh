#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for FUZZ_SECONDS each (default 60),
# one after the other, and prints one line per target: executions, seconds
# and crashes. Needs the nightly toolchain; installs cargo-fuzz if missing.
# Crashing inputs are kept in fuzz/artifacts/<target>/. Usage:
#   FUZZ_SECONDS=240 scripts/fuzz.sh [TARGET…]
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-60}"
rss_mb="${FUZZ_RSS_MB:-2048}"
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked || cargo install cargo-fuzz || exit 1
fi
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build || exit 1
logs="$(mktemp -d)"
failed=0
for target in "${targets[@]}"; do
    log="$logs/$target.log"
    mkdir -p "corpus/$target"
    cargo +nightly fuzz run "$target" -- \
        -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -print_final_stats=1 \
        >"$log" 2>&1
    status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}' | tail -1)
    crashes=$(ls "artifacts/$target" 2>/dev/null | grep -c -E '^(crash|oom|timeout|leak)-' || true)
    if [ "$status" -ne 0 ]; then
        failed=1
        echo "$target: FAILED (exit $status) after ${runs:-?} executions; ${crashes} crashing input(s) in fuzz/artifacts/$target; log $log"
    else
        echo "$target: ${runs:-?} executions in ${took:-$seconds} s, ${crashes} crashes"
    fi
done
exit "$failed"
