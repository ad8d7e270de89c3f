"""List the English entries still to translate (JSON: msgid → ""), or apply a JSON file of
translations to the English catalogue: ``python scripts/i18n_missing.py [--apply FILE]``."""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
EN = ROOT / "locale/en/LC_MESSAGES/django.po"


def main(argv: list[str]) -> int:
    en = polib.pofile(str(EN))
    if "--apply" in argv:
        done = json.loads(Path(argv[argv.index("--apply") + 1]).read_text())
        for entry in en:
            key = entry.msgid
            if key in done and done[key]:
                value = done[key]
                if entry.msgid_plural:
                    entry.msgstr_plural = (
                        {0: value[0], 1: value[1]} if isinstance(value, list) else {0: value, 1: value}
                    )
                else:
                    entry.msgstr = value
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        en.save()
        return 0
    missing = {e.msgid: "" for e in en if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)}
    print(json.dumps(missing, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
