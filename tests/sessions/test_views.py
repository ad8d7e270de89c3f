"""The staff screens: scoping (own 200, foreign 404), bad input changes nothing and says why in
Vietnamese, and bounded page costs."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from petitions.models import EventKind, Petition, PetitionStatus
from sessions.models import ConclusionNotice, DialogueSession, NoticeRecipient
from tests import factories as f
from tests.screens import TODAY, filled_template, issue_notice, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def own(province):
    return make_session(province.ubnd)


@pytest.fixture
def foreign(province):
    return make_session(province.other_ubnd, topic="Hội nghị của tỉnh khác")


def session_post(province, **overrides):
    data = {
        "organising_unit": province.ubnd.pk,
        "kind": "periodic",
        "held_on": "10/03/2026",
        "chair_name": "Bùi Văn Khánh",
        "place": "Hội trường UBND tỉnh",
        "topic": "Đối thoại về đất đai",
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "1000",
        "participants-0-name": "Nhân dân xã Tân Lạc",
        "participants-0-organisation": "",
        "participants-0-role": "citizen",
        "participants-0-headcount": "120",
    }
    data.update(overrides)
    return data


# --- list and search ---------------------------------------------------------------------------


def test_list_shows_own_sessions_and_hides_foreign(staff, own, foreign):
    response = staff.get(reverse("sessions:list"))
    assert response.status_code == 200
    assert own[0].topic in response.content.decode()
    assert foreign[0].topic not in response.content.decode()


def test_search_ignores_vietnamese_diacritics(staff, province):
    wanted, _ = make_session(province.ubnd, topic="Tiếp xúc, đối thoại với nông dân", petitions=0)
    other, _ = make_session(province.ubnd, topic="Hội nghị về môi trường", petitions=0)
    response = staff.get(reverse("sessions:list"), {"q": "doi thoai nong dan"})
    sessions = list(response.context["page"])
    assert sessions == [wanted]


def test_list_filters_by_notice_state_kind_and_unit(staff, province):
    overdue, _ = make_session(province.ubnd, topic="Quá hạn", held_on=dt.date(2026, 2, 1), petitions=0)
    due_soon, _ = make_session(province.commune, topic="Sắp đến hạn", held_on=dt.date(2026, 3, 10), petitions=0)
    adhoc, _ = make_session(province.commune, topic="Đột xuất", held_on=dt.date(2026, 3, 18), petitions=0)
    DialogueSession.objects.filter(pk=adhoc.pk).update(kind="ad_hoc")
    url = reverse("sessions:list")
    assert list(staff.get(url, {"notice_state": "overdue"}).context["page"]) == [overdue]
    assert list(staff.get(url, {"notice_state": "due_soon"}).context["page"]) == [due_soon]
    assert list(staff.get(url, {"kind": "ad_hoc"}).context["page"]) == [adhoc]
    assert set(staff.get(url, {"unit": province.commune_area.pk}).context["page"]) == {due_soon, adhoc}
    assert list(staff.get(url, {"year": "2025"}).context["page"]) == []


def _list_queries(staff) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = staff.get(reverse("sessions:list"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_list_query_count_does_not_grow_with_rows_or_issued_notices(
    staff, province, staff_user, django_assert_max_num_queries
):
    # Each row shows its notice's reference, which depends on the issuing unit's kind: with
    # notices issued by two units of different kinds, 2 rows and 25 rows cost the same queries.
    units = [province.ubnd, province.party]
    for i in range(2):
        session, _ = make_session(units[i % 2], topic=f"Hội nghị {i}", petitions=0)
        issue_notice(session, unit=province.agency, actor=staff_user, number=i + 1)
    few, response = _list_queries(staff)
    assert len(response.context["page"]) == 2
    assert "TB" in response.content.decode()
    for i in range(2, 30):
        session, _ = make_session(units[i % 2], topic=f"Hội nghị {i}", petitions=0)
        issue_notice(session, unit=province.agency, actor=staff_user, number=i + 1)
    many, response = _list_queries(staff)
    assert len(response.context["page"]) == 25
    assert many == few
    with django_assert_max_num_queries(10):
        staff.get(reverse("sessions:list"))


# --- create and edit ---------------------------------------------------------------------------


def test_create_records_session_with_participants_and_redirects(staff, province):
    response = staff.post(reverse("sessions:create"), session_post(province))
    session = DialogueSession.objects.get(topic="Đối thoại về đất đai")
    assert response.status_code == 302
    assert response.url == reverse("sessions:petitions", args=[session.pk])
    assert session.notice_due_on == dt.date(2026, 3, 20)
    assert session.participants.get().headcount == 120
    assert session.search_text.startswith("doi thoai ve dat dai")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"held_on": "31/02/2026"}, "Nhập ngày theo dạng ngày/tháng/năm"),
        ({"topic": ""}, "Trường này là bắt buộc"),
        ({"chair_name": ""}, "Vui lòng chọn người chủ trì hoặc nhập họ tên"),
        ({"participants-0-headcount": "0"}, "0"),
    ],
)
def test_create_with_bad_input_changes_nothing(staff, province, overrides, message):
    response = staff.post(reverse("sessions:create"), session_post(province, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DialogueSession.objects.exists()


def test_create_refuses_a_unit_outside_the_staff_scope(staff, province):
    response = staff.post(reverse("sessions:create"), session_post(province, organising_unit=province.other_ubnd.pk))
    assert "Bạn không được tổ chức hội nghị cho đơn vị này" in response.content.decode()
    assert not DialogueSession.objects.exists()


def test_create_is_404_for_a_user_without_staff_role(client, agency_user):
    client.force_login(agency_user)
    assert client.get(reverse("sessions:create")).status_code == 404


def test_edit_own_session_and_foreign_is_404(staff, province, own, foreign):
    session = own[0]
    assert staff.get(reverse("sessions:edit", args=[session.pk])).status_code == 200
    assert staff.get(reverse("sessions:edit", args=[foreign[0].pk])).status_code == 404
    response = staff.post(
        reverse("sessions:edit", args=[session.pk]),
        session_post(province, topic="Chủ đề mới", **{"participants-TOTAL_FORMS": "0"}),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.topic == "Chủ đề mới"
    assert session.search_text.startswith("chu de moi")


def test_edit_with_bad_date_changes_nothing(staff, province, own):
    session = own[0]
    response = staff.post(
        reverse("sessions:edit", args=[session.pk]), session_post(province, held_on="99/99/2026", topic="X")
    )
    assert "Nhập ngày theo dạng ngày/tháng/năm" in response.content.decode()
    session.refresh_from_db()
    assert session.topic != "X"


def test_edit_refuses_future_date_past_upload_of_fake_pdf(staff, province, own):
    fake = SimpleUploadedFile("bien-ban.pdf", b"not really a pdf", content_type="application/pdf")
    response = staff.post(reverse("sessions:edit", args=[own[0].pk]), {**session_post(province), "minutes": fake})
    assert "Tệp không đúng định dạng cho phép" in response.content.decode()
    own[0].refresh_from_db()
    assert not own[0].minutes


# --- detail ------------------------------------------------------------------------------------


def test_detail_own_200_foreign_404(staff, own, foreign):
    response = staff.get(reverse("sessions:detail", args=[own[0].pk]))
    assert response.status_code == 200
    assert "Hạn gửi thông báo kết luận" in response.content.decode()
    assert staff.get(reverse("sessions:detail", args=[foreign[0].pk])).status_code == 404


def test_agency_sees_session_of_its_petition_but_cannot_edit(client, province, agency_user, staff_user, own):
    session, _ = own
    issue_notice(session, unit=province.agency, actor=staff_user)
    client.force_login(agency_user)
    assert client.get(reverse("sessions:detail", args=[session.pk])).status_code == 200
    assert client.get(reverse("sessions:edit", args=[session.pk])).status_code == 404


def test_detail_query_count_is_bounded(staff, province, staff_user, django_assert_max_num_queries):
    session, _ = make_session(province.ubnd, petitions=15)
    issue_notice(session, unit=province.agency, actor=staff_user)
    with django_assert_max_num_queries(20):
        response = staff.get(reverse("sessions:detail", args=[session.pk]))
    assert response.status_code == 200


# --- petitions: quick entry, XLSX, clarify -----------------------------------------------------


def rows_post(rows):
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        base = {"petitioner_kind": "person", "petitioner_name": "", "content": ""}
        base.update(row)
        data.update({f"rows-{i}-{k}": v for k, v in base.items()})
    return data


def test_quick_entry_records_every_filled_row(staff, province):
    session, _ = make_session(province.ubnd, petitions=0)
    data = rows_post(
        [
            {"petitioner_name": "Ông Đinh Văn A", "content": "Đề nghị làm đường"},
            {
                "petitioner_name": "Bà Bùi Thị B",
                "content": "Đề nghị cấp sổ đỏ",
                "clarified_at_conference": "on",
                "conference_answer": "Đã giải thích",
            },
            {},
        ]
    )
    response = staff.post(reverse("sessions:petitions", args=[session.pk]), data)
    assert response.status_code == 302
    assert session.petitions.count() == 2
    assert session.petitions.get(petitioner_name="Bà Bùi Thị B").status == PetitionStatus.CLARIFIED


def test_quick_entry_with_one_bad_row_records_nothing(staff, province):
    session, _ = make_session(province.ubnd, petitions=0)
    data = rows_post(
        [
            {"petitioner_name": "Ông Đinh Văn A", "content": "Đề nghị làm đường"},
            {"petitioner_name": "Bà B", "content": "X", "clarified_at_conference": "on", "conference_answer": ""},
        ]
    )
    response = staff.post(reverse("sessions:petitions", args=[session.pk]), data)
    assert response.status_code == 200
    assert "cần có nội dung đã trả lời" in response.content.decode()
    assert session.petitions.count() == 0


def test_quick_entry_empty_grid_says_so(staff, province):
    session, _ = make_session(province.ubnd, petitions=0)
    response = staff.post(reverse("sessions:petitions", args=[session.pk]), rows_post([{}]))
    assert "Vui lòng nhập ít nhất một kiến nghị" in response.content.decode()


def test_quick_entry_foreign_session_is_404(staff, foreign):
    assert staff.get(reverse("sessions:petitions", args=[foreign[0].pk])).status_code == 404


def test_template_download_and_import_all_rows(staff, province):
    f.FieldFactory(name="Đất đai")
    session, _ = make_session(province.ubnd, petitions=0)
    template = staff.get(reverse("sessions:import_template", args=[session.pk]))
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    upload = filled_template(
        template.content,
        [
            ["Ông Đinh Văn A", "Cá nhân", "Xóm Mới", "0912345678", "", "Đề nghị sửa đường", "Đất đai", "Không", ""],
            ["Tổ dân phố 3", "Tập thể", "", "", "", "Đề nghị lắp đèn", "", "Có", "Đã giải thích tại hội nghị"],
        ],
    )
    response = staff.post(reverse("sessions:import", args=[session.pk]), {"file": upload})
    assert response.status_code == 302
    assert session.petitions.count() == 2
    collective = session.petitions.get(petitioner_name="Tổ dân phố 3")
    assert collective.petitioner_kind == "collective" and collective.status == PetitionStatus.CLARIFIED
    assert session.petitions.get(petitioner_name="Ông Đinh Văn A").field.name == "Đất đai"


def test_import_with_a_bad_row_imports_nothing_and_names_row_and_column(staff, province):
    session, _ = make_session(province.ubnd, petitions=0)
    template = staff.get(reverse("sessions:import_template", args=[session.pk])).content
    upload = filled_template(
        template,
        [
            ["Ông A", "", "", "", "", "Đề nghị sửa đường", "", "", ""],
            ["Ông B", "", "", "", "", "", "", "", ""],
            ["Ông C", "", "", "", "khong-phai-email", "Nội dung", "Lĩnh vực lạ", "", ""],
        ],
    )
    response = staff.post(reverse("sessions:import", args=[session.pk]), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 3, cột “Nội dung kiến nghị”: bắt buộc nhập." in body
    assert "Dòng 4, cột “Thư điện tử”" in body
    assert "Dòng 4, cột “Lĩnh vực”" in body
    assert session.petitions.count() == 0


def test_import_of_a_non_excel_file_is_refused(staff, province):
    session, _ = make_session(province.ubnd, petitions=0)
    upload = SimpleUploadedFile("kien-nghi.xlsx", b"hello", content_type="application/octet-stream")
    response = staff.post(reverse("sessions:import", args=[session.pk]), {"file": upload})
    assert "không phải là bảng tính Excel" in response.content.decode()
    assert session.petitions.count() == 0


def test_import_foreign_session_is_404(staff, foreign):
    assert staff.get(reverse("sessions:import", args=[foreign[0].pk])).status_code == 404
    assert staff.get(reverse("sessions:import_template", args=[foreign[0].pk])).status_code == 404


def test_clarify_marks_petition_and_empty_answer_changes_nothing(staff, own, foreign):
    session, (petition, _) = own
    url = reverse("sessions:clarify", args=[session.pk, petition.pk])
    response = staff.post(url, {"answer": "  "})
    assert "Vui lòng nhập nội dung đã trả lời tại hội nghị" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECORDED
    assert staff.post(url, {"answer": "Đã giải thích chính sách"}).status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.CLARIFIED
    assert petition.events.filter(kind=EventKind.CLARIFIED).exists()
    other = foreign[1][0]
    assert staff.get(reverse("sessions:clarify", args=[foreign[0].pk, other.pk])).status_code == 404
    # A petition of another session under an own session's URL is 404 too.
    assert staff.get(reverse("sessions:clarify", args=[session.pk, other.pk])).status_code == 404


# --- the conclusion notice ---------------------------------------------------------------------


def test_notice_wizard_assigns_then_issues_and_starts_the_clock(staff, province, own):
    session, petitions = own
    assign_url = reverse("sessions:notice_assign", args=[session.pk])
    page = staff.get(assign_url)
    assert page.status_code == 200 and 'id="unit-options"' in page.content.decode()
    data = {f"unit_{p.pk}": province.agency.pk for p in petitions}
    response = staff.post(assign_url, data)
    assert response.url == reverse("sessions:notice_issue", args=[session.pk])
    issue_url = reverse("sessions:notice_issue", args=[session.pk])
    form = staff.get(issue_url).context["form"]
    assert form.initial["number"] == 1 and form.initial["symbol"] == "TB-UBND"
    response = staff.post(
        issue_url,
        {
            "number": "7",
            "symbol": "TB-UBND",
            "issued_on": "15/03/2026",
            "recipients": [province.commune.pk],
            "backdate_reason": "Bản ký chuyển về muộn",
        },
    )
    assert response.status_code == 302
    notice = ConclusionNotice.objects.get(session=session)
    assert notice.reference == "Số: 7/TB-UBND"
    assert set(NoticeRecipient.objects.filter(notice=notice).values_list("unit", flat=True)) == {
        province.agency.pk,
        province.commune.pk,
    }
    for petition in petitions:
        petition.refresh_from_db()
        assert petition.status == PetitionStatus.ASSIGNED
        assert petition.reply_due_on == dt.date(2026, 4, 14)


def test_notice_assign_without_a_unit_changes_nothing(staff, own):
    session, petitions = own
    response = staff.post(reverse("sessions:notice_assign", args=[session.pk]), {f"unit_{petitions[0].pk}": ""})
    assert "Vui lòng chọn đơn vị chịu trách nhiệm" in response.content.decode()
    assert not Petition.objects.filter(session=session, assigned_unit__isnull=False).exists()


def test_notice_issue_refuses_future_day_and_used_number(staff, province, own, staff_user):
    session, petitions = own
    Petition.objects.filter(session=session).update(assigned_unit=province.agency)
    url = reverse("sessions:notice_issue", args=[session.pk])
    response = staff.post(url, {"number": "1", "symbol": "TB-UBND", "issued_on": "25/03/2026"})
    assert "Ngày ban hành không được sau ngày hôm nay" in response.content.decode()
    other, _ = make_session(province.ubnd, petitions=0)
    issue_notice(other, unit=province.agency, actor=staff_user, number=1)
    late = "Bản ký chuyển về muộn"
    response = staff.post(url, {"number": "1", "symbol": "TB-UBND", "issued_on": "15/03/2026", "backdate_reason": late})
    assert "đã được dùng trong kỳ đánh số này" in response.content.decode()
    response = staff.post(url, {"number": "abc", "symbol": "", "issued_on": "15/03/2026", "backdate_reason": late})
    assert response.status_code == 200
    assert not ConclusionNotice.objects.filter(session=session).exists()


def test_notice_pages_are_404_for_foreign_sessions(staff, foreign):
    pk = foreign[0].pk
    for name in ("notice_assign", "notice_issue", "notice_docx", "notice_signed_file"):
        assert staff.get(reverse(f"sessions:{name}", args=[pk])).status_code == 404


def test_notice_docx_downloads_and_opens(staff, province, own, staff_user):
    session, _ = own
    issue_notice(session, unit=province.agency, actor=staff_user)
    response = staff.get(reverse("sessions:notice_docx", args=[session.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "THÔNG BÁO" in text


def test_signed_scan_upload_checks_content_and_is_served_only_in_scope(
    staff, client, province, own, staff_user, pdf_upload
):
    session, _ = own
    issue_notice(session, unit=province.agency, actor=staff_user)
    url = reverse("sessions:notice_signed_upload", args=[session.pk])
    fake = SimpleUploadedFile("scan.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = staff.post(url, {"signed_file": fake}, follow=True)
    assert "Tệp không đúng định dạng cho phép" in response.content.decode()
    assert not ConclusionNotice.objects.get(session=session).signed_file
    staff.post(url, {"signed_file": pdf_upload("ban-ky.pdf")})
    notice = ConclusionNotice.objects.get(session=session)
    assert notice.signed_file and "ban-ky" not in notice.signed_file.name
    served = staff.get(reverse("sessions:notice_signed_file", args=[session.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF")
    outsider = f.UserFactory(username="outsider")
    f.MembershipFactory(user=outsider, unit=province.other_province, role="staff")
    client.force_login(outsider)
    assert client.get(reverse("sessions:notice_signed_file", args=[session.pk])).status_code == 404


def test_recipient_received_day_is_recorded_and_bad_day_refused(staff, province, own, staff_user):
    session, _ = own
    notice = issue_notice(session, unit=province.agency, actor=staff_user)
    recipient = notice.recipients.get()
    url = reverse("sessions:recipient_received", args=[session.pk, recipient.pk])
    response = staff.post(url, {f"r{recipient.pk}-received_on": "10/03/2026"}, follow=True)
    assert "Ngày nhận không được trước ngày ban hành thông báo" in response.content.decode()
    response = staff.post(url, {f"r{recipient.pk}-received_on": "abc"}, follow=True)
    assert "Nhập ngày theo dạng ngày/tháng/năm" in response.content.decode()
    recipient.refresh_from_db()
    assert recipient.received_on is None
    staff.post(url, {f"r{recipient.pk}-received_on": "16/03/2026"})
    recipient.refresh_from_db()
    assert recipient.received_on == dt.date(2026, 3, 16)


def test_recipient_of_a_foreign_session_is_404(staff, province, foreign, staff_user):
    session, _ = foreign
    notice = issue_notice(session, unit=province.other_ubnd, actor=staff_user)
    recipient = notice.recipients.get()
    url = reverse("sessions:recipient_received", args=[session.pk, recipient.pk])
    assert staff.post(url, {f"r{recipient.pk}-received_on": "16/03/2026"}).status_code == 404


def test_pages_require_login(client, own):
    response = client.get(reverse("sessions:detail", args=[own[0].pk]))
    assert response.status_code == 302 and reverse("login") in response.url


def test_today_is_frozen_for_these_tests():
    from django.utils import timezone

    assert timezone.localdate() == TODAY


def test_home_offers_the_actions_of_the_users_roles(client, staff_user, agency_user):
    client.force_login(staff_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("sessions:create") in page and reverse("petitions:inbox") not in page
    client.force_login(agency_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("petitions:inbox") in page and reverse("sessions:create") not in page


def test_notice_assign_page_cost_does_not_grow_with_petitions(staff, province, django_assert_max_num_queries):
    session, petitions = make_session(province.ubnd, petitions=20)
    Petition.objects.filter(pk__in=[p.pk for p in petitions[:10]]).update(assigned_unit=province.agency)
    with django_assert_max_num_queries(12):
        response = staff.get(reverse("sessions:notice_assign", args=[session.pk]))
    page = response.content.decode()
    # A lead unit and coordinating units for each petition.
    assert page.count('class="form-select unit-picker') == 40
    # Each picker carries only its chosen unit; the page's one JSON list feeds the search.
    assert page.count("<option") == 10 * 2 + 10 * 1


def test_chair_can_be_chosen_among_heads_of_the_unit_or_above(staff, province):
    chair = f.LeaderFactory(unit=province.ubnd, full_name="Bùi Văn Khánh", position="Chủ tịch UBND tỉnh")
    f.LeaderFactory(unit=province.other_ubnd, full_name="Người tỉnh khác")
    form = staff.get(reverse("sessions:create")).context["form"]
    assert list(form.fields["chair"].queryset) == [chair]
    response = staff.post(reverse("sessions:create"), session_post(province, chair=chair.pk, chair_name=""))
    assert response.status_code == 302
    assert DialogueSession.objects.get().chair == chair
