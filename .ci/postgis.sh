#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS 3 cluster for the PostGIS store tests.
#
#   eval "$(bash .ci/postgis.sh start)"   # installs if needed, starts, exports BRANDMAP_TEST_POSTGIS
#   bash .ci/postgis.sh url               # prints the export line again
#   bash .ci/postgis.sh status            # exit 0 when the cluster answers
#   bash .ci/postgis.sh stop              # stops the cluster and removes its files
#
# Every command is idempotent. The cluster listens on 127.0.0.1 only (port 54329 unless
# BRANDMAP_POSTGIS_PORT says otherwise) and on a socket inside its own directory; it holds one
# role and one database, both named brandmap_test, with the postgis extension. Only the
# `export ...` line goes to standard output; progress goes to standard error.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PORT="${BRANDMAP_POSTGIS_PORT:-54329}"
BASE="${BRANDMAP_POSTGIS_DIR:-${TMPDIR:-/tmp}/brandmap-postgis-$PORT}"
DATA="$BASE/data"
SOCKET="$BASE/run"
LOG="$BASE/server.log"
NAME=brandmap_test
PASSWORD=brandmap_test
URL="postgresql://$NAME:$PASSWORD@127.0.0.1:$PORT/$NAME"

say() { echo "postgis.sh: $*" >&2; }

# Run a command as the cluster owner: postgres when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_packages() {
  if [ -x "$PG_BIN/initdb" ] && [ -f /usr/share/postgresql/15/extension/postgis.control ]; then
    return
  fi
  [ "$(id -u)" -eq 0 ] || { say "postgresql-15-postgis-3 is missing and we are not root"; exit 1; }
  say "installing postgresql-15-postgis-3"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 >&2
}

running() {
  [ -f "$DATA/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_owner() {
  as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET" -p "$PORT" -U postgres "$@"
}

init_cluster() {
  say "creating a cluster in $BASE"
  rm -rf "$BASE"
  mkdir -p "$DATA" "$SOCKET"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$BASE"
  chmod 700 "$DATA"
  as_owner "$PG_BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 \
    || { cat "$BASE/initdb.log" >&2; exit 1; }
  cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKET'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

create_database() {
  psql_owner -d postgres <<EOF
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$NAME', '$PASSWORD')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$NAME') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$NAME', '$NAME')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$NAME') \gexec
EOF
  psql_owner -d "$NAME" -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS postgis"
}

start() {
  install_packages
  if ! running; then
    [ -f "$DATA/PG_VERSION" ] || init_cluster
    say "starting PostgreSQL on 127.0.0.1:$PORT"
    as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >&2 \
      || { cat "$LOG" >&2; exit 1; }
  fi
  create_database
  echo "export BRANDMAP_TEST_POSTGIS=$URL"
}

stop() {
  if running; then
    say "stopping PostgreSQL on port $PORT"
    as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
  fi
  rm -rf "$BASE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "export BRANDMAP_TEST_POSTGIS=$URL" ;;
  status) running ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
