#!/usr/bin/env bash
# Every test of truce, on a real SQLite file and a real PostgreSQL server,
# then the web interface in headless Chromium. Installs what is missing on
# a fresh Debian machine (PostgreSQL, Chromium; npm packages from the lock
# file), starts private servers, and stops them afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRUCE_REQUIRE_PG=1
# Benchmarks are compiled, not run: their figures belong in notes, not in CI.
cargo build --workspace --benches --quiet
scripts/with-postgres.sh cargo test --workspace
exec scripts/browser-test.sh
