"""Nothing is hard-deleted from the UI: a petition or a session entered by mistake is withdrawn
with a required reason, by staff of the organising subtree only, and the withdrawal is recorded."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from petitions.models import EventKind, Petition, PetitionStatus
from sessions.models import DialogueSession
from tests import factories as f
from tests.screens import issue_notice, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- petitions --------------------------------------------------------------------------------


def test_staff_withdraw_a_petition_with_a_reason_and_it_is_kept_with_its_timeline(staff, staff_user, province):
    session, petitions = make_session(province.ubnd)
    page = staff.get(reverse("petitions:detail", args=[petitions[0].pk]))
    assert reverse("petitions:withdraw", args=[petitions[0].pk]) in page.content.decode()

    response = staff.post(
        reverse("petitions:withdraw", args=[petitions[0].pk]), {"reason": "  Nhập trùng với kiến nghị #2  "}
    )
    assert response.status_code == 302 and response.url == petitions[0].get_absolute_url()
    petition = Petition.objects.get(pk=petitions[0].pk)
    assert petition.status == PetitionStatus.WITHDRAWN
    assert petition.withdrawal_reason == "Nhập trùng với kiến nghị #2"
    event = petition.events.get(kind=EventKind.WITHDRAWN)
    assert event.actor == staff_user and event.message == "Nhập trùng với kiến nghị #2"
    followed = staff.get(response.url)
    assert any("Đã thu hồi kiến nghị" in m for m in _messages(followed))
    assert Petition.objects.filter(session=session).count() == 2  # nothing deleted


def test_withdrawing_a_petition_without_a_reason_is_refused_and_changes_nothing(staff, province):
    _, petitions = make_session(province.ubnd)
    for reason in ("", "   "):
        response = staff.post(reverse("petitions:withdraw", args=[petitions[0].pk]), {"reason": reason}, follow=True)
        assert "Vui lòng nhập lý do thu hồi." in _messages(response)
    petition = Petition.objects.get(pk=petitions[0].pk)
    assert petition.status == PetitionStatus.RECORDED and petition.withdrawal_reason == ""
    assert not petition.events.filter(kind=EventKind.WITHDRAWN).exists()
    assert petition.history.count() == 1


def test_a_foreign_petition_cannot_be_withdrawn(staff, province, staff_user):
    _, petitions = make_session(province.other_ubnd)
    response = staff.post(reverse("petitions:withdraw", args=[petitions[0].pk]), {"reason": "Thử"})
    assert response.status_code == 404
    assert Petition.objects.get(pk=petitions[0].pk).status == PetitionStatus.RECORDED
    assert staff.post(reverse("petitions:withdraw", args=[999999]), {"reason": "Thử"}).status_code == 404


def test_the_agency_cannot_withdraw_a_petition_it_sees(client, agency_user, staff_user, province):
    session, petitions = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    client.force_login(agency_user)
    page = client.get(reverse("petitions:detail", args=[petitions[0].pk]))
    assert page.status_code == 200 and not page.context["actions"]["withdraw"]
    assert client.post(reverse("petitions:withdraw", args=[petitions[0].pk]), {"reason": "Thử"}).status_code == 404
    assert Petition.objects.get(pk=petitions[0].pk).status == PetitionStatus.ASSIGNED


def test_a_replied_petition_cannot_be_withdrawn(staff, province):
    _, petitions = make_session(province.ubnd)
    Petition.objects.filter(pk=petitions[0].pk).update(status=PetitionStatus.REPLIED)
    page = staff.get(reverse("petitions:detail", args=[petitions[0].pk]))
    assert not page.context["actions"]["withdraw"]
    response = staff.post(reverse("petitions:withdraw", args=[petitions[0].pk]), {"reason": "Nhầm"}, follow=True)
    assert "Không thể thu hồi kiến nghị đã có văn bản trả lời." in _messages(response)
    assert Petition.objects.get(pk=petitions[0].pk).status == PetitionStatus.REPLIED


def test_withdrawal_only_answers_post(staff, province):
    _, petitions = make_session(province.ubnd)
    assert staff.get(reverse("petitions:withdraw", args=[petitions[0].pk])).status_code == 405


# --- sessions ---------------------------------------------------------------------------------


def test_staff_withdraw_a_session_before_its_notice_with_its_petitions(staff, staff_user, province):
    session, petitions = make_session(province.ubnd)
    page = staff.get(reverse("sessions:detail", args=[session.pk]))
    assert reverse("sessions:withdraw", args=[session.pk]) in page.content.decode()

    response = staff.post(reverse("sessions:withdraw", args=[session.pk]), {"reason": "Nhập nhầm hội nghị"})
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    session.refresh_from_db()
    assert session.withdrawn_at is not None and session.withdrawal_reason == "Nhập nhầm hội nghị"
    assert set(Petition.objects.filter(session=session).values_list("status", flat=True)) == {PetitionStatus.WITHDRAWN}
    assert session.history.latest().history_user == staff_user
    followed = staff.get(response.url)
    assert any("Đã thu hồi hội nghị" in m for m in _messages(followed))
    assert "Nhập nhầm hội nghị" in followed.content.decode()
    assert not followed.context["can_withdraw"]


def test_withdrawing_a_session_without_a_reason_is_refused_and_changes_nothing(staff, province):
    session, _ = make_session(province.ubnd)
    response = staff.post(reverse("sessions:withdraw", args=[session.pk]), {"reason": " "}, follow=True)
    assert "Vui lòng nhập lý do thu hồi." in _messages(response)
    session.refresh_from_db()
    assert session.withdrawn_at is None
    assert not Petition.objects.filter(session=session, status=PetitionStatus.WITHDRAWN).exists()


def test_a_session_with_its_notice_cannot_be_withdrawn(staff, staff_user, province):
    session, _ = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    page = staff.get(reverse("sessions:detail", args=[session.pk]))
    assert not page.context["can_withdraw"]
    response = staff.post(reverse("sessions:withdraw", args=[session.pk]), {"reason": "Nhầm"}, follow=True)
    assert "Không thể thu hồi hội nghị đã có thông báo kết luận." in _messages(response)
    assert DialogueSession.objects.get(pk=session.pk).withdrawn_at is None


def test_a_foreign_session_cannot_be_withdrawn(staff, province):
    session, _ = make_session(province.other_ubnd)
    assert staff.post(reverse("sessions:withdraw", args=[session.pk]), {"reason": "Thử"}).status_code == 404
    assert DialogueSession.objects.get(pk=session.pk).withdrawn_at is None


def test_a_front_monitor_in_scope_cannot_withdraw_a_session(client, province):
    front = f.UserFactory(username="front")
    f.MembershipFactory(user=front, unit=province.province, role="front")
    session, _ = make_session(province.ubnd)
    client.force_login(front)
    assert client.post(reverse("sessions:withdraw", args=[session.pk]), {"reason": "Thử"}).status_code == 404
    assert DialogueSession.objects.get(pk=session.pk).withdrawn_at is None
