#!/usr/bin/env bash
# scripts/bench-cluster.sh: issue 15's side-by-side fan-out comparison, all in one run on this machine, with the
# fan-out plan of bench.sh (1,250 rooms of 8, 10,000 connections, 2,000 sends/s for SECONDS_PER_PHASE, 10 s):
#   ceiling            the bare tokio-tungstenite broadcast, one process
#   tabletalk-sqlite   one instance on its SQLite file
#   tabletalk-pg       one instance on Postgres
#   tabletalk-pg-3     three instances on one Postgres and one Redis bus; each room's members spread over them
#   socketio           one Node process
#   socketio-3         three Node processes joined by @socket.io/redis-adapter (seed 004's deployment)
# BENCH_ONLY="ceiling tabletalk-pg" runs some. The servers (all instances together) run on core 0, the load
# generator on core 1; Postgres and Redis are not pinned. Needs the release builds (bench.sh builds them).
# Reports: target/bench-cluster/NAME.json; "deliveries between instances" in the load generator's output is the
# cross-instance latency.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-cluster; mkdir -p $out
ulimit -n "$(ulimit -Hn)"
. scripts/postgres.sh
. scripts/redis.sh
POSTGRES_OPTIONS="-c shared_buffers=1GB -c max_wal_size=8GB" postgres_start
redis_start
(cd bench/socketio && npm ci --no-audit --no-fund --silent)
seconds="${SECONDS_PER_PHASE:-10}"
pids=()
stop_all() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true; pids=(); }
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on $1" >&2; return 1; }
urls() { local list=""; for port in "$@"; do list+="${list:+,}ws://127.0.0.1:$port"; done; echo "$list"; }

# tabletalk NAME DATABASE_URL INSTANCES: seeds the plan into the database, starts the instances, runs the load.
tabletalk() {
  local name="$1" url="$2" count="$3" ports=() redis=()
  target/release/tabletalk seed --database-url "$url" --bench-rooms 1250 --bench-members 8 --bench-out $out/plan-$name.json >/dev/null
  [ "$count" -gt 1 ] && redis=(--redis-url "$TABLETALK_REDIS_URL" --redis-namespace "bench-$name")
  for index in $(seq 0 $((count - 1))); do
    LEPTOS_SITE_ROOT=target/site taskset -c 0 target/release/tabletalk serve --database-url "$url" \
      --addr "127.0.0.1:$((3200 + index))" --max-sockets-per-ip 0 "${redis[@]}" >$out/$name-$index.log 2>&1 &
    pids+=("$!"); ports+=("$((3200 + index))")
  done
  for port in "${ports[@]}"; do wait_port "$port"; done
  load "$name" tabletalk "$(urls "${ports[@]}")" --plan $out/plan-$name.json --window 1
}
socketio() {
  local name="$1" count="$2" ports=()
  for index in $(seq 0 $((count - 1))); do
    if [ "$count" -gt 1 ]; then REDIS_URL="$TABLETALK_REDIS_URL" taskset -c 0 node bench/socketio/server.js $((3400 + index)) >$out/$name-$index.log 2>&1 &
    else taskset -c 0 node bench/socketio/server.js $((3400 + index)) >$out/$name-$index.log 2>&1 & fi
    pids+=("$!"); ports+=("$((3400 + index))")
  done
  for port in "${ports[@]}"; do wait_port "$port"; done
  load "$name" socketio "$(urls "${ports[@]}")" --rooms 1250 --members 8
}
ceiling() {
  taskset -c 0 target/release/ws-ceiling 127.0.0.1:3300 >$out/ceiling.log 2>&1 &
  pids+=("$!"); wait_port 3300
  load ceiling ceiling ws://127.0.0.1:3300 --rooms 1250 --members 8
}
load() {
  local name="$1" target="$2" url="$3"; shift 3
  printf '\033[1;34m[bench-cluster]\033[0m %s\n' "$name"
  taskset -c 1 target/release/tabletalk-load --target "$target" --url "$url" --rates 2000 --seconds "$seconds" \
    --connect-concurrency 256 --json $out/$name.json "$@" | grep -E "^phase|^deliveries|^sent" || true
  stop_all
}
wanted() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }
database() { psql -q "$TABLETALK_POSTGRES_ADMIN" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; echo "${TABLETALK_POSTGRES_ADMIN%/*}/$1"; }

wanted ceiling && ceiling
if wanted tabletalk-sqlite; then rm -rf $out/sqlite && mkdir -p $out/sqlite && tabletalk tabletalk-sqlite "sqlite://$out/sqlite/t.db" 1; fi
wanted tabletalk-pg && tabletalk tabletalk-pg "$(database bench_one)" 1
wanted tabletalk-pg-3 && tabletalk tabletalk-pg-3 "$(database bench_three)" 3
wanted socketio && socketio socketio 1
wanted socketio-3 && socketio socketio-3 3
trap 'stop_all; redis_stop; postgres_stop' EXIT
