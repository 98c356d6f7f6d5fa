#!/usr/bin/env bash
# Playwright across instances (issue 15): three `tabletalk serve` processes on one throwaway Postgres and one
# throwaway Redis, behind HAProxy, and end2end/cluster/ driven through the balancer. Called by scripts/test.sh
# after the single-instance end-to-end run, whose build (target/debug/tabletalk, target/site) it reuses.
set -euo pipefail
cd "$(dirname "$0")/.."
# The server as cargo-leptos builds it (it names the site's files); up to date after the single-instance run.
RUST_BACKTRACE=0 cargo leptos build 2>&1 | tail -3
. scripts/postgres.sh
. scripts/redis.sh
postgres_start
redis_start
dir="target/e2e-cluster"
rm -rf "$dir" && mkdir -p "$dir"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

database="tt_e2e_cluster"
psql -q "$TABLETALK_POSTGRES_ADMIN" -c "CREATE DATABASE $database"
database_url="${TABLETALK_POSTGRES_ADMIN%/*}/$database"
target/debug/tabletalk migrate --database-url "$database_url" >/dev/null

pids=()
servers=""
for index in 0 1 2; do
  port="$(free_port)"
  DATABASE_URL="$database_url" REDIS_URL="$TABLETALK_REDIS_URL" TABLETALK_REDIS_NAMESPACE=e2e \
    LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=tabletalk TABLETALK_MAX_SOCKETS_PER_IP=0 \
    target/debug/tabletalk serve --addr "127.0.0.1:$port" >"$dir/instance-$index.log" 2>&1 &
  pids+=("$!")
  servers+="    server i$index 127.0.0.1:$port check inter 200ms fall 1 rise 1
"
done
front="$(free_port)"
# docs/deploy.md's balancer, plus `tt_pin`: a browser whose cookie names an instance goes to it while it is up
# (HAProxy ignores use-server for a server that is down), so each person of a story sits where it needs them.
cat >"$dir/haproxy.cfg" <<CONFIG
defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    retries 3
    option redispatch
frontend players
    bind 127.0.0.1:$front
    default_backend tabletalk
backend tabletalk
    balance roundrobin
    option httpchk GET /readyz
    http-response set-header X-Served-By %s
    use-server i0 if { req.cook(tt_pin) -m str i0 }
    use-server i1 if { req.cook(tt_pin) -m str i1 }
    use-server i2 if { req.cook(tt_pin) -m str i2 }
$servers
CONFIG
haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
pids+=("$!")
trap 'kill "${pids[@]}" 2>/dev/null || true; redis_stop; postgres_stop' EXIT

for _ in $(seq 1 150); do
  ready=0
  for index in 0 1 2; do
    grep -q "Tabletalk listening\|Tabletalk is running" "$dir/instance-$index.log" 2>/dev/null && ready=$((ready + 1))
  done
  [ "$ready" = 3 ] && break
  sleep 0.2
done
sleep 1 # HAProxy's first checks
export BASE_URL="http://127.0.0.1:$front"
export TABLETALK_CLUSTER_PIDS="${pids[*]:0:3}"
if ! (cd end2end && npx playwright test --config playwright.cluster.config.ts); then
  for index in 0 1 2; do echo "--- instance $index"; tail -20 "$dir/instance-$index.log"; done
  exit 1
fi
