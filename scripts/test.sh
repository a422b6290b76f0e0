#!/usr/bin/env bash
# Every test of truce, on a real SQLite file and a real PostgreSQL server.
# Installs PostgreSQL when it is missing (Debian), starts a private one,
# and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export TRUCE_REQUIRE_PG=1
# Benchmarks are compiled, not run: their figures belong in notes, not in CI.
cargo build --workspace --benches --quiet
exec scripts/with-postgres.sh cargo test --workspace
