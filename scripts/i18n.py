"""Refresh the translation catalogues.

The source language of the interface is Vietnamese, so the Vietnamese catalogue is the identity
(every msgstr equals its msgid, filled here) and the English catalogue carries the translations.
Usage: python scripts/i18n.py [--check]   (--check exits 1 if an English entry is missing)
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
IGNORE = ["--ignore=.venv", "--ignore=node_modules", "--ignore=tests", "--ignore=static", "--ignore=var"]


def main(check: bool) -> int:
    if not check:
        for domain in ("django", "djangojs"):
            if domain == "djangojs" and not list((ROOT / "static").glob("js/*.js")):
                continue
            subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    "-l",
                    "vi",
                    "-l",
                    "en",
                    "-d",
                    domain,
                    "--no-obsolete",
                    "-v0",
                    *IGNORE,
                ],
                cwd=ROOT,
                check=True,
            )
    vi = polib.pofile(str(ROOT / "locale/vi/LC_MESSAGES/django.po"))
    for entry in vi:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    vi.save()
    en = polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po"))
    missing = [e for e in en if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    print(f"vi: {len(vi)} entries (identity); en: {len(en)} entries, {len(missing)} untranslated or fuzzy")
    if not check:
        subprocess.run([sys.executable, "manage.py", "compilemessages", "-v0", *IGNORE[:2]], cwd=ROOT, check=True)
    return 1 if (check and missing) else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
