"""Audit history (django-simple-history): every change of a key record is kept with its author,
including the rows a service updates in bulk, and staff read it on the petition page."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from petitions.history import petition_history
from petitions.models import ComplexCaseNotice, Forwarding, Petition, PetitionStatus, WrittenReply
from sessions.models import ConclusionNotice, DialogueSession
from tests import factories as f
from tests.screens import issue_notice, make_session
from units.models import Membership, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def assigned(province, staff_user):
    session, petitions = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    return [Petition.objects.get(pk=p.pk) for p in petitions]


def test_the_key_models_keep_a_history():
    for model in (
        Petition,
        DialogueSession,
        ConclusionNotice,
        WrittenReply,
        Forwarding,
        ComplexCaseNotice,
        Unit,
        Membership,
    ):
        assert hasattr(model, "history"), model


def test_the_bulk_assignment_of_a_notice_is_recorded_in_each_petitions_history(province, staff_user, assigned):
    for petition in assigned:
        latest = petition.history.latest()
        assert latest.history_type == "~"
        assert latest.status == PetitionStatus.ASSIGNED
        assert latest.assigned_unit_id == province.agency.pk
        assert latest.history_user == staff_user
        assert petition.history.count() == 2  # created, then assigned by the notice


def test_history_lists_who_changed_which_field_from_what_to_what(
    client, province, staff_user, agency_user, assigned, pdf_upload
):
    petition = assigned[0]
    client.force_login(agency_user)
    response = client.post(
        reverse("petitions:reply", args=[petition.pk]),
        {
            "replied_on": "19/03/2026",
            "number": "12/SNNMT-VP",
            "summary": "Đã xem xét và trả lời.",
            "letter": pdf_upload(),
        },
    )
    assert response.status_code == 302
    entries = petition_history(petition)
    assignment = next(
        e
        for e in entries
        if e.subject == "Kiến nghị"
        and any(c.label == "trạng thái" and c.new == PetitionStatus.ASSIGNED.label for c in e.changes)
    )
    assert assignment.user == staff_user
    unit_change = next(c for c in assignment.changes if c.label == "đơn vị chịu trách nhiệm")
    assert (unit_change.old, unit_change.new) == ("—", "Sở Nông nghiệp và Môi trường")
    due = next(c for c in assignment.changes if c.label == "hạn trả lời")
    assert due.new == "14/04/2026"
    reply = next(e for e in entries if e.subject.startswith("Văn bản trả lời"))
    assert reply.action == "+" and reply.user == agency_user
    assert entries[0].at >= entries[-1].at  # newest first


def test_staff_see_the_history_card_on_the_petition_page(client, staff_user, assigned):
    client.force_login(staff_user)
    response = client.get(reverse("petitions:detail", args=[assigned[0].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lịch sử thay đổi" in body
    assert "14/04/2026" in body and str(PetitionStatus.ASSIGNED.label) in body


def test_the_agency_sees_the_petition_but_not_its_audit_history(client, agency_user, assigned):
    client.force_login(agency_user)
    response = client.get(reverse("petitions:detail", args=[assigned[0].pk]))
    assert response.status_code == 200
    assert response.context["history"] is None
    assert "Lịch sử thay đổi" not in response.content.decode()


def test_an_administrator_sees_the_history(client, assigned):
    admin = f.UserFactory(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("petitions:detail", args=[assigned[0].pk]))
    assert response.context["history"]


def test_the_history_card_costs_the_same_queries_however_long_the_history(
    client, staff_user, assigned, django_assert_max_num_queries
):
    petition = assigned[0]
    client.force_login(staff_user)
    client.get(reverse("petitions:detail", args=[petition.pk]))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as short:
        client.get(reverse("petitions:detail", args=[petition.pk]))
    for n in range(30):
        petition.petitioner_address = f"Số nhà {n}, tổ 3"
        petition.save()
    with django_assert_max_num_queries(len(short.captured_queries)):
        response = client.get(reverse("petitions:detail", args=[petition.pk]))
    assert len(response.context["history"]) == 32


def test_a_web_change_records_the_user_of_the_request(client, staff_user, province):
    session, petitions = make_session(province.ubnd)
    client.force_login(staff_user)
    response = client.post(reverse("petitions:withdraw", args=[petitions[0].pk]), {"reason": "Nhập trùng"})
    assert response.status_code == 302
    latest = Petition.objects.get(pk=petitions[0].pk).history.latest()
    assert latest.history_user == staff_user and latest.status == PetitionStatus.WITHDRAWN
