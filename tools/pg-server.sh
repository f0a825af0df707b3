#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks, on 127.0.0.1 only.
#   tools/pg-server.sh start DIR   creates a cluster in DIR (initdb as the postgres user when run
#                                  as root: initdb refuses root), starts it on a free port with
#                                  max_prepared_transactions > 0, creates role scott / database
#                                  test, and prints the URL: postgresql://scott:tiger@127.0.0.1:P/test
#   tools/pg-server.sh stop DIR    stops it (fast shutdown) and removes DIR.
# Needs Debian's postgresql package (tools/install-deps.sh test installs it).
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "pg-server.sh: no PostgreSQL server installed" >&2; exit 1; }

# Runs a server binary as the owner of the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(free_port)
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_prepared_transactions = 20
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    # Password logins over TCP (so the password really travels), trust on the socket for setup.
    cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 scram-sha-256
EOF
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bindir/psql" -q -h "$dir" -p "$port" -U postgres -d postgres \
      -v ON_ERROR_STOP=1 >/dev/null <<EOF
CREATE ROLE scott LOGIN SUPERUSER PASSWORD 'tiger';
CREATE DATABASE test OWNER scott;
EOF
    echo "postgresql://scott:tiger@127.0.0.1:$port/test"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
