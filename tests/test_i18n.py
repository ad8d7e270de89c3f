"""The interface is written in Vietnamese (source language) and translated into English.

The catalogues under locale/ are the committed record: these tests read them with polib, so a
string added without a translation (or a translation that drops a placeholder) fails here, and
the rendered pages show that the language cookie switches the language.
Refresh after adding strings: `python scripts/i18n.py`, translate locale/en, `--check` exits 0.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f

LOCALE = Path(settings.BASE_DIR) / "locale"
NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [text for _, text in sorted(entry.msgstr_plural.items())]
    return [entry.msgstr]


def test_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    en = _catalogue("en")
    assert len(en) > 0
    missing = [e.msgid for e in en if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == [], f"{len(missing)} English entries to translate (run scripts/i18n.py): {missing[:10]}"


def test_english_plural_entries_fill_both_forms():
    en = _catalogue("en")
    plurals = [e for e in en if e.msgid_plural]
    assert plurals, "expected at least one plural entry (blocktranslate count)"
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
        assert all(entry.msgstr_plural.values()), entry.msgid


def test_english_translations_keep_the_named_placeholders_of_their_msgid():
    en = _catalogue("en")
    broken = []
    for entry in en:
        expected = set(NAMED_PLACEHOLDER.findall(entry.msgid))
        for text in _translations(entry):
            if set(NAMED_PLACEHOLDER.findall(text)) != expected:
                broken.append((entry.msgid, text))
    assert broken == []


def test_vietnamese_catalogue_is_the_complete_identity():
    vi = _catalogue("vi")
    assert len(vi) > 0
    # Vietnamese has one plural form, so a plural entry carries msgid_plural in its only slot.
    incomplete = [e.msgid for e in vi if "fuzzy" in e.flags or _translations(e) != [e.msgid_plural or e.msgid]]
    assert incomplete == []


def test_both_catalogues_hold_the_same_messages():
    assert {(e.msgctxt, e.msgid) for e in _catalogue("vi")} == {(e.msgctxt, e.msgid) for e in _catalogue("en")}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_compiled_catalogue_matches_the_po_file(lang):
    """The .mo files are committed so a machine without gettext still works: they must be current."""
    po = _catalogue(lang)
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): _translations(e) for e in mo}
    stale = [e.msgid for e in po if compiled.get((e.msgctxt, e.msgid)) != _translations(e)]
    assert stale == [], f"run scripts/i18n.py to recompile: {stale[:5]}"


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default(client):
    page = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in page
    assert "Log in" not in page


@pytest.mark.django_db
def test_login_page_is_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("login")).content.decode()
    assert "Log in" in page
    assert "Đăng nhập" not in page


@pytest.fixture
def home_user(db):
    province = f.UnitFactory(name="Tỉnh Hòa Bình", level="province", symbol="", place_name="Hòa Bình")
    user = f.UserFactory(username="i18n-staff")
    f.MembershipFactory(user=user, unit=province, role="staff")
    return user


def test_home_page_is_vietnamese_by_default(client, home_user):
    client.force_login(home_user)
    page = client.get(reverse("home")).content.decode()
    for text in ("Việc hôm nay", "Ghi nhận hội nghị", "Thông báo kết luận cần ban hành", "Đăng xuất"):
        assert text in page
    assert "To do today" not in page


def test_home_page_is_english_with_the_language_cookie(client, home_user):
    client.force_login(home_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home")).content.decode()
    for text in ("To do today", "Record a session", "Conclusion notices to issue", "Log out"):
        assert text in page
    assert "Việc hôm nay" not in page
    assert "Đăng xuất" not in page


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_unless_the_user_picks_english(client, settings):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.headers["Content-Language"] == "en"
