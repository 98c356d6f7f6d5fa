#!/usr/bin/env bash
# scripts/bench-one.sh BINARY NAME fanout|durable: one Tabletalk run of the fan-out or durable plan of bench.sh with the
# given server binary (built beforehand, e.g. from an older commit), for alternating A/B runs on the same
# machine. Needs the release load generator (cargo build --release -p bench) and target/site. Reports go to
# target/bench-ab/NAME-SCENARIO.json. Each socket keeps one send unanswered, as the browser does (BENCH_WINDOW=0:
# every send on the wire at its time). Durable: BENCH_RATES (the ramp), BENCH_SECONDS (per step, default 5) and
# BENCH_BACKLOG (older messages seeded in every room first, default 200, where the binary can seed them).
# BENCH_CHANGES=20 makes a fifth of the sends edits and reactions to the sender's last message instead.
# BENCH_TYPING=2 makes 2% of the connections say they are typing every 1.25 s besides.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$1"; name="$2"; scenario="$3"
out=target/bench-ab; mkdir -p $out
dir=$out/db-$name; rm -rf $dir; mkdir -p $dir
ulimit -n "$(ulimit -Hn)"
if [ "$scenario" = fanout ]; then rooms=1250; members=8; args="--rates 2000 --seconds 10 --connect-concurrency 256"; else rooms=2500; members=2; args="--rates ${BENCH_RATES:-5000,10000,20000,30000,36000} --seconds ${BENCH_SECONDS:-5} --drain-seconds 90 --connect-concurrency 256"; fi
# BENCH_DATABASE=postgres runs the server on a throwaway Postgres cluster (scripts/postgres.sh; fsync and
# synchronous_commit on, as a primary runs) instead of its SQLite file.
url="sqlite://$dir/t.db"
if [ "${BENCH_DATABASE:-sqlite}" = postgres ]; then
  . scripts/postgres.sh
  POSTGRES_OPTIONS="-c shared_buffers=1GB -c max_wal_size=8GB" postgres_start
  psql "$TABLETALK_POSTGRES_ADMIN" -qc "CREATE DATABASE bench" >/dev/null
  url="${TABLETALK_POSTGRES_ADMIN%/postgres}/bench"
fi
backlog=""; [ "$scenario" = durable ] && $bin seed --help | grep -q bench-backlog && backlog="--bench-backlog ${BENCH_BACKLOG:-200}"
$bin seed --database-url "$url" --bench-rooms $rooms --bench-members $members $backlog --bench-out $out/plan-$name.json >/dev/null
extra=""; $bin serve --help | grep -q max-sockets-per-ip && extra="--max-sockets-per-ip 0"
LEPTOS_SITE_ROOT=target/site taskset -c 0 $bin serve --database-url "$url" --addr 127.0.0.1:3200 $extra >$out/$name.log 2>&1 &
pid=$!
for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/3200) 2>/dev/null && break; sleep 0.1; done
# The server's CPU use, one line a second (percent of one core), to tell a busy server from an idle one.
(while kill -0 $pid 2>/dev/null; do read -r -a f </proc/$pid/stat || break; echo "$(date +%s) $((${f[13]} + ${f[14]}))"; sleep 1; done >$out/$name-cpu.ticks) &
# The load generator's too: a generator at a full core is measuring itself, not the server.
(sleep 2; g=$(pgrep -n -f "tabletalk-load --target tabletalk --url ws://127.0.0.1:3200" || true); [ -n "$g" ] || exit 0
 while kill -0 $g 2>/dev/null; do read -r -a f </proc/$g/stat || break; echo "$(date +%s) $((${f[13]} + ${f[14]}))"; sleep 1; done >$out/$name-load-cpu.ticks) &
taskset -c 1 target/release/tabletalk-load --target tabletalk --url ws://127.0.0.1:3200 --plan $out/plan-$name.json --server-pid $pid --json $out/$name-$scenario.json --window ${BENCH_WINDOW:-1} ${BENCH_CHANGES:+--changes $BENCH_CHANGES} ${BENCH_TYPING:+--typing $BENCH_TYPING} $args | grep -E "^phase|^sent|^typing"
kill $pid; wait $pid 2>/dev/null || true
