"""Notifications for events, not only deadlines (issue 15): assignment, forwarding received,
complex-case notice, reply recorded, assessment; each user chooses per topic between the portal
only, e-mail at once, or the daily digest (the default); one digest e-mail per user per day."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notifications.digest import digests_prepare
from notifications.events import events_dispatch
from notifications.models import Delivery, DigestMail, EmailStatus, Notification, NotificationPreference, Topic
from notifications.outbox import notification_emails_send
from petitions import services as petition_services
from tests import factories as f
from tests.screens import issue_notice, make_session

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def front_user(province):
    user = f.UserFactory(username="front")
    f.MembershipFactory(user=user, unit=province.province, role="front")
    return user


@pytest.fixture
def assigned(province, staff_user, agency_user):
    session, petitions = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    return petitions


def _of(user, stage):
    return Notification.objects.filter(recipient=user, obligation="event", stage=stage)


def test_an_assignment_reaches_the_units_officers_kept_for_the_digest_by_default(assigned, agency_user):
    events_dispatch()
    notes = _of(agency_user, "notice_issued")
    assert notes.count() == 2
    assert set(notes.values_list("email_status", flat=True)) == {EmailStatus.DIGEST}
    assert "được giao cho đơn vị" in notes.first().title


def test_each_user_chooses_per_topic_between_the_portal_only_and_mail_at_once(assigned, agency_user, staff_user):
    NotificationPreference.objects.create(user=agency_user, topic=Topic.ASSIGNED, delivery=Delivery.EMAIL)
    events_dispatch()
    assert set(_of(agency_user, "notice_issued").values_list("email_status", flat=True)) == {EmailStatus.PENDING}
    NotificationPreference.objects.create(user=staff_user, topic=Topic.REPLIED, delivery=Delivery.IN_APP)
    petition_services.reply_record(
        petition=assigned[0], replied_on=dt.date(2026, 3, 19), number="5/SNN", summary="Đã trả lời", actor=agency_user
    )
    events_dispatch()
    replied = _of(staff_user, "replied").get()
    assert replied.email_status == EmailStatus.NONE  # in the portal only, never mailed
    assert "văn bản trả lời" in replied.title


def test_a_reply_and_a_complex_case_notice_reach_the_organising_staff_and_the_front(
    assigned, agency_user, staff_user, front_user
):
    petition_services.complex_notice_send(
        petition=assigned[1], notified_on=dt.date(2026, 3, 19), new_target_on=dt.date(2026, 5, 30),
        reason="Cần đo đạc lại", actor=agency_user,
    )  # fmt: skip
    petition_services.reply_record(
        petition=assigned[0], replied_on=dt.date(2026, 3, 19), number="5/SNN", summary="Đã trả lời", actor=agency_user
    )
    events_dispatch()
    for user in (staff_user, front_user):
        assert _of(user, "complex_notice").exists() and _of(user, "replied").exists()
    # The actor is never told of their own act.
    assert not _of(agency_user, "replied").exists()


def test_a_satisfied_assessment_tells_the_unit_that_replied(assigned, agency_user, front_user, province):
    reply = petition_services.reply_record(
        petition=assigned[0], replied_on=dt.date(2026, 3, 19), number="5/SNN", summary="Đã trả lời", actor=agency_user
    )
    petition_services.reply_assess(
        reply=reply, assessor=front_user, assessed_on=dt.date(2026, 3, 20), result="satisfied", reason="",
        unit=province.province,
    )  # fmt: skip
    events_dispatch()
    assert "hài lòng" in _of(agency_user, "assessed").get().title


def test_the_daily_digest_is_one_mail_per_user_per_day_and_a_second_run_sends_nothing(assigned, agency_user):
    events_dispatch()
    assert digests_prepare() == 1
    assert digests_prepare() == 0  # idempotent like the deadline jobs
    digest = DigestMail.objects.get()
    assert digest.recipient == agency_user and digest.day == dt.date(2026, 3, 20)
    assert set(_of(agency_user, "notice_issued").values_list("email_status", flat=True)) == {EmailStatus.DIGESTED}
    notification_emails_send()
    notification_emails_send()
    sent = [m for m in mail.outbox if m.to == [agency_user.email]]
    assert len(sent) == 1 and "2 thông báo" in sent[0].subject
    # Tomorrow, nothing new waiting: no empty digest.
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert digests_prepare() == 0


def test_the_preferences_page_saves_the_choices_and_refuses_an_unknown_one(client, agency_user):
    client.force_login(agency_user)
    url = reverse("notifications:preferences")
    page = client.get(url)
    assert page.status_code == 200 and "Thư tổng hợp mỗi ngày một lần" in page.content.decode()
    choices = dict.fromkeys(Topic.values, Delivery.DIGEST)
    response = client.post(url, {**choices, Topic.FORWARDED: Delivery.EMAIL})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=agency_user, topic=Topic.FORWARDED).delivery == Delivery.EMAIL
    before = list(NotificationPreference.objects.values_list("topic", "delivery"))
    response = client.post(url, {**choices, Topic.REPLIED: "fax"})
    assert response.status_code == 200 and Topic.REPLIED in response.context["form"].errors
    assert list(NotificationPreference.objects.values_list("topic", "delivery")) == before


def test_a_digest_too_long_for_its_column_is_cut_at_a_line_with_a_pointer_to_the_portal():
    from notifications.digest import _bounded
    from notifications.models import DIGEST_MAX_LENGTH

    short = "Thông báo 1\nThông báo 2"
    assert _bounded(short) == short
    long = "\n".join(f"Thông báo số {n}: kiến nghị quá hạn trả lời." for n in range(10_000))
    cut = _bounded(long)
    assert len(cut) <= DIGEST_MAX_LENGTH and cut.endswith("trong mục Thông báo trên cổng)")
    kept = cut.split("\n\n…")[0].splitlines()
    assert kept == long.splitlines()[: len(kept)]  # whole lines only, in order
