"""The chair's conclusions and commitments: recording them, reporting them done with evidence,
withdrawal, the Front's assessment, and the session's work units."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from petitions.selectors import petitions_visible_to
from sessions import services
from sessions.models import ConclusionItem, ConclusionItemAssessment, SessionUnit
from sessions.selectors import (
    conclusion_items_actionable_by,
    conclusion_items_monitored_by,
    conclusion_items_visible_to,
    sessions_visible_to,
    with_item_state,
)
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
HANOI = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def session(province, staff_user):
    return services.session_record(
        organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 3, 2), topic="Đối thoại về đất đai",
        place="Hội trường", actor=staff_user,
    )  # fmt: skip


@pytest.fixture
def front_user(province):
    user = f.UserFactory(username="mttq")
    f.MembershipFactory(user=user, unit=province.province, role="front")
    return user


def _add(session, unit, actor, **kw):
    data = dict(
        session=session, kind="commitment", text="Sửa tuyến đường liên xã trước mùa mưa", responsible_unit=unit,
        target_on=D(2026, 4, 30), actor=actor,
    )  # fmt: skip
    data.update(kw)
    return services.conclusion_item_add(**data)


def _refused(call, field=None):
    before = (
        list(ConclusionItem.objects.order_by("pk").values_list("done_on", "withdrawn_at", "assessment", "evidence")),
        ConclusionItemAssessment.objects.count(),
        list(SessionUnit.objects.values_list("session_id", "unit_id")),
    )
    with pytest.raises(ValidationError) as info:
        call()
    after = (
        list(ConclusionItem.objects.order_by("pk").values_list("done_on", "withdrawn_at", "assessment", "evidence")),
        ConclusionItemAssessment.objects.count(),
        list(SessionUnit.objects.values_list("session_id", "unit_id")),
    )
    assert after == before, "a refused write changed the database"
    if field:
        assert field in info.value.message_dict
    return " ".join(info.value.messages)


def test_a_commitment_without_a_responsible_unit_or_text_is_refused(session, staff_user, province):
    _refused(lambda: _add(session, None, staff_user), "responsible_unit")
    _refused(lambda: _add(session, province.agency, staff_user, text=" "), "text")
    _refused(lambda: _add(session, province.agency, staff_user, kind="wish"), "kind")
    assert ConclusionItem.objects.count() == 0


def test_a_target_before_the_session_is_refused(session, staff_user, province):
    message = _refused(lambda: _add(session, province.agency, staff_user, target_on=D(2026, 3, 1)), "target_on")
    assert "không được trước ngày hội nghị (02/03/2026)" in message


def test_no_items_on_a_session_not_yet_held_withdrawn_or_for_an_ended_unit(session, staff_user, province):
    # Recording refuses a future date today; a session recorded before that rule may still have one.
    future = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=D(2026, 3, 25), topic="Sắp tới")
    assert "chưa diễn ra" in _refused(lambda: _add(future, province.agency, staff_user))
    ended = f.UnitFactory(name="UBND huyện cũ", parent=province.province, active_to=D(2025, 6, 30))
    _refused(lambda: _add(session, ended, staff_user), "responsible_unit")
    services.session_mark_withdrawn(session=future, reason="Nhập nhầm", actor=staff_user)
    assert "thu hồi" in _refused(lambda: _add(future, province.agency, staff_user))


def test_the_responsible_units_officers_see_the_session_and_the_item(session, staff_user, agency_user, province):
    assert not sessions_visible_to(agency_user).filter(pk=session.pk).exists()
    item = _add(session, province.agency, staff_user)
    assert sessions_visible_to(agency_user).filter(pk=session.pk).exists()
    assert list(conclusion_items_visible_to(agency_user)) == [item]
    assert list(conclusion_items_actionable_by(agency_user)) == [item]
    # Withdrawing the only item takes the session away from them again, petitions' units stay.
    services.conclusion_item_withdraw(item=item, reason="Ghi nhầm", actor=staff_user)
    assert not sessions_visible_to(agency_user).filter(pk=session.pk).exists()
    assert not petitions_visible_to(agency_user).exists()


def test_done_needs_evidence_or_a_note_and_a_date_between_the_session_and_today(
    session, staff_user, agency_user, province, pdf_upload
):
    item = _add(session, province.agency, agency_user)
    assert "văn bản chứng minh hoặc ghi rõ kết quả" in _refused(
        lambda: services.conclusion_item_complete(item=item, done_on=D(2026, 3, 15), actor=agency_user), "note"
    )
    _refused(
        lambda: services.conclusion_item_complete(item=item, done_on=D(2026, 3, 21), note="Xong", actor=agency_user),
        "done_on",
    )
    _refused(
        lambda: services.conclusion_item_complete(item=item, done_on=D(2026, 3, 1), note="Xong", actor=agency_user),
        "done_on",
    )
    services.conclusion_item_complete(
        item=item, done_on=D(2026, 3, 15), evidence=pdf_upload("nghiem-thu.pdf"), actor=agency_user
    )
    item.refresh_from_db()
    assert (item.done_on, item.evidence_name, item.done_by) == (D(2026, 3, 15), "nghiem-thu.pdf", agency_user)
    assert "đã hoàn thành ngày 15/03/2026" in _refused(
        lambda: services.conclusion_item_complete(item=item, done_on=D(2026, 3, 16), note="Lần nữa", actor=agency_user)
    )
    assert "đã hoàn thành" in _refused(
        lambda: services.conclusion_item_withdraw(item=item, reason="Ghi nhầm", actor=staff_user)
    )


def test_a_bad_evidence_file_is_refused(session, staff_user, province):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = _add(session, province.agency, staff_user)
    fake = SimpleUploadedFile("bien-ban.pdf", b"not a pdf at all", content_type="application/pdf")
    _refused(
        lambda: services.conclusion_item_complete(item=item, done_on=D(2026, 3, 15), evidence=fake, actor=staff_user)
    )


def test_the_deadline_state_of_items(session, staff_user, province):
    on_time = _add(session, province.agency, staff_user, target_on=D(2026, 3, 10))
    late = _add(session, province.agency, staff_user, target_on=D(2026, 3, 10))
    overdue = _add(session, province.agency, staff_user, target_on=D(2026, 3, 19))
    soon = _add(session, province.agency, staff_user, target_on=D(2026, 3, 22))
    no_target = _add(session, province.agency, staff_user, target_on=None)
    services.conclusion_item_complete(item=on_time, done_on=D(2026, 3, 10), note="Xong", actor=staff_user)
    services.conclusion_item_complete(item=late, done_on=D(2026, 3, 11), note="Xong", actor=staff_user)
    states = dict(with_item_state(ConclusionItem.objects.all()).values_list("pk", "item_state"))
    assert states == {
        on_time.pk: "met",
        late.pk: "met_late",
        overdue.pk: "overdue",
        soon.pk: "due_soon",
        no_target.pk: None,
    }


def test_the_front_assesses_a_done_item_like_a_reply(session, staff_user, front_user, province):
    item = _add(session, province.agency, staff_user)
    assess = lambda **kw: services.conclusion_item_assess(  # noqa: E731
        item=item, assessor=kw.pop("assessor", front_user), assessed_on=kw.pop("assessed_on", D(2026, 3, 18)),
        result=kw.pop("result", "satisfied"), reason=kw.pop("reason", ""),
    )  # fmt: skip
    assert "đã báo cáo hoàn thành" in _refused(assess)
    services.conclusion_item_complete(item=item, done_on=D(2026, 3, 16), note="Đã sửa xong", actor=staff_user)
    assert "ghi rõ lý do" in _refused(lambda: assess(result="unsatisfied"), "reason")
    _refused(lambda: assess(result="maybe"), "result")
    _refused(lambda: assess(assessed_on=D(2026, 3, 15)), "assessed_on")
    _refused(lambda: assess(assessed_on=D(2026, 3, 21)), "assessed_on")
    assert "Chỉ cán bộ giám sát" in _refused(lambda: assess(assessor=staff_user))
    assess(result="unsatisfied", reason="Mặt đường đã hỏng lại")
    item.refresh_from_db()
    assert item.assessment == "unsatisfied"
    assert item.assessments.get().reason == "Mặt đường đã hỏng lại"
    assert list(conclusion_items_monitored_by(front_user)) == [item]


def test_a_commune_front_monitor_cannot_assess_a_province_item(session, staff_user, province):
    commune_front = f.UserFactory(username="mttqxa")
    f.MembershipFactory(user=commune_front, unit=province.commune_area, role="front")
    item = _add(session, province.agency, staff_user)
    services.conclusion_item_complete(item=item, done_on=D(2026, 3, 16), note="Xong", actor=staff_user)
    _refused(
        lambda: services.conclusion_item_assess(
            item=item, assessor=commune_front, result="satisfied", reason="", assessed_on=D(2026, 3, 18)
        )
    )
    assert not conclusion_items_visible_to(commune_front).exists()
