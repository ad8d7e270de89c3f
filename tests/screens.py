"""Helpers shared by the view and end-to-end tests of the daily screens (issue 4)."""

import datetime as dt
import io

from openpyxl import load_workbook

from petitions import services as petition_services
from sessions import services as session_services
from tests import factories as f

HELD_ON = dt.date(2026, 3, 10)
TODAY = dt.date(2026, 3, 20)


def make_session(unit, *, topic="Đối thoại về giải phóng mặt bằng", held_on=HELD_ON, petitions=2):
    session = f.DialogueSessionFactory(organising_unit=unit, topic=topic, held_on=held_on)
    rows = [f.PetitionFactory(session=session) for _ in range(petitions)]
    return session, rows


def issue_notice(session, *, unit, actor, issued_on=dt.date(2026, 3, 15), number=1):
    """Issue the session's notice assigning every remaining petition to ``unit`` (clock frozen by caller)."""
    pending = session.petitions.filter(status="recorded")
    return petition_services.notice_issue(
        session=session,
        number=number,
        symbol=session_services.default_notice_symbol(session.organising_unit),
        issued_on=issued_on,
        actor=actor,
        assignments={p.pk: unit for p in pending},
        backdate_reason="Nhập lại thông báo đã ban hành",
    )


def filled_template(template_bytes: bytes, rows: list[list]) -> io.BytesIO:
    """The downloaded template with ``rows`` written from row 2 on, as an uploadable file."""
    workbook = load_workbook(io.BytesIO(template_bytes))
    sheet = workbook.worksheets[0]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "kien-nghi.xlsx"
    return out
