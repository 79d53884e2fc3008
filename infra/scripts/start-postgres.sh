#!/usr/bin/env bash
# Starts the local PostgreSQL 15 cluster and makes sure the opowerstream role and database exist.
# For a fresh Debian 12 machine run as root (CI too); installs PostgreSQL from apt when missing.
# Idempotent: safe when the cluster already runs, when run twice, and when two runs overlap.
# Prints the connection string on stdout (and nothing else there); progress goes to stderr.
set -euo pipefail

readonly PG_VERSION=15
readonly PG_CLUSTER=main
readonly APP_ROLE=opowerstream
readonly APP_PASSWORD=opowerstream
readonly APP_DATABASE=opowerstream

log() { echo "start-postgres: $*" >&2; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres "$@"
  fi
}

# Test processes may run this script at the same time: serialize the whole script.
exec 9>/tmp/opowerstream-start-postgres.lock
flock 9

if [ ! -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ]; then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when apt does not know the package yet.
  if ! apt-get install -y --no-install-recommends postgresql >&2; then
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
  fi
fi

if ! pg_lsclusters --no-header | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} ${PG_CLUSTER}"; then
  log "creating cluster ${PG_VERSION}/${PG_CLUSTER}"
  pg_createcluster "${PG_VERSION}" "${PG_CLUSTER}" >&2
fi

if ! pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" status >/dev/null 2>&1; then
  log "starting cluster ${PG_VERSION}/${PG_CLUSTER}"
  # 9>&-: the server must not inherit the lock, or it holds it for its lifetime and every later
  # run of this script (each test process runs it) waits forever.
  pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" start >&2 9>&-
fi

for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    break
  fi
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p 5432 >&2

as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres >&2 <<SQL
SELECT 'CREATE ROLE ${APP_ROLE}' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}')\gexec
ALTER ROLE ${APP_ROLE} WITH LOGIN CREATEDB PASSWORD '${APP_PASSWORD}';
SELECT 'CREATE DATABASE ${APP_DATABASE} OWNER ${APP_ROLE}'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${APP_DATABASE}')\gexec
SQL

echo "Host=127.0.0.1;Port=5432;Username=${APP_ROLE};Password=${APP_PASSWORD};Database=${APP_DATABASE}"
