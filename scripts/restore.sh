#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an EMPTY database (create it first:
# `createdb -O portal portal_restored`), then point DATABASE_URL at it.
#   scripts/restore.sh DUMP_FILE TARGET_DATABASE_URL [MEDIA_TARBALL MEDIA_ROOT]
set -euo pipefail
dump=${1:?dump file}
target=${2:?target database URL}
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$target" "$dump"
if [ $# -ge 4 ]; then mkdir -p "$4" && tar -C "$4" -xzf "$3"; fi
echo "restored $dump"
