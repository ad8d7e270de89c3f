"""Every download's Content-Disposition is built by Django's helper from a cleaned name: a name
cannot add a header parameter, a header or a path."""

import pytest
from django.utils.http import parse_header_parameters

from common.http import content_disposition, download_response, safe_filename

HOSTILE = [
    "thong-bao-1-x\";filename*=utf-8''evil.hta;a=\".docx",
    "thong-bao\r\nSet-Cookie: a=b.docx",
    "thong-bao\x00.docx",
    "..\\..\\windows\\thong-bao.docx",
    "\u202excod.exe",
    "Thông báo kết luận số 12-TB/TU.docx",
    '"; filename="evil.hta',
]


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("as_attachment", [True, False])
def test_a_hostile_name_gives_one_filename_parameter_and_no_header_break(name, as_attachment):
    header = content_disposition(name, as_attachment=as_attachment)
    assert "\r" not in header and "\n" not in header and "\x00" not in header
    value, params = parse_header_parameters(header)
    assert value == ("attachment" if as_attachment else "inline")
    assert set(params) == {"filename"}
    assert "/" not in params["filename"] and "\\" not in params["filename"]


def test_the_notice_symbol_injection_downloads_as_a_docx():
    response = download_response(b"x", "thong-bao-1-x\";filename*=utf-8''evil.hta;a=\".docx", "application/x")
    _, params = parse_header_parameters(response["Content-Disposition"])
    assert params["filename"].endswith(".docx")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Biên bản họp.pdf", "Biên bản họp.pdf"),
        ("a/b/c.pdf", "c.pdf"),
        ("  .hidden.pdf  ", "hidden.pdf"),
        ("", "tep"),
        ("x" * 200 + ".docx", "x" * 145 + ".docx"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_no_module_builds_a_content_disposition_but_common_http():
    """The class of the notice-symbol injection: a header built by string formatting. Only
    ``common/http.py`` writes the header (``common/files.py`` through it) and only it calls
    Django's helper; no other module sends a ``FileResponse``."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = ["common", "units", "regulations", "sessions", "petitions", "notifications", "reports", "ops", "demo"]
    offenders = []
    for app in [*apps, "dialogue_portal"]:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            name = path.relative_to(root).as_posix()
            calls_the_helper = "content_disposition_header" in source
            sets_the_header = '"Content-Disposition"]' in source
            if calls_the_helper and name != "common/http.py":
                offenders.append(f"{name} calls content_disposition_header")
            if sets_the_header and name not in ("common/http.py", "common/files.py"):
                offenders.append(f"{name} sets Content-Disposition")
            if "FileResponse(" in source and name != "common/files.py":
                offenders.append(f"{name} sends a FileResponse")
    assert not offenders
