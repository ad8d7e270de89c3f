"""Moving a session's day once its notice's clock has started (R2): a reason is required, the
change is recorded and shown on the session page, and a notice already overdue stays overdue
(the first due date is kept) on every list and dashboard."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from petitions.deadlines import notice_due_date
from petitions.services import session_record_with_petitions
from regulations.states import DeadlineState
from reports.periods import Period
from reports.selectors import dashboard_data, figure_queryset
from sessions.models import DialogueSession, SessionDateChange
from sessions.selectors import with_notice_state
from sessions.services import session_update
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
HANOI = dt.timezone(dt.timedelta(hours=7))


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=HANOI), tick=False)


def record(province, staff_user, held_on):
    return session_record_with_petitions(
        organising_unit=province.ubnd,
        kind="periodic",
        held_on=held_on,
        topic="Đối thoại về đất đai",
        place="Hội trường UBND tỉnh",
        actor=staff_user,
        petitions=[{"petitioner_name": "Ông Bùi Văn A", "content": "Đề nghị sửa đường"}],
    )


def state_of(session) -> str:
    return with_notice_state(DialogueSession.objects.filter(pk=session.pk)).get().notice_state


def test_a_planned_session_moves_freely_and_its_due_date_follows(province, staff_user):
    with on(D(2026, 10, 20)):
        session = record(province, staff_user, D(2026, 11, 1))
        session_update(session=session, actor=staff_user, held_on=D(2026, 11, 5))
    session.refresh_from_db()
    assert session.notice_due_on == notice_due_date(D(2026, 11, 5))
    assert not SessionDateChange.objects.exists()


def test_moving_the_day_of_a_held_session_needs_a_reason_and_changes_nothing_without_one(province, staff_user):
    with on(D(2026, 11, 1)):
        session = record(province, staff_user, D(2026, 11, 1))
    before = DialogueSession.objects.filter(pk=session.pk).values().get()
    with on(D(2026, 11, 5)):
        for reason in ("", "   "):
            with pytest.raises(ValidationError) as refusal:
                session_update(session=session, actor=staff_user, held_on=D(2026, 11, 3), date_change_reason=reason)
            assert "lý do đổi ngày tổ chức" in refusal.value.message_dict["date_change_reason"][0]
    assert DialogueSession.objects.filter(pk=session.pk).values().get() == before
    assert not SessionDateChange.objects.exists()


def test_before_the_notice_is_overdue_a_moved_day_moves_the_due_date_and_is_recorded(province, staff_user):
    with on(D(2026, 11, 1)):
        session = record(province, staff_user, D(2026, 11, 1))
    old_due = session.notice_due_on
    with on(D(2026, 11, 5)):
        session_update(
            session=session, actor=staff_user, held_on=D(2026, 11, 3), date_change_reason="Ghi nhầm ngày hội nghị"
        )
    session.refresh_from_db()
    change = SessionDateChange.objects.get(session=session)
    assert session.notice_due_on == notice_due_date(D(2026, 11, 3)) == change.new_notice_due_on
    assert (change.old_held_on, change.new_held_on, change.old_notice_due_on) == (
        D(2026, 11, 1),
        D(2026, 11, 3),
        old_due,
    )
    assert not change.notice_due_kept and change.reason == "Ghi nhầm ngày hội nghị" and change.changed_by == staff_user


def test_an_overdue_notice_stays_overdue_on_the_lists_and_dashboards_when_the_day_is_moved_later(province, staff_user):
    """The issue's case: held 01/11, due 11/11, edited on 20/11 to a later day: the notice must
    not silently become "open" again."""
    board = f.UserFactory(username="board")
    f.MembershipFactory(user=board, unit=province.province, role="board")
    with on(D(2026, 11, 1)):
        session = record(province, staff_user, D(2026, 11, 1))
    first_due = session.notice_due_on
    period = Period(kind="year", year=2026)
    with on(D(2026, 11, 20)):
        assert state_of(session) == DeadlineState.OVERDUE
        overdue_before = dashboard_data(board, province.province, period).figures["notices_overdue"]
        session_update(session=session, actor=staff_user, held_on=D(2026, 11, 15), date_change_reason="Hoãn hội nghị")
        session.refresh_from_db()
        assert session.held_on == D(2026, 11, 15)
        assert session.notice_due_on == first_due  # not 25/11, which the new day would give
        assert state_of(session) == DeadlineState.OVERDUE
        assert dashboard_data(board, province.province, period).figures["notices_overdue"] == overdue_before == 1
        assert list(figure_queryset(board, "notices_overdue", province.province, period)) == [session]
    change = SessionDateChange.objects.get(session=session)
    assert change.notice_due_kept
    assert (change.old_notice_due_on, change.new_notice_due_on) == (first_due, first_due)


def test_an_overdue_notice_moved_to_an_earlier_day_gets_the_earlier_due_date(province, staff_user):
    with on(D(2026, 11, 5)):
        session = record(province, staff_user, D(2026, 11, 5))
    with on(D(2026, 11, 20)):
        session_update(session=session, actor=staff_user, held_on=D(2026, 11, 2), date_change_reason="Ngày thực tế")
    session.refresh_from_db()
    assert session.notice_due_on == notice_due_date(D(2026, 11, 2))
    assert not SessionDateChange.objects.get(session=session).notice_due_kept


def test_other_edits_of_a_held_session_need_no_reason_and_keep_the_due_date(province, staff_user):
    with on(D(2026, 11, 1)):
        session = record(province, staff_user, D(2026, 11, 1))
    due = session.notice_due_on
    with on(D(2026, 11, 20)):
        session_update(session=session, actor=staff_user, topic="Đối thoại về đất đai và môi trường")
    session.refresh_from_db()
    assert session.notice_due_on == due and session.topic.endswith("môi trường")
    assert not SessionDateChange.objects.exists()


def test_the_edit_screen_asks_for_the_reason_and_the_session_page_shows_the_change(client, province, staff_user):
    with on(D(2026, 11, 1)):
        session = record(province, staff_user, D(2026, 11, 1))
    client.force_login(staff_user)
    data = {
        "organising_unit": province.ubnd.pk,
        "kind": "periodic",
        "held_on": "15/11/2026",
        "chair_name": "Bùi Văn Khánh",
        "place": "Hội trường UBND tỉnh",
        "topic": "Đối thoại về đất đai",
        "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
    }
    url = reverse("sessions:edit", args=[session.pk])
    with on(D(2026, 11, 20)):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "vui lòng ghi lý do đổi ngày tổ chức" in response.context["form"].errors["date_change_reason"][0]
        assert DialogueSession.objects.get(pk=session.pk).held_on == D(2026, 11, 1)
        response = client.post(url, {**data, "date_change_reason": "Hội nghị hoãn do mưa lũ"})
        assert response.status_code == 302
        page = client.get(session.get_absolute_url()).content.decode()
    assert 'id="date-changes"' in page
    assert "01/11/2026 → 15/11/2026" in page and "Hội nghị hoãn do mưa lũ" in page
    assert "giữ hạn cũ vì đã quá hạn" in page


def test_the_create_screen_has_no_reason_field(client, province, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("sessions:create"))
    assert "date_change_reason" not in response.context["form"].fields
