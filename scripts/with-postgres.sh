#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at PostgreSQL 15.
# Uses FUPIN_TEST_PG_URL when a server answers there; otherwise starts a throw-away
# cluster under var/pgdata on a private port and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# A port of this checkout's own (from its path), so that two checkouts on one machine never
# share, or stop, each other's throw-away cluster.
PORT=${FUPIN_TEST_PG_PORT:-$((54000 + $(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 900))}
URL=${FUPIN_TEST_PG_URL:-postgres://postgres@127.0.0.1:$PORT/fupin}

pg_bin() {
  for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
    if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

answers() {
  "$BIN/pg_isready" -q -d "$URL" >/dev/null 2>&1
}

if ! BIN=$(pg_bin); then
  if [ "$(id -u)" = 0 ]; then
    echo "fupin: installing PostgreSQL 15 from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql-15 >/dev/null
    BIN=$(pg_bin)
  else
    echo "fupin: PostgreSQL 15 is not installed (apt-get install postgresql-15)" >&2
    exit 1
  fi
fi

started=""
as_owner=()
if ! answers; then
  DATA=$ROOT/var/pgdata
  mkdir -p "$ROOT/var"
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    as_owner=(runuser -u postgres --)
  fi
  if [ ! -s "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"; mkdir -p "$DATA"
    [ ${#as_owner[@]} -eq 0 ] || chown postgres "$DATA"
    "${as_owner[@]}" "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  [ ${#as_owner[@]} -eq 0 ] || chown -R postgres "$DATA"
  # Durability settings are off: this cluster only ever holds test databases.
  "${as_owner[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c max_wal_size=4GB" \
    start >/dev/null
  started=$DATA
  trap '"${as_owner[@]}" "$BIN/pg_ctl" -D "$started" -m fast -w stop >/dev/null' EXIT
fi

echo "fupin: PostgreSQL at ${URL%%@*}@${URL#*@}" >&2
DATABASE_URL=$URL "$@"
