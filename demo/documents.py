"""Scanned documents in the demo: the minutes of a few sessions and the signed scans of a few
notices, uploaded through the services like a user's files, so that the file pages (and the
crawl of every page, ``tests/security/test_crawl.py``) have something to serve."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sessions.models import ConclusionNotice, DialogueSession
from sessions.services import notice_attach_signed, session_update

DOCUMENTS = 3


def minimal_pdf(title: str) -> bytes:
    """A one-page PDF with ``title`` (ASCII) on it, with a correct cross-reference table."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def attach_demo_documents(*, staff) -> int:
    """Upload the minutes of the latest sessions held and the signed scans of the latest notices."""
    sessions = DialogueSession.objects.filter(
        withdrawn_at__isnull=True, minutes="", held_on__lte=timezone.localdate()
    ).order_by("-held_on", "-id")
    for session in sessions[:DOCUMENTS]:
        pdf = SimpleUploadedFile(f"Biên bản hội nghị {session.pk}.pdf", minimal_pdf(f"Bien ban hoi nghi {session.pk}"))
        session_update(session=session, actor=staff, minutes=pdf)
    notices = ConclusionNotice.objects.filter(signed_file="").order_by("-issued_on", "-id")
    for notice in notices[:DOCUMENTS]:
        scan = SimpleUploadedFile(f"Thông báo {notice.number} đã ký.pdf", minimal_pdf(f"Thong bao so {notice.number}"))
        notice_attach_signed(notice=notice, signed_file=scan, actor=staff)
    return DOCUMENTS * 2
