#!/usr/bin/env bash
# Installs every tool Tabletalk needs to build, run and test, when it is missing.
# Idempotent: a second run only checks versions. Called by scripts/run.sh and scripts/test.sh.
# Why each pin: see ../shared/TOOLCHAIN.md and docs/toolchain.md.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
CARGO_FUZZ_VERSION=0.13.2
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=..."` pin in Cargo.toml
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

# cargo-leptos orchestrates only (cargo, wasm-bindgen, tailwind do the work), so a debug build of it
# is as fast in use and builds in a third of the time of a release build.
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (several minutes on a cold machine)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --debug --features no_downloads
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
# The parsers' fuzz targets (scripts/fuzz.sh) run in the test command; cargo-fuzz works on stable with -s none.
if [ "${TABLETALK_NEED_BROWSER:-0}" = 1 ] && ! command -v cargo-fuzz >/dev/null; then
  step "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

if [ "${TABLETALK_NEED_BROWSER:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  step "installing Debian's chromium for the browser tests"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium
fi

# The event stream's tests (server/tests/integration/event_stream.rs) start a NATS JetStream broker of their own.
if [ "${TABLETALK_NEED_BROWSER:-0}" = 1 ] && ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ]; then
  step "installing Debian's nats-server for the event stream tests"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nats-server
fi

# Tailwind CLI and wasm-opt (binaryen) come from npm; cargo-leptos finds them in node_modules/.bin.
# `npm install`, not `npm ci`: the registry these machines reach carries only the Linux builds of Tailwind's
# native engine, so the lock lists only those and `npm ci` rejects it as incomplete. `npm install` keeps the
# locked versions; `--no-save` keeps it from writing the other platforms' Tailwind builds into the lock.
if [ ! -x node_modules/.bin/tailwindcss ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages (tailwind, binaryen)"
  npm install --no-audit --no-fund --no-save
fi
if [ "${TABLETALK_NEED_BROWSER:-0}" = 1 ]; then
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    step "installing Playwright (no browser download: we use /usr/bin/chromium)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
step "tools ready"
