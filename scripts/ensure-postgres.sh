#!/usr/bin/env bash
# Makes a local PostgreSQL 15 reachable on 127.0.0.1:5432 with a login role `coordinator`
# (password `coordinator`, CREATEDB) owning a database `coordinator`.
# Idempotent: returns at once when the server answers and that role can log in. Otherwise
# installs the Debian package if missing, creates or starts cluster 15/main (loopback only),
# and creates the role and database when they are missing.
set -euo pipefail

log() { printf '[postgres] %s\n' "$*" >&2; }

PG_VERSION=15
PG_CLUSTER=main
PG_HOST=127.0.0.1
PG_PORT=5432
DB_USER=coordinator
DB_PASSWORD=coordinator
DB_NAME=coordinator

server_up() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2; }
login_ok() {
  PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=2 psql -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" \
    -XAtqc 'select 1' >/dev/null 2>&1
}

conf_dir="/etc/postgresql/${PG_VERSION}/${PG_CLUSTER}"
listen_conf="${conf_dir}/conf.d/90-coordinator-listen.conf"
want_listen="listen_addresses = '${PG_HOST}'"
listen_pinned() { [ "$(cat "$listen_conf" 2>/dev/null)" = "$want_listen" ]; }

if server_up && login_ok && listen_pinned; then
  log "server already up; role and database ${DB_NAME} ready"
  exit 0
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if ! dpkg -s "postgresql-${PG_VERSION}" >/dev/null 2>&1; then
  log "installing postgresql from the Debian package"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  # policy-rc.d keeps the package's own service start out of the way; we start it below.
  as_root apt-get install -y -qq postgresql >/dev/null
fi

if ! pg_lsclusters -h "$PG_VERSION" "$PG_CLUSTER" >/dev/null 2>&1; then
  log "creating cluster ${PG_VERSION}/${PG_CLUSTER}"
  as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null
fi

# Loopback only: nothing we start listens beyond this machine. The Debian postgresql.conf
# includes conf.d/ last, so this drop-in wins over the commented default ('localhost').
if ! listen_pinned; then
  as_root mkdir -p "${conf_dir}/conf.d"
  printf '%s\n' "$want_listen" | as_root tee "$listen_conf" >/dev/null
  as_root chown postgres:postgres "$listen_conf"
  # A running cluster only picks up listen_addresses on restart.
  if as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1; then
    log "restarting cluster ${PG_VERSION}/${PG_CLUSTER} to listen on ${PG_HOST} only"
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart
  fi
fi

if ! as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1; then
  log "starting cluster ${PG_VERSION}/${PG_CLUSTER}"
  as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
fi

# Bounded wait: 120 tries of 0.5 s.
ready=0
for _ in $(seq 1 120); do
  if server_up; then ready=1; break; fi
  sleep 0.5
done
if [ "$ready" -ne 1 ]; then
  log "server did not come up within 60 s; see /var/log/postgresql/postgresql-${PG_VERSION}-${PG_CLUSTER}.log"
  exit 1
fi

# Role and database, created only when missing (psql over the local socket as the postgres OS user).
psql_admin() { as_postgres psql -X -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres -Atq "$@"; }

if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '${DB_USER}'")" != "1" ]; then
  log "creating role ${DB_USER}"
  psql_admin -c "create role ${DB_USER} login createdb password '${DB_PASSWORD}'"
else
  # Keep the documented credentials and rights even if the role was made by hand.
  psql_admin -c "alter role ${DB_USER} login createdb password '${DB_PASSWORD}'"
fi

if [ "$(psql_admin -c "select 1 from pg_database where datname = '${DB_NAME}'")" != "1" ]; then
  log "creating database ${DB_NAME}"
  psql_admin -c "create database ${DB_NAME} owner ${DB_USER}"
fi

if login_ok; then
  log "server up on ${PG_HOST}:${PG_PORT}; role and database ${DB_NAME} ready"
  exit 0
fi
log "server up but ${DB_USER} cannot log in to ${DB_NAME} on ${PG_HOST}:${PG_PORT}; check pg_hba.conf"
exit 1
