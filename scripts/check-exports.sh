#!/usr/bin/env bash
# The demo's ACLED CSV exports read with the tools their users have:
# libhxl (from PyPI, in a virtual environment under target/) validates the
# HXL rows against its default schema, and checks with and without pandas
# find one row per incident with its fatalities counted once
# (scripts/check-exports.py).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/check-venv.sh
# libhxl imports six without declaring it.
"$venv/bin/python" -c 'import hxl' 2>/dev/null || "$venv/bin/pip" install --quiet libhxl six
"$venv/bin/python" -c 'import pandas' 2>/dev/null || "$venv/bin/pip" install --quiet pandas

cargo build --quiet -p truce-cli
truce="${CARGO_TARGET_DIR:-target}/debug/truce"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$truce" --data-dir "$work/demo" demo --no-serve >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
for edition in internal public; do
  for level in event report; do
    "$truce" --data-dir "$work/demo" export --format csv --edition "$edition" --level "$level" \
      --out "$work/$level-$edition.csv"
  done
done
"$venv/bin/python" scripts/check-exports.py "$work"
