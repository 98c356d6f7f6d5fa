# Sourced by scripts/test.sh (and the benchmarks): a throwaway Postgres 15 cluster for this run.
#   postgres_start   installs Debian's postgresql when missing, starts a cluster in a temporary folder on a free
#                    port as the `postgres` user (Postgres refuses to run as root), and exports
#                    TABLETALK_POSTGRES_ADMIN=postgres://postgres@127.0.0.1:PORT/postgres
#   postgres_stop    stops it and deletes its folder (also run on exit by postgres_start's trap)

postgres_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

postgres_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

postgres_start() {
  if [ -z "$(postgres_bin)" ] || [ ! -x "$(postgres_bin)/postgres" ]; then
    printf '\033[1;34m[postgres]\033[0m installing Debian'"'"'s postgresql\n'
    local sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql
  fi
  local bin; bin="$(postgres_bin)"
  POSTGRES_DIR="$(mktemp -d /tmp/tabletalk-pg.XXXXXX)"
  POSTGRES_PORT="$(postgres_free_port)"
  local as_postgres=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$POSTGRES_DIR"
    as_postgres=(runuser -u postgres --)
  fi
  "${as_postgres[@]}" "$bin/initdb" -D "$POSTGRES_DIR/data" -U postgres --auth=trust -E UTF8 >"$POSTGRES_DIR/initdb.log" 2>&1 \
    || { cat "$POSTGRES_DIR/initdb.log"; return 1; }
  # A test run opens a database per test, many at once; durability is not what these clusters are for, but
  # the benchmarks' figures are taken with fsync on (scripts/bench.sh passes its own settings).
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/server.log" -w -t 60 \
    -o "-p $POSTGRES_PORT -k $POSTGRES_DIR -c listen_addresses=127.0.0.1 -c max_connections=800 ${POSTGRES_OPTIONS:-}" start >/dev/null \
    || { cat "$POSTGRES_DIR/server.log"; return 1; }
  export TABLETALK_POSTGRES_ADMIN="postgres://postgres@127.0.0.1:$POSTGRES_PORT/postgres"
  trap postgres_stop EXIT
  printf '\033[1;34m[postgres]\033[0m cluster on port %s in %s\n' "$POSTGRES_PORT" "$POSTGRES_DIR"
}

postgres_stop() {
  [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR/data" ] || return 0
  local as_postgres=()
  [ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)
  "${as_postgres[@]}" "$(postgres_bin)/pg_ctl" -D "$POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$POSTGRES_DIR"
  POSTGRES_DIR=""
}
