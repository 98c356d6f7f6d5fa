#!/usr/bin/env bash
# Runs each fuzz target of fuzz/ (the command and dice parsers) for a bounded time; fails on any panic or
# broken round trip. Stable Rust: no sanitizer (`-s none`), libFuzzer's coverage guidance only.
# Usage: scripts/fuzz.sh [seconds per target, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
cd fuzz
log="../target/fuzz/last-run.log"
mkdir -p ../target/fuzz
for target in command_parser dice_parser; do
  echo "[fuzz] $target for ${seconds}s"
  if ! cargo fuzz run "$target" -s none --target-dir ../target/fuzz -- -max_total_time="$seconds" >"$log" 2>&1; then
    tail -40 "$log"
    echo "[fuzz] $target failed (a crash input, if any, is in fuzz/artifacts/$target)"
    exit 1
  fi
  grep -E "^Done" "$log"
done
