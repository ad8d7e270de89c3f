"""Notifications once recorded: mail (sent, retried, recorded), the bell, the list, reading."""

import datetime as dt
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from notifications.outbox import notification_emails_send
from tests.deadline_world import at, reply_deadlines_enforce

pytestmark = pytest.mark.django_db
REMIND_5 = dt.date(2026, 4, 1)


@pytest.fixture
def reminded(assigned, people):
    with at(REMIND_5):
        reply_deadlines_enforce()
    return Notification.objects.filter(recipient=people.agency).order_by("id")


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://doithoai.hoabinh.gov.vn"


def test_email_is_vietnamese_with_a_link_to_the_case(reminded, locmem, people):
    report = notification_emails_send()
    assert report.sent == 3  # the officer without an address gets the in-app notice only
    message = mail.outbox[0]
    assert message.to == ["agency@example.vn"]
    assert message.subject.startswith("Nhắc hạn trả lời kiến nghị #")
    assert "Kính gửi" in message.body and "hạn trả lời bằng văn bản: 06/04/2026" in message.body
    n = reminded.first()
    assert f"https://doithoai.hoabinh.gov.vn{reverse('notifications:open', args=[n.pk])}" in message.body
    assert set(reminded.values_list("email_status", flat=True)) == {"sent"}


def test_email_is_sent_once_even_when_the_sweep_runs_again(reminded, locmem):
    notification_emails_send()
    notification_emails_send()
    assert len(mail.outbox) == 3


def test_default_email_goes_to_files_under_the_mail_folder(reminded, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    notification_emails_send()
    files = list((tmp_path / "mail").iterdir())
    assert files and "Subject:" in files[0].read_text()


def test_failed_email_is_recorded_retried_and_never_removes_the_in_app_notice(reminded, locmem, settings):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 2
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=SMTPException("421 busy")
    ):
        first = notification_emails_send()
    assert first.retrying == 3 and first.sent == 0
    n = reminded.first()
    assert n.email_status == "pending" and n.email_attempts == 1 and "421 busy" in n.email_error
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=SMTPException("421 busy")
    ):
        second = notification_emails_send()
    assert second.failed == 3
    n.refresh_from_db()
    assert n.email_status == "failed" and n.email_attempts == 2
    assert reminded.count() == 3 and reminded.filter(read_at__isnull=True).count() == 3


def test_a_failure_then_success_is_sent_on_the_next_sweep(reminded, locmem):
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=ConnectionRefusedError()
    ):
        notification_emails_send()
    report = notification_emails_send()
    assert report.sent == 3 and len(mail.outbox) == 3
    assert reminded.first().email_attempts == 2


# --- screens ----------------------------------------------------------------------------------


def test_bell_shows_the_unread_count(client, reminded, people):
    client.force_login(people.agency)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.context["unread_notification_count"] == 3
    assert b'data-testid="unread-count">3<' in response.content


def test_list_shows_only_the_users_own_notifications(client, reminded, people):
    client.force_login(people.agency)
    response = client.get(reverse("notifications:list"))
    assert {n.pk for n in response.context["page"]} == set(reminded.values_list("pk", flat=True))
    client.force_login(people.front)
    assert list(client.get(reverse("notifications:list")).context["page"]) == []


def test_mark_read_lowers_the_count(client, reminded, people):
    client.force_login(people.agency)
    n = reminded.first()
    response = client.post(reverse("notifications:read", args=[n.pk]))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None
    assert client.get(reverse("notifications:list")).context["unread"] == 2


def test_mark_all_read(client, reminded, people):
    client.force_login(people.agency)
    client.post(reverse("notifications:read_all"))
    assert not reminded.filter(read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(client, reminded, people):
    client.force_login(people.agency)
    n = reminded.first()
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response.url == n.petition.get_absolute_url()
    n.refresh_from_db()
    assert n.read_at is not None


def test_someone_elses_notification_answers_404(client, reminded, people):
    client.force_login(people.foreign_agency)
    n = reminded.first()
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_mark_read_refuses_get(client, reminded, people):
    client.force_login(people.agency)
    assert client.get(reverse("notifications:read", args=[reminded.first().pk])).status_code == 405
