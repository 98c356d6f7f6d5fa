#!/usr/bin/env bash
# Runs Tabletalk on its embedded default: SQLite in ./data, http://127.0.0.1:3000, with the demo campaign.
# Installs whatever is missing first (scripts/bootstrap.sh). Extra arguments go to `tabletalk serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
echo "[run] building the release site (the first build takes several minutes)"
cargo leptos build --release
export DATABASE_URL="${DATABASE_URL:-sqlite://data/tabletalk.db}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
target/release/tabletalk seed --demo
exec target/release/tabletalk serve "$@"
