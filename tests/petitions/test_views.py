"""The agency screens: inbox, petition page, reply / forward / complex-case notice, and the
files attached to them. Own object 200, foreign 404; bad input changes nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from petitions.models import EventKind, Forwarding, Petition, PetitionStatus, WrittenReply
from regulations.models import Regulation
from tests import factories as f
from tests.screens import issue_notice, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def assigned(province, staff_user):
    """Two petitions assigned to the agency by a notice of 15/03/2026 (due 14/04/2026)."""
    session, petitions = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    return [Petition.objects.get(pk=p.pk) for p in petitions]


@pytest.fixture
def foreign_petition(province, staff_user):
    session, petitions = make_session(province.other_ubnd, topic="Tỉnh khác")
    issue_notice(session, unit=province.other_ubnd, actor=staff_user)
    return petitions[0]


@pytest.fixture
def agency(client, agency_user):
    client.force_login(agency_user)
    return client


def test_inbox_lists_assigned_petitions_by_due_date_with_badges(
    agency, province, staff_user, assigned, foreign_petition
):
    later_session, later = make_session(province.ubnd, petitions=1)
    issue_notice(later_session, unit=province.agency, actor=staff_user, issued_on=dt.date(2026, 3, 18), number=2)
    response = agency.get(reverse("petitions:inbox"))
    rows = list(response.context["page"])
    assert [p.pk for p in rows] == [assigned[0].pk, assigned[1].pk, later[0].pk]
    assert foreign_petition.pk not in [p.pk for p in rows]
    assert "badge-state-open" in response.content.decode()
    assert "14/04/2026" in response.content.decode()


def test_inbox_query_count_is_bounded(agency, province, staff_user, django_assert_max_num_queries):
    # Session, user, scope, the unit's subtree, forwardings and coordinations, the filters' choices (sessions,
    # fields, units), the tab counts, the areas' data versions and the page count (cached after the
    # first request), the page's ids then its rows (``CountedPaginator``), the bell: not one per row.
    for i in range(6):
        session, _ = make_session(province.ubnd, topic=f"Hội nghị {i}", petitions=5)
        issue_notice(session, unit=province.agency, actor=staff_user, number=i + 1)
    with django_assert_max_num_queries(16):
        response = agency.get(reverse("petitions:inbox"), {"q": "bồi thường", "sort": "due", "tab": "qua-han"})
    with django_assert_max_num_queries(16):
        response = agency.get(reverse("petitions:inbox"))
    assert len(response.context["page"]) == 25


def test_detail_own_200_shows_timeline_and_due_date_explanation(agency, assigned):
    response = agency.get(reverse("petitions:detail", args=[assigned[0].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hạn trả lời được tính thế nào" in body
    assert "cộng 30 ngày" in body and "14/04/2026" in body
    assert 'id="timeline"' in body and "Ban hành thông báo kết luận" in body
    assert reverse("petitions:reply", args=[assigned[0].pk]) in body


def test_detail_foreign_is_404(agency, foreign_petition):
    assert agency.get(reverse("petitions:detail", args=[foreign_petition.pk])).status_code == 404


def test_staff_reads_petition_but_gets_no_agency_actions(client, staff_user, assigned):
    client.force_login(staff_user)
    response = client.get(reverse("petitions:detail", args=[assigned[0].pk]))
    assert response.status_code == 200
    assert reverse("petitions:reply", args=[assigned[0].pk]) not in response.content.decode()
    assert client.get(reverse("petitions:reply", args=[assigned[0].pk])).status_code == 404


def test_area_list_is_scoped(client, staff_user, assigned, foreign_petition):
    client.force_login(staff_user)
    response = client.get(reverse("petitions:list"), {"state": "open"})
    pks = [p.pk for p in response.context["page"]]
    assert set(pks) == {p.pk for p in assigned}


# --- written reply -----------------------------------------------------------------------------


def test_reply_with_signed_pdf_closes_petition_met(agency, assigned, pdf_upload):
    petition = assigned[0]
    response = agency.post(
        reverse("petitions:reply", args=[petition.pk]),
        {
            "replied_on": "19/03/2026",
            "number": "125/SNNMT-VP",
            "summary": "Đã bồi thường",
            "letter": pdf_upload("tra-loi.pdf"),
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REPLIED and petition.responded_on == dt.date(2026, 3, 19)
    reply = WrittenReply.objects.get(petition=petition)
    assert reply.letter_name == "tra-loi.pdf" and "tra-loi" not in reply.letter.name
    page = agency.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "badge-state-met" in page and "Trả lời bằng văn bản" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"replied_on": "21/03/2026"}, "Ngày trả lời không được sau ngày hôm nay"),
        ({"replied_on": "10/03/2026"}, "không được trước ngày ban hành thông báo kết luận"),
        ({"replied_on": "32/03/2026"}, "Nhập ngày theo dạng ngày/tháng/năm"),
        ({"number": ""}, "Trường này là bắt buộc"),
        ({"letter": None}, "Vui lòng tải lên văn bản trả lời đã ký"),
        ({"letter": "exe"}, "Tệp không đúng định dạng cho phép"),
    ],
)
def test_reply_with_bad_input_changes_nothing(agency, assigned, pdf_upload, data, message):
    petition = assigned[0]
    post = {"replied_on": "19/03/2026", "number": "125/SNNMT-VP", "summary": "Đã bồi thường", "letter": pdf_upload()}
    post.update(data)
    if post["letter"] is None:
        del post["letter"]
    elif post["letter"] == "exe":
        post["letter"] = SimpleUploadedFile("tra-loi.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = agency.post(reverse("petitions:reply", args=[petition.pk]), post)
    assert response.status_code == 200
    assert message in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ASSIGNED
    assert not WrittenReply.objects.exists()


def test_reply_to_foreign_petition_is_404(agency, foreign_petition, pdf_upload):
    response = agency.post(
        reverse("petitions:reply", args=[foreign_petition.pk]),
        {"replied_on": "19/03/2026", "number": "1", "summary": "x", "letter": pdf_upload()},
    )
    assert response.status_code == 404


def test_reply_draft_docx_is_generated_for_the_agency(agency, assigned, foreign_petition):
    response = agency.get(reverse("petitions:reply_draft", args=[assigned[0].pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Kính gửi" in text and assigned[0].petitioner_name in text
    assert agency.get(reverse("petitions:reply_draft", args=[foreign_petition.pk])).status_code == 404


def test_reply_letter_is_served_only_to_users_in_scope(agency, client, province, assigned, pdf_upload):
    agency.post(
        reverse("petitions:reply", args=[assigned[0].pk]),
        {"replied_on": "19/03/2026", "number": "1/SNNMT", "summary": "x", "letter": pdf_upload()},
    )
    reply = WrittenReply.objects.get()
    url = reverse("petitions:reply_letter", args=[reply.pk])
    response = agency.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    outsider = f.UserFactory(username="outsider")
    f.MembershipFactory(user=outsider, unit=province.other_province, role="front")
    client.force_login(outsider)
    assert client.get(url).status_code == 404


# --- forwarding and complex-case notice --------------------------------------------------------


def test_forward_to_competent_level(agency, province, assigned):
    petition = assigned[0]
    page = agency.get(reverse("petitions:forward", args=[petition.pk]))
    assert 'id="unit-options"' in page.content.decode()
    response = agency.post(
        reverse("petitions:forward", args=[petition.pk]),
        {"to_unit": province.ubnd.pk, "forwarded_on": "18/03/2026", "reason": "Thuộc thẩm quyền UBND tỉnh"},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.FORWARDED
    assert petition.events.filter(kind=EventKind.FORWARDED).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"reason": ""}, "Trường này là bắt buộc"),
        ({"to_unit": ""}, "Vui lòng chọn cấp có thẩm quyền"),
        ({"to_unit": "999999"}, "Đơn vị đã chọn không hợp lệ"),
        ({"to_unit": "SAME"}, "Cấp có thẩm quyền phải khác đơn vị đang chịu trách nhiệm giải quyết"),
    ],
)
def test_forward_with_bad_input_changes_nothing(agency, province, assigned, data, message):
    petition = assigned[0]
    post = {"to_unit": province.ubnd.pk, "forwarded_on": "18/03/2026", "reason": "Lý do"}
    post.update(data)
    if post["to_unit"] == "SAME":
        post["to_unit"] = province.agency.pk
    response = agency.post(reverse("petitions:forward", args=[petition.pk]), post)
    assert message in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ASSIGNED and not Forwarding.objects.exists()


def test_complex_notice_sets_new_target(agency, assigned, pdf_upload):
    petition = assigned[0]
    response = agency.post(
        reverse("petitions:complex", args=[petition.pk]),
        {
            "notified_on": "19/03/2026",
            "new_target_on": "15/06/2026",
            "reason": "Cần đo đạc lại",
            "letter": pdf_upload(),
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.COMPLEX and petition.complex_target_on == dt.date(2026, 6, 15)


def test_complex_notice_with_target_before_notice_changes_nothing(agency, assigned, pdf_upload):
    petition = assigned[0]
    response = agency.post(
        reverse("petitions:complex", args=[petition.pk]),
        {"notified_on": "19/03/2026", "new_target_on": "18/03/2026", "reason": "x", "letter": pdf_upload()},
    )
    assert "Thời hạn giải quyết mới phải sau ngày thông báo" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ASSIGNED and petition.complex_target_on is None


def test_complex_form_states_and_applies_the_maximum_of_the_petitions_regulation(
    agency, province, assigned, pdf_upload, settings
):
    settings.COMPLEX_TARGET_MAX_DAYS = 90
    regulation = Regulation.objects.create(
        number="05-QC/TU", title="Quy chế tiếp xúc, đối thoại trực tiếp", issuing_body="Ban Thường vụ Tỉnh ủy",
        issued_on=dt.date(2025, 7, 1), unit=province.province, effective_from=dt.date(2025, 7, 1),
        complex_max_days=45,
    )  # fmt: skip
    petition = assigned[0]
    Petition.objects.filter(pk=petition.pk).update(reply_regulation=regulation)
    url = reverse("petitions:complex", args=[petition.pk])
    page = agency.get(url).content.decode()
    assert "quá 45 ngày kể từ ngày thông báo" in page and "quá 90 ngày" not in page
    # 19/03 + 60 days: within the settings' 90 but beyond the regulation's 45, so a reason is due.
    response = agency.post(
        url, {"notified_on": "19/03/2026", "new_target_on": "18/05/2026", "reason": "Cần đo đạc lại",
              "letter": pdf_upload()},
    )  # fmt: skip
    assert "dài hơn 45 ngày kể từ ngày thông báo" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ASSIGNED and petition.complex_target_on is None


def test_actions_on_a_replied_petition_redirect_with_a_message(agency, assigned, pdf_upload):
    petition = assigned[0]
    agency.post(
        reverse("petitions:reply", args=[petition.pk]),
        {"replied_on": "19/03/2026", "number": "1", "summary": "x", "letter": pdf_upload()},
    )
    response = agency.get(reverse("petitions:forward", args=[petition.pk]), follow=True)
    assert "Chỉ chuyển được kiến nghị đang chờ giải quyết" in response.content.decode()


def test_detail_query_count_is_bounded(agency, assigned, django_assert_max_num_queries):
    # 24: one query per part of the page, the heads' directions included, and the first opening by
    # the unit (its "mới" mark: the units given the petition, those that opened it already, one
    # insert and the unit's data version, in a savepoint).
    with django_assert_max_num_queries(24):
        assert agency.get(reverse("petitions:detail", args=[assigned[0].pk])).status_code == 200
    # Opened already: nothing is written again (the check of the openings replaces the insert).
    with django_assert_max_num_queries(19):
        assert agency.get(reverse("petitions:detail", args=[assigned[0].pk])).status_code == 200


def test_the_filters_recent_sessions_are_read_once_and_a_new_session_shows_at_once(
    client, province, staff_user, assigned
):
    """The session choices depend on the area's list, not on the words searched: cached under the
    area's data versions, so a search reads them no more, and a new session's petition (a write
    in the area) offers its session at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff_user)

    def choices(**params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("petitions:list"), params)
        widget = response.context["filter"].form.fields["session"].widget
        return [str(value) for value, _label in widget.choices if value], len(ctx.captured_queries)

    first, cold = choices()
    searched, warm = choices(q="bồi thường")
    assert first == searched == [str(assigned[0].session_id)]
    again, warm_again = choices()
    assert warm_again < cold  # neither the count nor the session choices read again
    session, _ = make_session(province.ubnd, topic="Hội nghị mới", petitions=1)
    assert str(session.pk) in choices()[0]
