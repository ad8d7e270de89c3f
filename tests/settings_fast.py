"""Fast settings for test runs that start many pytest sessions (``make mutation``): SQLite in
memory, migrated once per set of migrations (``tests.fastdb``), and a cheap password hasher for
the factories' users. Everything else is the portal's own settings.

    python -m pytest --ds=tests.settings_fast tests/regulations
"""

from dialogue_portal.settings import *  # noqa: F403

DATABASES = {"default": {"ENGINE": "tests.fastdb", "NAME": ":memory:", "ATOMIC_REQUESTS": False}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
