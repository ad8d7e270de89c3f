#!/usr/bin/env bash
# Back up the portal: a PostgreSQL custom-format dump plus the uploaded documents.
#   DATABASE_URL=postgres://... MEDIA_ROOT=var/media scripts/backup.sh [DEST_DIR]
# Restore with scripts/restore.sh. Run it daily from cron and copy DEST_DIR off the machine.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must point to the PostgreSQL database}"
dest=${1:-var/backups}
media=${MEDIA_ROOT:-var/media}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/portal-$stamp.dump" "$DATABASE_URL"
if [ -d "$media" ]; then tar -C "$media" -czf "$dest/media-$stamp.tar.gz" .; fi
echo "$dest/portal-$stamp.dump"
