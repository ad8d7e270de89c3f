"""Regulations as data: the one in force for a unit on a day, obligations that keep the one
their clock started under, two provinces with different limits, the explanations and documents
that name it, and the admin's guard on a regulation already applied."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from docx import Document

from petitions import services as petition_services
from petitions.documents import notice_docx
from petitions.selectors import explain_reply_due
from regulations.deadlines import explain_due_date, notice_due_date, reply_due_date
from regulations.models import DayType, Regulation
from regulations.rules import NOTICE, REPLY
from regulations.selectors import regulation_for, regulations_for
from sessions import services as session_services
from sessions.models import SessionKind
from sessions.selectors import explain_notice_due
from tests import factories as f

pytestmark = pytest.mark.django_db

MERGER = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2025, 8, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


def _regulation(unit, *, number, body, issued_on, effective_from, effective_to=None, **limits):
    return Regulation.objects.create(
        number=number, title="Quy chế tiếp xúc, đối thoại trực tiếp", issuing_body=body, issued_on=issued_on,
        unit=unit, effective_from=effective_from, effective_to=effective_to, **limits,
    )  # fmt: skip


@pytest.fixture
def regulations(province):
    old = _regulation(
        province.province, number="07-QC/TU", body="Ban Thường vụ Tỉnh ủy Hòa Bình", issued_on=dt.date(2019, 3, 27),
        effective_from=dt.date(2019, 3, 27), effective_to=MERGER - dt.timedelta(days=1),
        notice_days=10, reply_days=30,
    )  # fmt: skip
    new = _regulation(
        province.province, number="05-QC/TU", body="Ban Thường vụ Tỉnh ủy Phú Thọ", issued_on=MERGER,
        effective_from=MERGER, notice_days=7, notice_day_type=DayType.WORKING, reply_days=20,
        reply_day_type=DayType.WORKING, reply_reminder_days="7,2",
    )  # fmt: skip
    return old, new


def _record(unit, held_on, staff):
    return session_services.session_record(
        organising_unit=unit, kind=SessionKind.PERIODIC, held_on=held_on, topic="Đối thoại về đất đai",
        place="Hội trường", actor=staff,
    )  # fmt: skip


def test_the_regulation_in_force_changes_on_its_effective_date_not_the_day_before(province, regulations):
    old, new = regulations
    assert regulation_for(province.commune, MERGER - dt.timedelta(days=1)).regulation_id == old.pk
    assert regulation_for(province.commune, MERGER).regulation_id == new.pk
    assert regulation_for(province.agency, dt.date(2019, 3, 26)).is_default  # before the first one
    # Every unit of the subtree reads it, in one query for many.
    by_unit = regulations_for([province.agency, province.commune, province.other_ubnd], MERGER)
    assert by_unit[province.agency.pk].regulation_id == new.pk
    assert by_unit[province.commune.pk].regulation_id == new.pk
    assert by_unit[province.other_ubnd.pk].is_default


def test_a_lower_units_regulation_wins_over_the_provinces(province, regulations):
    own = _regulation(
        province.commune_area, number="02-QC/ĐU", body="Ban Thường vụ Đảng ủy xã Tân Lạc", issued_on=MERGER,
        effective_from=MERGER, notice_days=5,
    )  # fmt: skip
    assert regulation_for(province.commune, MERGER).regulation_id == own.pk
    assert regulation_for(province.agency, MERGER).regulation_id == regulations[1].pk


def test_without_a_regulation_the_settings_apply(province, settings):
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "notice": {"days": 12, "day_type": "calendar"}}
    rules = regulation_for(province.commune, MERGER)
    assert rules.is_default and rules.citation == ""
    assert notice_due_date(dt.date(2026, 3, 2), unit=province.commune) == dt.date(2026, 3, 16)  # 14/3 is a Saturday
    assert "Theo" not in explain_due_date(NOTICE, dt.date(2026, 3, 2), unit=province.commune).as_text()


def test_a_session_keeps_the_regulation_its_clock_started_under(province, regulations, staff_user):
    old, new = regulations
    before = _record(province.commune, dt.date(2025, 6, 30), staff_user)
    after = _record(province.commune, MERGER, staff_user)
    assert before.notice_regulation_id == old.pk and before.notice_due_on == dt.date(2025, 7, 10)
    # 7 working days from Tuesday 1/7/2025: 2, 3, 4, 7, 8, 9, 10/7.
    assert after.notice_regulation_id == new.pk and after.notice_due_on == dt.date(2025, 7, 10)
    text = explain_notice_due(before).as_text()
    assert text.startswith(
        "Theo Quy chế số 07-QC/TU ngày 27/03/2019 của Ban Thường vụ Tỉnh ủy Hòa Bình: 10 ngày kể từ ngày tổ chức hội nghị."
    )
    assert "Ban Thường vụ Tỉnh ủy Phú Thọ: 7 ngày làm việc" in explain_notice_due(after).as_text()
    # Editing the session without moving its day keeps its regulation and due date.
    session_services.session_update(session=before, actor=staff_user, topic="Đối thoại về đất đai (sửa)")
    before.refresh_from_db()
    assert before.notice_regulation_id == old.pk and before.notice_due_on == dt.date(2025, 7, 10)


def test_a_new_regulation_never_rewrites_a_running_reply_clock(province, staff_user):
    old = _regulation(
        province.province, number="07-QC/TU", body="Ban Thường vụ Tỉnh ủy Hòa Bình", issued_on=dt.date(2019, 3, 27),
        effective_from=dt.date(2019, 3, 27), reply_days=30,
    )  # fmt: skip
    session, petitions = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=dt.date(2025, 6, 20)), []
    petitions = [f.PetitionFactory(session=session)]
    petition_services.notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=dt.date(2025, 6, 25), actor=staff_user,
        assignments={petitions[0].pk: province.agency}, backdate_reason="Nhập lại",
    )  # fmt: skip
    petitions[0].refresh_from_db()
    assert petitions[0].reply_regulation_id == old.pk and petitions[0].reply_due_on == dt.date(2025, 7, 25)
    # A new regulation from 1/7/2025 (the old one ended the day before).
    old.effective_to = MERGER - dt.timedelta(days=1)
    old.full_clean()
    old.save()
    _regulation(
        province.province, number="05-QC/TU", body="Ban Thường vụ Tỉnh ủy Phú Thọ", issued_on=MERGER,
        effective_from=MERGER, reply_days=15,
    )  # fmt: skip
    petition_services.due_dates_recompute(actor=None)
    petitions[0].refresh_from_db()
    assert petitions[0].reply_regulation_id == old.pk and petitions[0].reply_due_on == dt.date(2025, 7, 25)
    assert "07-QC/TU" in explain_reply_due(petitions[0]).as_text()


def test_two_provinces_in_one_database_have_their_own_limits(province, staff_user):
    hoa_binh = _regulation(
        province.province, number="07-QC/TU", body="Ban Thường vụ Tỉnh ủy Hòa Bình", issued_on=dt.date(2019, 3, 27),
        effective_from=dt.date(2019, 3, 27), reply_days=30,
    )  # fmt: skip
    phu_tho = _regulation(
        province.other_province, number="09-QC/TU", body="Ban Thường vụ Tỉnh ủy Phú Thọ",
        issued_on=dt.date(2020, 1, 2), effective_from=dt.date(2020, 1, 2), reply_days=10,
        reply_day_type=DayType.WORKING,
    )  # fmt: skip
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=dt.date(2025, 8, 4))
    here, there = f.PetitionFactory(session=session), f.PetitionFactory(session=session)
    notice = petition_services.notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=dt.date(2025, 8, 6), actor=staff_user, backdate_reason="Nhập lại",
        assignments={here.pk: province.agency, there.pk: province.other_ubnd},
    )  # fmt: skip
    here.refresh_from_db()
    there.refresh_from_db()
    assert (here.reply_regulation_id, here.reply_due_on) == (hoa_binh.pk, dt.date(2025, 9, 5))
    # 10 working days from Wednesday 6/8/2025: 7, 8, 11, 12, 13, 14, 15, 18, 19, 20/8.
    assert (there.reply_regulation_id, there.reply_due_on) == (phu_tho.pk, dt.date(2025, 8, 20))
    assert reply_due_date(dt.date(2025, 8, 6), unit=province.other_ubnd) == dt.date(2025, 8, 20)
    # The notice cannot give one limit: each line carries its own due date.
    text = "\n".join(p.text for p in Document(io.BytesIO(notice_docx(notice))).paragraphs)
    assert "trong thời hạn theo quy định (hạn trả lời ghi tại từng kiến nghị)" in text
    assert "Hạn trả lời: 05/09/2025." in text and "Hạn trả lời: 20/08/2025." in text


def test_the_notice_document_cites_the_regulation_in_force(province, regulations, staff_user):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=dt.date(2025, 8, 4))
    petition = f.PetitionFactory(session=session)
    notice = petition_services.notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=dt.date(2025, 8, 6), actor=staff_user, backdate_reason="Nhập lại",
        assignments={petition.pk: province.agency},
    )  # fmt: skip
    text = "\n".join(p.text for p in Document(io.BytesIO(notice_docx(notice))).paragraphs)
    assert (
        "trong thời hạn 20 ngày làm việc kể từ ngày ban hành thông báo này "
        "(theo Quy chế số 05-QC/TU ngày 01/07/2025 của Ban Thường vụ Tỉnh ủy Phú Thọ):"
    ) in text


def test_a_regulation_that_governs_obligations_keeps_its_clock_and_periods_do_not_overlap(
    province, regulations, staff_user
):
    old, new = regulations
    _record(province.commune, dt.date(2025, 6, 30), staff_user)
    old.notice_days = 15
    with pytest.raises(ValidationError) as error:
        old.full_clean()
    assert "giữ thời hạn đã tính" in str(error.value)
    new.refresh_from_db()
    new.title = "Quy chế (sửa trích yếu)"
    new.full_clean()  # not a clock parameter, nothing governed yet: allowed
    overlapping = Regulation(
        number="08-QC/TU", title="Trùng", issuing_body="Ban Thường vụ", issued_on=MERGER, unit=province.province,
        effective_from=dt.date(2025, 12, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "trùng với Quy chế số 05-QC/TU" in str(error.value)


def test_the_engine_chases_each_obligation_by_its_own_regulations_stages(province, regulations, staff_user):
    from notifications.engine import OBLIGATIONS, stage_groups

    groups = dict(stage_groups(OBLIGATIONS["reply"]))
    assert (7, 2) in groups  # the new regulation's reminder days
    assert (5, 1) in groups  # the settings' (and the old regulation's)


def test_explanations_of_the_default_regulation_are_unchanged():
    explanation = explain_due_date(REPLY, dt.date(2026, 3, 2), regulation=None)
    assert explanation.citation == "" and explanation.due == dt.date(2026, 4, 1)


def test_the_plan_due_day_comes_from_the_units_regulation(province, staff_user):
    from notifications.heads import plans_pending
    from sessions.services import plan_create

    _regulation(
        province.province, number="07-QC/TU", body="Ban Thường vụ Tỉnh ủy Hòa Bình", issued_on=dt.date(2019, 3, 27),
        effective_from=dt.date(2019, 3, 27), plan_due_day=28, plan_due_month=2,
    )  # fmt: skip
    plan = plan_create(unit=province.commune, year=2026, actor=staff_user)
    assert plan.due_on == dt.date(2026, 3, 2)  # 28/02/2026 is a Saturday
    with time_machine.travel(dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        due = dict(plans_pending(dt.date(2026, 1, 10)).values_list("pk", "plan_due_on"))
    assert due[province.commune.pk] == dt.date(2026, 3, 2)
    assert due[province.other_ubnd.pk] == dt.date(2026, 2, 2)  # the settings' 31/01, a Saturday
