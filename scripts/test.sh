#!/usr/bin/env bash
# Every test of truce, on a real SQLite file and a real PostgreSQL server,
# then the demo's exports through libhxl, the API against its OpenAPI
# document with schemathesis, then the web interface in headless
# Chromium. Installs what is missing on a fresh Debian machine (PostgreSQL,
# python3-venv, Chromium; libhxl and schemathesis from PyPI; npm packages from the lock
# file), starts private servers, and stops them afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRUCE_REQUIRE_PG=1
# Benchmarks are compiled, not run: their figures belong in notes, not in CI.
cargo build --workspace --benches --quiet
scripts/with-postgres.sh cargo test --workspace
# The exports as other tools read them: libhxl's validation, one row per
# incident with fatalities counted once.
scripts/check-exports.sh
# The OpenAPI document as exact as the server: schemathesis, bounded.
scripts/check-api.sh
exec scripts/browser-test.sh
