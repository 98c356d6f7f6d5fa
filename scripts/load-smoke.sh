#!/usr/bin/env bash
# A short run of the load generator against a fresh Tabletalk: 200 connections in 25 rooms of 8, 200 sends/s
# for 5 seconds with GM-only messages and whispers mixed in. Fails if any message is lost, duplicated,
# delivered to a member who may not see it, or refused. Timings are printed, not asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="target/load-smoke"
rm -rf "$dir" && mkdir -p "$dir"
port="${TABLETALK_SMOKE_PORT:-3150}"
cargo build -q -p server --bin tabletalk -p bench --bin tabletalk-load
db="sqlite://$dir/tabletalk.db"
target/debug/tabletalk seed --database-url "$db" --bench-rooms 25 --bench-members 8 --bench-out "$dir/plan.json"
target/debug/tabletalk serve --database-url "$db" --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done
target/debug/tabletalk-load --target tabletalk --url "ws://127.0.0.1:$port" --plan "$dir/plan.json" \
  --rates 200 --seconds 5 --mixed --server-pid "$server" --check
