#!/usr/bin/env bash
# Run the whole suite. Uses the real PostgreSQL and Redis when they can be started here;
# with REQUIRE_SERVICES=1 (CI) a missing service is an error, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ]; then
  if exports=$(bash scripts/test_services.sh); then
    eval "$exports"
  elif [ "${REQUIRE_SERVICES:-0}" = 1 ]; then
    echo "Services could not be started and REQUIRE_SERVICES=1" >&2
    exit 1
  else
    echo "Running on SQLite without Redis/Chromium: service-bound tests will be skipped." >&2
  fi
fi
export DJANGO_SETTINGS_MODULE=dialogue_portal.settings
# Lint and formatting first: a style slip fails in seconds, not after the whole suite.
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py check
.venv/bin/python manage.py makemigrations --check --dry-run
# The suite runs on tests/settings.py (the portal's settings with a cheap password hasher).
exec .venv/bin/python -m pytest --ds=tests.settings "$@"
