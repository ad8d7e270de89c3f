"""The follow-through's screens (issue 12): the petition page after a forwarding (chain, no reply
for the first unit), the staff's decision after "not satisfied", the supplementary reply, the
coordinating unit's contribution, the letter to the petitioner, the notice wizard's coordinating
units and the session page's "nothing to notify"."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from petitions.models import Coordination, EventKind, Forwarding, Petition, PetitionStatus, ReplyKind
from petitions.services import petition_forward, reply_assess, reply_record
from sessions.models import DialogueSession
from tests import factories as f
from tests.conftest import MINIMAL_PDF
from tests.screens import issue_notice, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


def _user(name, unit, role):
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def petition(province, staff_user):
    """A petition assigned to the agency by a notice of 15/03/2026."""
    session, petitions = make_session(province.ubnd, petitions=1)
    issue_notice(session, unit=province.agency, actor=staff_user)
    return Petition.objects.get(pk=petitions[0].pk)


@pytest.fixture
def party_officer(province):
    return _user("party_officer", province.party, "agency")


def _login(client, user):
    client.force_login(user)
    return client


def _pdf(name="van-ban.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def test_after_forwarding_the_first_units_page_shows_the_chain_and_offers_no_reply(
    client, petition, agency_user, party_officer, province
):
    forwarding = petition_forward(
        petition=petition, to_unit=province.party, reason="Thuộc thẩm quyền Tỉnh ủy", forwarded_on=dt.date(2026, 3, 17),
        actor=agency_user,
    )  # fmt: skip
    page = _login(client, agency_user).get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert 'id="forwarding-chain"' in page and "Sở Nông nghiệp và Môi trường → Tỉnh ủy Hòa Bình" in page
    assert "Thuộc thẩm quyền Tỉnh ủy" in page and forwarding.due_on.strftime("%d/%m/%Y") in page
    assert reverse("petitions:reply", args=[petition.pk]) not in page
    assert reverse("petitions:forward", args=[petition.pk]) not in page
    assert 'id="responsible-unit">Tỉnh ủy Hòa Bình' in page
    # The reply page itself is closed to the first unit (404), and a forged post writes nothing.
    assert client.get(reverse("petitions:reply", args=[petition.pk])).status_code == 404
    response = client.post(
        reverse("petitions:reply", args=[petition.pk]),
        {"replied_on": "19/03/2026", "number": "5/SNN", "summary": "x", "letter": _pdf()},
    )
    assert response.status_code == 404 and not petition.replies.exists()
    # The letter telling the petitioner is offered to the unit that forwarded it.
    assert reverse("petitions:forward_told", args=[forwarding.pk]) in page
    competent = _login(client, party_officer).get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert reverse("petitions:reply", args=[petition.pk]) in competent
    assert reverse("petitions:forward_told", args=[forwarding.pk]) not in competent


def test_the_forwarding_letter_downloads_and_petitioner_told_is_recorded(client, petition, agency_user, province):
    forwarding = petition_forward(
        petition=petition, to_unit=province.party, reason="Thẩm quyền", forwarded_on=dt.date(2026, 3, 17),
        actor=agency_user,
    )  # fmt: skip
    _login(client, agency_user)
    response = client.get(reverse("petitions:forward_petitioner_letter", args=[forwarding.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Tỉnh ủy Hòa Bình" in text and "Thẩm quyền" in text
    response = client.post(
        reverse("petitions:forward_told", args=[forwarding.pk]), {"told_on": "18/03/2026", "number": "12/SNN-VP"}
    )
    assert response.status_code == 302
    forwarding.refresh_from_db()
    assert forwarding.petitioner_told_on == dt.date(2026, 3, 18)
    bad = client.post(reverse("petitions:forward_told", args=[forwarding.pk]), {"told_on": "32/03/2026", "number": ""})
    assert bad.status_code == 302
    assert Forwarding.objects.get(pk=forwarding.pk).petitioner_letter_number == "12/SNN-VP"


def test_staff_decide_after_not_satisfied_and_the_session_page_shows_it(
    client, petition, agency_user, staff_user, province
):
    front = _user("front", province.province, "front")
    reply = reply_record(
        petition=petition, replied_on=dt.date(2026, 3, 17), number="1/SNN", summary="x", actor=agency_user
    )
    reply_assess(reply=reply, assessor=front, result="unsatisfied", reason="Chưa rõ", assessed_on=dt.date(2026, 3, 18))
    _login(client, staff_user)
    session_page = client.get(reverse("sessions:detail", args=[petition.session_id])).content.decode()
    assert "Mở lại: MTTQ không hài lòng" in session_page and "Đã trả lời bằng văn bản" not in session_page
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert 'id="decide"' in page and reverse("petitions:supplementary_request", args=[petition.pk]) in page
    assert reverse("petitions:close", args=[petition.pk]) in page
    empty = client.post(reverse("petitions:supplementary_request", args=[petition.pk]), {"reason": " "})
    assert empty.status_code == 302 and Petition.objects.get(pk=petition.pk).status == PetitionStatus.REOPENED
    response = client.post(
        reverse("petitions:supplementary_request", args=[petition.pk]), {"reason": "Nêu rõ thời hạn"}
    )
    assert response.status_code == 302
    assert Petition.objects.get(pk=petition.pk).status == PetitionStatus.SUPPLEMENTARY
    # The agency records the supplementary reply through the same reply screen.
    _login(client, agency_user)
    form = client.get(reverse("petitions:reply", args=[petition.pk]))
    assert "Ghi nhận văn bản trả lời bổ sung" in form.content.decode()
    response = client.post(
        reverse("petitions:reply", args=[petition.pk]),
        {"replied_on": "20/03/2026", "number": "2/SNN", "summary": "Bổ sung thời hạn", "letter": _pdf()},
    )
    assert response.status_code == 302
    assert petition.replies.order_by("-id").first().kind == ReplyKind.SUPPLEMENTARY
    assert Petition.objects.get(pk=petition.pk).status == PetitionStatus.REPLIED


def test_a_coordinating_unit_records_its_contribution_on_its_screen(client, province, staff_user):
    from petitions.services import notice_issue

    session, petitions = make_session(province.ubnd, petitions=1)
    notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=dt.date(2026, 3, 18), actor=staff_user,
        assignments={petitions[0].pk: province.agency}, coordinating={petitions[0].pk: [province.commune]},
    )  # fmt: skip
    coordination = Coordination.objects.get()
    commune_officer = _user("commune_officer", province.commune, "agency")
    _login(client, commune_officer)
    page = client.get(reverse("petitions:detail", args=[petitions[0].pk])).content.decode()
    assert reverse("petitions:contribute", args=[coordination.pk]) in page
    assert reverse("petitions:reply", args=[petitions[0].pk]) not in page
    inbox = client.get(reverse("petitions:inbox")).content.decode()
    assert "Phối hợp" in inbox
    response = client.post(
        reverse("petitions:contribute", args=[coordination.pk]),
        {"contributed_on": "19/03/2026", "contribution": "Xã đã kiểm tra thực địa", "letter": _pdf("phoi-hop.pdf")},
    )
    assert response.status_code == 302
    coordination.refresh_from_db()
    assert coordination.contributed_on == dt.date(2026, 3, 19) and coordination.letter_name == "phoi-hop.pdf"
    assert client.get(reverse("petitions:contribution_letter", args=[coordination.pk])).status_code == 200
    # Once given, the screen refuses another contribution.
    again = client.get(reverse("petitions:contribute", args=[coordination.pk]))
    assert again.status_code == 302


def test_the_notice_wizard_names_coordinating_units(client, province, staff_user):
    session, petitions = make_session(province.ubnd, petitions=1)
    _login(client, staff_user)
    pk = petitions[0].pk
    response = client.post(
        reverse("sessions:notice_assign", args=[session.pk]),
        {f"unit_{pk}": province.agency.pk, f"coord_{pk}": [province.commune.pk, province.party.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(Petition.objects.get(pk=pk).coordinating_draft) == sorted([province.commune.pk, province.party.pk])
    refused = client.post(
        reverse("sessions:notice_assign", args=[session.pk]),
        {f"unit_{pk}": province.agency.pk, f"coord_{pk}": [province.agency.pk]},
    )
    assert refused.status_code == 200 and "không đồng thời" in refused.content.decode()
    response = client.post(
        reverse("sessions:notice_issue", args=[session.pk]),
        {"number": "1", "symbol": "TB-UBND", "issued_on": "20/03/2026", "subject": "", "body": ""},
    )
    assert response.status_code == 302
    assert set(Coordination.objects.values_list("unit", flat=True)) == {province.commune.pk, province.party.pk}


def test_the_notice_step_asks_for_a_reason_when_back_dated(client, province, staff_user):
    session, petitions = make_session(province.ubnd, petitions=1)
    _login(client, staff_user)
    client.post(reverse("sessions:notice_assign", args=[session.pk]), {f"unit_{petitions[0].pk}": province.agency.pk})
    data = {"number": "1", "symbol": "TB-UBND", "issued_on": "10/03/2026", "subject": "", "body": ""}
    refused = client.post(reverse("sessions:notice_issue", args=[session.pk]), data)
    assert refused.status_code == 200 and "vui lòng ghi lý do" in refused.content.decode()
    assert not DialogueSession.objects.get(pk=session.pk).notice_issued_on
    response = client.post(
        reverse("sessions:notice_issue", args=[session.pk]), {**data, "backdate_reason": "Bản ký chuyển về muộn"}
    )
    assert response.status_code == 302
    assert DialogueSession.objects.get(pk=session.pk).notice.backdate_reason == "Bản ký chuyển về muộn"


def test_the_session_page_records_nothing_to_notify(client, province, staff_user):
    session, petitions = make_session(province.ubnd, petitions=1)
    _login(client, staff_user)
    page = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    assert 'id="no-notice-form"' not in page  # a petition still waits for a unit
    client.post(reverse("sessions:clarify", args=[session.pk, petitions[0].pk]), {"answer": "Đã trả lời tại hội nghị"})
    page = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    assert 'id="no-notice-form"' in page
    response = client.post(reverse("sessions:no_notice", args=[session.pk]), {"reason": "Đã làm rõ tại hội nghị"})
    assert response.status_code == 302
    page = client.get(reverse("sessions:detail", args=[session.pk])).content.decode()
    assert 'id="no-notice"' in page and "Đã làm rõ tại hội nghị" in page and 'id="session-timeline"' in page
    assert "Hoàn thành đúng hạn" in page


def test_the_receipt_form_still_records_the_day_received(client, province, staff_user, petition):
    notice = petition.session.notice
    recipient = notice.recipients.get()
    _login(client, staff_user)
    response = client.post(
        reverse("sessions:recipient_received", args=[petition.session_id, recipient.pk]),
        {f"r{recipient.pk}-received_on": "17/03/2026"},
    )
    assert response.status_code == 302
    recipient.refresh_from_db()
    assert recipient.received_on == dt.date(2026, 3, 17)


def test_the_petition_page_query_count_does_not_grow_with_the_chain(
    client, petition, agency_user, province, staff_user, django_assert_max_num_queries
):
    officers = [agency_user, _user("o1", province.party, "agency"), _user("o2", province.commune, "agency")]
    targets = [province.party, province.commune, province.ubnd]
    for day, (officer, target) in enumerate(zip(officers, targets), start=16):
        petition_forward(
            petition=Petition.objects.get(pk=petition.pk), to_unit=target, reason="Thẩm quyền",
            forwarded_on=dt.date(2026, 3, day), actor=officer,
        )  # fmt: skip
    _login(client, staff_user)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("petitions:detail", args=[petition.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("list-group-item") >= 3
    assert Petition.objects.get(pk=petition.pk).events.filter(kind=EventKind.FORWARDED).count() == 3
