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

# Redis on loopback, no persistence.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >&2
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi

echo "export DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal"
echo "export REDIS_URL=redis://127.0.0.1:6379/0"
echo "export CHROMIUM_PATH=/usr/bin/chromium"
