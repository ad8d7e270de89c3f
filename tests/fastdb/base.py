"""SQLite in memory whose test database is migrated once and then copied.

Migrating the whole project takes seconds; mutation testing starts one pytest session per
mutant, so ``tests.settings_fast`` uses this backend: the first session migrates as usual and
saves the result as a template file (named after the migrations' contents, so a new migration
makes a new template); every later session, in this process or a forked one, copies the
template into its own in-memory database with SQLite's backup API instead of migrating."""

import hashlib
import os
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db.backends.sqlite3 import base, creation


def template_path() -> Path:
    digest = hashlib.sha256()
    for path in sorted(Path(settings.BASE_DIR).glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return Path(settings.VAR_DIR) / "test-db" / f"template-{digest.hexdigest()[:16]}.sqlite3"


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        template = template_path()
        if not template.exists():
            name = super().create_test_db(verbosity, autoclobber, serialize, keepdb)
            template.parent.mkdir(parents=True, exist_ok=True)
            partial = template.with_suffix(f".{os.getpid()}.tmp")
            with sqlite3.connect(partial) as copy:
                self.connection.connection.backup(copy)
            copy.close()
            os.replace(partial, template)
            return name
        name = self._get_test_db_name()
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        source = sqlite3.connect(template)
        try:
            source.backup(self.connection.connection)
        finally:
            source.close()
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        return name


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
