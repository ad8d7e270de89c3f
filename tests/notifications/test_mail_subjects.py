"""A line break in a session's topic once made every deadline mail of that session fail
(``BadHeaderError``), so escalations were never mailed. Subjects are one line; a mail that fails
anyway is listed, with its error, for the administrator."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from notifications.admin import MailProblemFilter, NotificationAdmin
from notifications.engine import deadlines_enforce
from notifications.models import EmailStatus, Notification
from notifications.outbox import SUBJECT_MAX_LENGTH, notification_emails_send
from sessions.models import DialogueSession
from tests import factories as f
from tests.deadline_world import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def multiline_topic(session, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    topic = "Đối thoại về bồi thường\r\ngiải phóng mặt bằng\nđợt 2 " + "rất dài " * 50
    DialogueSession.objects.filter(pk=session.pk).update(topic=topic)  # as an older release stored it
    return topic


def test_a_topic_with_a_line_break_still_gets_every_deadline_mail_out(multiline_topic, people):
    with at(dt.date(2026, 3, 14)):  # two days after the notice's due date: overdue, escalated
        deadlines_enforce()
        report = notification_emails_send()
    notifications = Notification.objects.filter(obligation="notice")
    assert notifications.count() >= 4 and report.failed == report.retrying == 0
    assert report.sent == notifications.count() == len(mail.outbox)
    assert set(notifications.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert len(message.subject) <= SUBJECT_MAX_LENGTH
        assert message.subject.startswith("Quá hạn gửi thông báo kết luận: Đối thoại về bồi thường giải phóng")
    # The in-app title is one line too.
    assert not notifications.filter(title__contains="\n").exists()


def test_a_notification_recorded_with_a_multiline_title_is_mailed_with_a_one_line_subject(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.create(
        recipient=people.staff, obligation="notice", object_id=1, stage="overdue",
        title="Quá hạn gửi thông báo kết luận: Đối thoại\nvề đất đai\r\nđợt 2",
    )  # fmt: skip
    report = notification_emails_send()
    assert (report.sent, report.failed, report.retrying) == (1, 0, 0)
    assert mail.outbox[0].subject == "Quá hạn gửi thông báo kết luận: Đối thoại về đất đai đợt 2"


def _notification(recipient, status, error="", **extra):
    return Notification.objects.create(
        recipient=recipient, obligation="reply", object_id=extra.pop("object_id"), stage="overdue",
        title="Quá hạn trả lời kiến nghị", email_status=status, email_error=error, **extra,
    )  # fmt: skip


def test_the_administrator_lists_failed_mail_with_its_error(client, people):
    admin = f.UserFactory(username="quan_tri", is_staff=True, is_superuser=True)
    failed = _notification(people.staff, EmailStatus.FAILED, "26/11/2026 07:00 SMTPRecipientsRefused: 550", object_id=1)
    retrying = _notification(people.staff, EmailStatus.PENDING, "26/11/2026 07:15 TimeoutError", object_id=2)
    _notification(people.staff, EmailStatus.SENT, object_id=3)
    _notification(people.staff, EmailStatus.PENDING, object_id=4)
    client.force_login(admin)
    url = reverse("admin:notifications_notification_changelist")
    page = client.get(url).content.decode()
    assert "thư gửi lỗi" in page  # the filter is offered
    for value, expected in (("failed", {failed}), ("retrying", {retrying}), ("any", {failed, retrying})):
        response = client.get(url, {"thu_loi": value})
        assert response.status_code == 200
        assert set(response.context["cl"].result_list) == expected
    page = client.get(url, {"thu_loi": "failed"}).content.decode()
    assert "SMTPRecipientsRefused: 550" in page  # the error, in the list itself


def test_the_failed_mail_filter_leaves_the_list_whole_without_a_choice(people):
    _notification(people.staff, EmailStatus.FAILED, "x", object_id=1)
    _notification(people.staff, EmailStatus.SENT, object_id=2)
    request = RequestFactory().get("/")
    model_admin = NotificationAdmin(Notification, site)
    choice = MailProblemFilter(request, {}, Notification, model_admin)
    assert choice.queryset(request, Notification.objects.all()).count() == 2
