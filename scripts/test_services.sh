#!/usr/bin/env bash
# Install (when missing) and start the real services the tests use, on loopback only:
# PostgreSQL 15, Redis and Debian's Chromium; nginx is installed, not started (the production-
# recipe tests run a private one). Prints `export ...` lines for the caller to eval.
# Needs root (apt-get, pg_ctlcluster); prints nothing and exits 1 when it cannot.
set -uo pipefail
log() { echo "[services] $*" >&2; }

if [ "$(id -u)" != 0 ]; then log "not root: cannot install or start services"; exit 1; fi

missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The production recipe's checks: nginx -t, systemd-analyze verify, a self-signed certificate.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v openssl >/dev/null || missing+=(openssl)
# Fonts so that Vietnamese text renders in screenshots.
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/dp-apt.log 2>&1 || { log "apt-get failed"; exit 1; }
fi

# PostgreSQL: the Debian cluster listens on localhost only by default.
ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
if [ -z "$ver" ]; then log "no PostgreSQL cluster"; exit 1; fi
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  pg_ctlcluster "$ver" main start >&2 || { log "PostgreSQL did not start"; exit 1; }
fi
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='portal'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE portal LOGIN PASSWORD 'portal' CREATEDB\"" >&2
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='portal'\"" | grep -q 1 ||
  su postgres -c "createdb -O portal portal" >&2

# A streaming replica of that cluster on loopback (a second PostgreSQL cluster, port 5433), for
# the tests of the read-only report work on replicas (tests/reports/test_replica.py).
replica_port=${REPLICA_PORT:-5433}
replica_dir=/var/lib/postgresql/$ver/replica
bin=/usr/lib/postgresql/$ver/bin
psql_main() { su postgres -c "psql -p 5432 -qtAc \"$1\""; }
if [ "$(psql_main 'SHOW wal_level')" = minimal ]; then
  log "wal_level=replica (restarting the primary)"
  psql_main "ALTER SYSTEM SET wal_level = replica" >&2
  pg_ctlcluster "$ver" main restart >&2
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
fi
psql_main "SELECT 1 FROM pg_roles WHERE rolname='replicator'" | grep -q 1 ||
  psql_main "CREATE ROLE replicator LOGIN REPLICATION PASSWORD 'replicator'" >&2
# The replica tests pause and resume the replay to show a lagging replica: granted on the
# primary (streamed to the replica) in template1, so the test databases have it too.
for db in template1 portal; do
  su postgres -c "psql -p 5432 -d $db -qc 'GRANT EXECUTE ON FUNCTION pg_wal_replay_pause(), pg_wal_replay_resume() TO portal'" >&2
done
hba=$(psql_main 'SHOW hba_file')
if ! grep -qE '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|replicator)[[:space:]]+127\.0\.0\.1/32' "$hba"; then
  echo "host replication replicator 127.0.0.1/32 scram-sha-256" >>"$hba"
  psql_main "SELECT pg_reload_conf()" >/dev/null
fi
replica_psql() { su postgres -c "psql -p $replica_port -qtAc \"$1\"" 2>/dev/null; }
replica_build() {
  log "pg_basebackup -R into $replica_dir"
  rm -rf "$replica_dir"
  su postgres -c "PGPASSWORD=replicator $bin/pg_basebackup -h 127.0.0.1 -p 5432 -U replicator -D $replica_dir -R -X stream -c fast" >&2 ||
    { log "pg_basebackup failed"; exit 1; }
  # Debian keeps the configuration outside the data directory: the replica gets its own.
  cat >"$replica_dir/postgresql.conf" <<CONF
port = $replica_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
hba_file = '$replica_dir/pg_hba.conf'
ident_file = '$replica_dir/pg_ident.conf'
hot_standby = on
# Long report queries are not cancelled by the primary's vacuum.
hot_standby_feedback = on
max_standby_streaming_delay = 30s
CONF
  printf 'local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n' >"$replica_dir/pg_hba.conf"
  : >"$replica_dir/pg_ident.conf"
  chown postgres:postgres "$replica_dir"/*.conf
}
replica_start() {
  su postgres -c "$bin/pg_ctl -D $replica_dir -l /var/log/postgresql/postgresql-$ver-replica.log -w start" >&2 ||
    { log "the replica did not start"; exit 1; }
}
# Streaming, not merely in recovery: a replica left from an earlier run (a stopped machine) may
# need WAL the primary has since recycled; it is then built again from a fresh base backup.
replica_streaming() {
  for _ in $(seq 1 "$1"); do
    [ "$(replica_psql 'SELECT status FROM pg_stat_wal_receiver')" = streaming ] && return 0
    sleep 1
  done
  return 1
}
if ! su postgres -c "$bin/pg_ctl -D $replica_dir status" >/dev/null 2>&1; then
  [ -f "$replica_dir/standby.signal" ] || replica_build
  replica_start
fi
if ! replica_streaming 30; then
  log "the replica on port $replica_port does not stream: building it again"
  su postgres -c "$bin/pg_ctl -D $replica_dir -m fast -w stop" >&2 || true
  replica_build
  replica_start
  replica_streaming 60 || { log "no streaming replica on port $replica_port"; exit 1; }
fi
[ "$(replica_psql 'SELECT pg_is_in_recovery()')" = t ] || { log "port $replica_port is not a replica"; exit 1; }

# Redis on loopback, no persistence.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >&2
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

echo "export DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal"
echo "export DATABASE_REPLICA_URL=postgres://portal:portal@127.0.0.1:$replica_port/portal"
echo "export REDIS_URL=redis://127.0.0.1:6379/0"
echo "export CHROMIUM_PATH=/usr/bin/chromium"
