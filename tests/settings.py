"""Settings of the test suite: the portal's own, with a cheap password hasher first (the
factories create hundreds of users; the real PBKDF2 is kept after it so any stored hash still
verifies). Subprocesses started by tests (gunicorn, Celery) use the portal's settings."""

from dialogue_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
