#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md: each scenario against Tabletalk (release build, SQLite, every send
# committed before its ack), the Socket.IO room broadcast (bench/socketio) and the bare tokio-tungstenite
# ceiling (ws-ceiling), with the server pinned to one core and the load generator to the other (taskset).
#
#   scripts/bench.sh                 # every scenario
#   scripts/bench.sh fanout bigroom  # some: fanout bigroom durable connections history page
#
# SECONDS_PER_PHASE (default 10 for fanout, 5 per ramp step) shortens or lengthens runs; BENCH_TARGETS (say
# "tabletalk") runs only some of the servers. Results (JSON) go to
# target/bench/; a summary table is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
ulimit -n "$(ulimit -Hn)"
out="target/bench"
mkdir -p "$out"
server_core="${BENCH_SERVER_CORE:-0}"
load_core="${BENCH_LOAD_CORE:-1}"
step() { printf '\033[1;34m[bench]\033[0m %s\n' "$*"; }

step "building (release): the site, the server, the load generator and the ceiling"
cargo leptos build --release
cargo build --release -p bench
(cd bench/socketio && npm ci --no-audit --no-fund --silent)

server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT

wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# start_tabletalk ROOMS MEMBERS [HISTORY]: a fresh database seeded with a load plan (and BACKLOG older messages
# in every room), then the server.
start_tabletalk() {
  local dir="$out/tabletalk-db"
  rm -rf "$dir" && mkdir -p "$dir"
  target/release/tabletalk seed --database-url "sqlite://$dir/t.db" --bench-rooms "$1" --bench-members "$2" \
    --bench-history "${3:-0}" --bench-backlog "${BACKLOG:-0}" --bench-out "$out/plan.json" >/dev/null
  LEPTOS_SITE_ROOT=target/site taskset -c "$server_core" target/release/tabletalk serve \
    --database-url "sqlite://$dir/t.db" --addr 127.0.0.1:3200 --max-sockets-per-ip 0 >"$out/tabletalk.log" 2>&1 &
  server_pid=$!
  wait_port 3200
}
start_socketio() {
  taskset -c "$server_core" node bench/socketio/server.js 3400 >"$out/socketio.log" 2>&1 &
  server_pid=$!
  wait_port 3400
}
start_ceiling() {
  taskset -c "$server_core" target/release/ws-ceiling 127.0.0.1:3300 >"$out/ceiling.log" 2>&1 &
  server_pid=$!
  wait_port 3300
}

# load NAME TARGET ARGS...: one load-generator run, its report printed and kept as JSON.
load() {
  local name="$1" target="$2"
  shift 2
  local url
  case "$target" in
    # One send unanswered per socket, as the browser keeps its outbox.
    tabletalk) url="ws://127.0.0.1:3200"; set -- --plan "$out/plan.json" --window 1 "$@" ;;
    socketio) url="ws://127.0.0.1:3400" ;;
    ceiling) url="ws://127.0.0.1:3300" ;;
  esac
  step "$name: $target"
  taskset -c "$load_core" target/release/tabletalk-load --target "$target" --url "$url" \
    --server-pid "$server_pid" --json "$out/$name-$target.json" "$@" || true
  stop_server
}

# every_target NAME ROOMS MEMBERS ARGS...: each target of BENCH_TARGETS (default: all three) in turn.
targets="${BENCH_TARGETS:-tabletalk socketio ceiling}"
every_target() {
  local name="$1" rooms="$2" members="$3"
  shift 3
  if [[ " $targets " == *" tabletalk "* ]]; then
    start_tabletalk "$rooms" "$members"
    load "$name" tabletalk "$@"
  fi
  if [[ " $targets " == *" socketio "* ]]; then
    start_socketio
    load "$name" socketio --rooms "$rooms" --members "$members" "$@"
  fi
  if [[ " $targets " == *" ceiling "* ]]; then
    start_ceiling
    load "$name" ceiling --rooms "$rooms" --members "$members" "$@"
  fi
}

fanout() {
  every_target fanout 1250 8 --rates 2000 --seconds "${SECONDS_PER_PHASE:-10}" --connect-concurrency 256
}
bigroom() {
  every_target bigroom 1 1000 --rates 40,80,120,160,200,240,280,320 --seconds "${SECONDS_PER_PHASE:-5}"
}
# From 200 older messages in each room: a fresh database is faster than the tables of a table in use
# (BENCHMARKS.md), and the ramp ends at about three times what the writer sustains.
durable() {
  BACKLOG=200 every_target durable 2500 2 --rates 5000,10000,20000,30000,36000 --seconds "${SECONDS_PER_PHASE:-5}" --drain-seconds 90 \
    --connect-concurrency 256
}
connections() {
  every_target connections 2375 8 --rates 100 --seconds "${SECONDS_PER_PHASE:-5}" --connect-concurrency 256
}
history() {
  start_tabletalk 1 8 1000000
  load history tabletalk --rates 10 --seconds 1 --history 2000
  step "history: server time of a page (inside the server process, no network)"
  taskset -c "$server_core" cargo bench -p server --bench history | tee "$out/history-server.txt"
}
page() {
  step "page: release .wasm size and time until a loaded page is live"
  local wasm
  wasm="$(ls target/site/pkg/*.wasm | head -1)"
  printf '{"wasm_bytes": %s, "wasm_gzip_bytes": %s}\n' "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)" \
    >"$out/page-wasm.json"
  cat "$out/page-wasm.json"
  local dir="$out/page-db"
  rm -rf "$dir" && mkdir -p "$dir"
  target/release/tabletalk seed --database-url "sqlite://$dir/t.db" --demo >/dev/null
  LEPTOS_SITE_ROOT=target/site taskset -c "$server_core" target/release/tabletalk serve \
    --database-url "sqlite://$dir/t.db" --addr 127.0.0.1:3200 --max-sockets-per-ip 0 >"$out/page.log" 2>&1 &
  server_pid=$!
  wait_port 3200
  (cd end2end && BASE_URL=http://127.0.0.1:3200 taskset -c "$load_core" node bench/page_live.mjs) \
    | tee "$out/page-live.json"
  stop_server
}

scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(fanout bigroom durable connections history page)
for scenario in "${scenarios[@]}"; do
  "$scenario"
done
node bench/summary.js "$out"
