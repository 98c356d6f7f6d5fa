# Sourced by scripts/test.sh (and the benchmarks): a throwaway Redis for this run.
#   redis_start   installs Debian's redis-server and haproxy when missing, starts Redis on a free loopback port
#                 with no persistence in a temporary folder, and exports TABLETALK_REDIS_URL=redis://127.0.0.1:PORT,
#                 TABLETALK_REDIS_SERVER and TABLETALK_HAPROXY (the binaries, for the tests that start Redis
#                 and a balancer themselves: server/tests/integration/chaos.rs)
#   redis_stop    stops it and deletes its folder (also run on exit, with postgres_stop when that is defined)

redis_start() {
  if ! command -v redis-server >/dev/null || ! command -v haproxy >/dev/null; then
    printf '\033[1;34m[redis]\033[0m installing Debian'"'"'s redis-server and haproxy\n'
    local sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server haproxy
  fi
  REDIS_DIR="$(mktemp -d /tmp/tabletalk-redis.XXXXXX)"
  REDIS_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    || { cat "$REDIS_DIR/redis.log"; return 1; }
  for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export TABLETALK_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  TABLETALK_REDIS_SERVER="$(command -v redis-server)"
  TABLETALK_HAPROXY="$(command -v haproxy)"
  export TABLETALK_REDIS_SERVER TABLETALK_HAPROXY
  trap 'redis_stop; declare -F postgres_stop >/dev/null && postgres_stop' EXIT
  printf '\033[1;34m[redis]\033[0m on port %s\n' "$REDIS_PORT"
}

redis_stop() {
  [ -n "${REDIS_DIR:-}" ] && [ -d "$REDIS_DIR" ] || return 0
  [ -f "$REDIS_DIR/redis.pid" ] && kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
  rm -rf "$REDIS_DIR"
  REDIS_DIR=""
}
