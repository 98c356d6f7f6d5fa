#!/usr/bin/env bash
# Runs every test: formatting, clippy for the server (ssr) and browser (hydrate) builds, Rust unit and
# integration tests, and the Playwright suite in Debian's Chromium against a freshly built server on a fresh
# database. Installs whatever is missing first (scripts/bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

TABLETALK_NEED_BROWSER=1 scripts/bootstrap.sh
step() { printf '\033[1;34m[test]\033[0m %s\n' "$*"; }

# cargo-leptos is told not to erase view types (Cargo.toml), so it builds with the same flags as plain cargo
# and both share compiled dependencies.

step "formatting"
cargo fmt --all --check

step "clippy: server build (ssr)"
cargo clippy -p app -p server -p bench --features app/ssr --all-targets -- -D warnings
step "clippy: browser build (hydrate, wasm32)"
cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (audience property test: ${PROPTEST_CASES:-10000} cases)"
PROPTEST_CASES="${PROPTEST_CASES:-10000}" cargo test -p app -p server -p bench --features app/ssr

step "load generator smoke run (200 connections, 5 s; fails on any lost, duplicated or misdelivered message)"
scripts/load-smoke.sh

step "fuzzing the command and dice parsers (${TABLETALK_FUZZ_SECONDS:-30}s each)"
scripts/fuzz.sh "${TABLETALK_FUZZ_SECONDS:-30}"

step "end-to-end tests (Playwright in Chromium)"
e2e_dir="target/e2e"
rm -rf "$e2e_dir" && mkdir -p "$e2e_dir"
port="${TABLETALK_E2E_PORT:-3100}"
export DATABASE_URL="sqlite://$e2e_dir/tabletalk.db"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
export BASE_URL="http://127.0.0.1:$port"
cargo leptos end-to-end
step "all tests passed"
