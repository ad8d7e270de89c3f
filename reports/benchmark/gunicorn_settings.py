"""Settings of the benchmark's gunicorn: the project's own, DEBUG off, except that static URLs
are not resolved through the collectstatic manifest (its post-processing currently stops on
chart.js's missing source map; the pages measured are the same)."""

from dialogue_portal.settings import *  # noqa: F401,F403
from dialogue_portal.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
