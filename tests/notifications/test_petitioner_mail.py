"""Telling the petitioner: when the result is published or the matter forwarded, the optional
e-mail on the petition gets a message with the lookup link, recorded once under a unique key and
mailed by the same outbox and retries as the notifications."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from notifications.events import events_dispatch
from notifications.models import EmailStatus, OutgoingMail
from notifications.obligations import _petition_values
from notifications.outbox import notification_emails_send
from petitions.codes import format_code
from petitions.models import Petition
from petitions.services import (
    notice_issue,
    petition_forward,
    petition_publish,
    petition_record,
    petition_unpublish,
    reply_record,
)
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://doithoai.example.gov.vn"
    with time_machine.travel(dt.datetime(2026, 5, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def assigned(province, staff_user):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=D(2026, 4, 10), topic="Đối thoại về đất")
    rows = [
        petition_record(
            session=session,
            actor=staff_user,
            petitioner_name=f"Ông {n}",
            content=f"Kiến nghị {n}",
            petitioner_email=email,
            identity_protected=True,
        )  # fmt: skip
        for n, email in (("A", "ong.a@example.vn"), ("B", ""))
    ]
    notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=D(2026, 4, 20), actor=staff_user,
        assignments={p.pk: province.agency for p in rows},
    )  # fmt: skip
    return [Petition.objects.get(pk=p.pk) for p in rows]


def _publish(petition, staff_user, agency_user):
    reply_record(
        petition=petition, replied_on=D(2026, 5, 10), number="9/SNN", summary="Đã giải quyết", actor=agency_user
    )
    petition_publish(petition=petition, question="Kiến nghị về đất", answer="Đã giải quyết", actor=staff_user)


def test_publishing_mails_the_petitioner_once_with_the_lookup_link(assigned, staff_user, agency_user):
    petition, _without_email = assigned
    _publish(petition, staff_user, agency_user)
    events_dispatch()
    events_dispatch()  # a second run (or a second worker) records nothing new
    # Editing the public text, unpublishing and publishing again do not mail again.
    petition_publish(petition=petition, question="Kiến nghị về đất", answer="Sửa lại", actor=staff_user)
    petition_unpublish(petition=petition, reason="Rà soát", actor=staff_user)
    petition_publish(petition=petition, question="Kiến nghị về đất", answer="Đã giải quyết", actor=staff_user)
    events_dispatch()
    row = OutgoingMail.objects.get()
    assert row.key == f"petitioner:published:{petition.pk}" and row.to_address == "ong.a@example.vn"
    report = notification_emails_send()
    assert report.sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    code = format_code(petition.receipt_code)
    assert message.to == ["ong.a@example.vn"] and code in message.subject
    assert f"https://doithoai.example.gov.vn/tra-cuu/?ma={code}" in message.body
    assert "Đối thoại về đất" in message.body and "công khai" in message.body
    assert notification_emails_send().sent == 0
    row.refresh_from_db()
    assert row.email_status == EmailStatus.SENT


def test_forwarding_mails_the_petitioner_and_no_email_means_no_mail(assigned, province, agency_user):
    for petition in assigned:
        petition_forward(petition=petition, to_unit=province.ubnd, reason="Thẩm quyền", forwarded_on=D(2026, 5, 5),
                         actor=agency_user)  # fmt: skip
    events_dispatch()
    row = OutgoingMail.objects.get()
    assert row.key.startswith("petitioner:forwarded:") and row.petition_id == assigned[0].pk
    assert "UBND tỉnh Hòa Bình" in row.body and "05/05/2026" in row.body


def test_a_failed_mail_is_retried_then_marked_failed(assigned, staff_user, agency_user, settings, monkeypatch):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 2
    _publish(assigned[0], staff_user, agency_user)
    events_dispatch()

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert notification_emails_send().retrying == 1
    assert notification_emails_send().failed == 1
    row = OutgoingMail.objects.get()
    assert row.email_status == EmailStatus.FAILED and row.email_attempts == 2 and "SMTP down" in row.email_error


def test_reminder_texts_never_name_a_protected_petitioner():
    row = {
        "pk": 7, "content": "Ông Lò Văn Kín, 0912 345 678, đề nghị sửa đường", "petitioner_name": "Ông Lò Văn Kín",
        "identity_protected": True, "petitioner_phone": "0912345678", "petitioner_email": "", "petitioner_address": "",
        "assigned_unit__name": "Sở", "session__topic": "Đối thoại", "session__held_on": D(2026, 4, 1),
        "assigned_on": D(2026, 4, 5),
    }  # fmt: skip
    values = _petition_values(row, D(2026, 5, 5))
    assert values["petitioner"] == "Người kiến nghị được bảo vệ danh tính"
    assert "Lò Văn Kín" not in values["content"] and "0912" not in values["content"]
    row["identity_protected"] = False
    assert _petition_values(row, D(2026, 5, 5))["petitioner"] == "Ông Lò Văn Kín"
