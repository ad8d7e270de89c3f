"""Deadline states are derived in the database, and scoping decides who sees what."""

import datetime as dt

import pytest
import time_machine

from petitions.models import Petition, PetitionStatus
from petitions.selectors import (
    agency_inbox,
    complex_state_conditions,
    current_state_conditions,
    explain_reply_due,
    filter_reply_state,
    petitions_visible_to,
    reply_state_conditions,
    with_reply_states,
)
from regulations.deadlines import REPLY, explain_due_date
from regulations.states import DeadlineState
from sessions.models import DialogueSession
from sessions.selectors import filter_notice_state, with_notice_state
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


def _petition(due, responded=None, status=PetitionStatus.ASSIGNED, **kw):
    return f.PetitionFactory(
        status=status, assigned_on=due - dt.timedelta(days=30), reply_due_on=due, responded_on=responded, **kw
    )


def _state(petition, today):
    return with_reply_states(Petition.objects.filter(pk=petition.pk), today).get().reply_state


@pytest.mark.parametrize(
    "today, expected",
    [
        (D(2026, 5, 1), DeadlineState.OPEN),  # 19 days left
        (D(2026, 5, 16), DeadlineState.OPEN),  # 4 days left: outside the 3-day window
        (D(2026, 5, 17), DeadlineState.DUE_SOON),  # 3 days left
        (D(2026, 5, 20), DeadlineState.DUE_SOON),  # the due date itself
        (D(2026, 5, 21), DeadlineState.OVERDUE),
    ],
)
def test_pending_reply_state_follows_the_warning_window(today, expected):
    petition = _petition(D(2026, 5, 20))
    assert _state(petition, today) == expected


def test_warning_window_is_a_setting(settings):
    settings.DEADLINE_WARNING_DAYS = 7
    petition = _petition(D(2026, 5, 20))
    assert _state(petition, D(2026, 5, 14)) == DeadlineState.DUE_SOON


def test_reply_on_the_due_date_is_met():
    petition = _petition(D(2026, 5, 20), responded=D(2026, 5, 20), status=PetitionStatus.REPLIED)
    assert _state(petition, D(2026, 6, 30)) == DeadlineState.MET


def test_met_late_stays_late_forever():
    petition = _petition(D(2026, 5, 20), responded=D(2026, 5, 21), status=PetitionStatus.REPLIED)
    for today in (D(2026, 5, 21), D(2027, 1, 1), D(2030, 1, 1)):
        assert _state(petition, today) == DeadlineState.MET_LATE


def test_withdrawn_petition_is_never_overdue():
    petition = _petition(D(2026, 5, 20), status=PetitionStatus.WITHDRAWN)
    assert _state(petition, D(2026, 6, 1)) is None


def test_unassigned_petition_has_no_reply_state():
    petition = f.PetitionFactory()
    assert _state(petition, D(2026, 6, 1)) is None


def test_complex_case_target_is_tracked_as_its_own_obligation():
    petition = _petition(D(2026, 5, 20), responded=D(2026, 5, 10), status=PetitionStatus.COMPLEX)
    Petition.objects.filter(pk=petition.pk).update(complex_target_on=D(2026, 7, 1))
    row = with_reply_states(Petition.objects.filter(pk=petition.pk), D(2026, 7, 2)).get()
    assert row.reply_state == DeadlineState.MET
    assert row.complex_state == DeadlineState.OVERDUE


def test_filtering_by_state_in_the_database_matches_the_annotation():
    today = D(2026, 5, 18)
    rows = [
        _petition(D(2026, 6, 30)),
        _petition(D(2026, 5, 19)),
        _petition(D(2026, 5, 1)),
        _petition(D(2026, 5, 20), responded=D(2026, 5, 2), status=PetitionStatus.REPLIED),
        _petition(D(2026, 5, 1), responded=D(2026, 5, 2), status=PetitionStatus.REPLIED),
    ]
    annotated = dict(with_reply_states(Petition.objects.all(), today).values_list("pk", "reply_state"))
    for state in DeadlineState.values:
        in_db = set(filter_reply_state(Petition.objects.all(), state, today).values_list("pk", flat=True))
        assert in_db == {pk for pk, s in annotated.items() if s == state}
    assert sorted(annotated.values()) == sorted(DeadlineState.values)
    assert len(rows) == 5


def test_notice_states_of_sessions():
    today = D(2026, 3, 25)
    pending_overdue = f.DialogueSessionFactory(held_on=D(2026, 3, 2))  # due 12/03
    pending_open = f.DialogueSessionFactory(held_on=D(2026, 3, 24))  # due 03/04
    met = f.DialogueSessionFactory(held_on=D(2026, 3, 2), notice_issued_on=D(2026, 3, 12))
    late = f.DialogueSessionFactory(held_on=D(2026, 3, 2), notice_issued_on=D(2026, 3, 13))
    states = dict(with_notice_state(DialogueSession.objects.all(), today).values_list("pk", "notice_state"))
    assert states == {
        pending_overdue.pk: DeadlineState.OVERDUE,
        pending_open.pk: DeadlineState.OPEN,
        met.pk: DeadlineState.MET,
        late.pk: DeadlineState.MET_LATE,
    }
    assert list(filter_notice_state(DialogueSession.objects.all(), "overdue", today)) == [pending_overdue]


# --- every boundary day, in the database's filter and in the list's label alike ---------------
#
# A dashboard figure is counted with a state's filter and its drill-down list shows the label,
# so a petition must be in exactly one state's filter, the one its label names. The label is a
# CASE that takes the first state that matches: only the filters show a condition that is too
# wide (a reply on the due date counted as late, a due date at the end of the warning window
# counted as open).

TODAY = D(2026, 5, 17)  # warning window (3 days): 17/05 to 20/05


def _in_filters(conditions, petition) -> set[str]:
    rows = Petition.objects.filter(pk=petition.pk)
    return {state for state, q in conditions.items() if rows.filter(q).exists()}


def _assert_one_state(petition, today, expected):
    assert _in_filters(reply_state_conditions(today), petition) == {expected}
    assert _state(petition, today) == expected
    assert set(filter_reply_state(Petition.objects.filter(pk=petition.pk), expected, today)) == {petition}


def test_reply_on_the_due_date_is_met_not_late_in_filter_and_label():
    petition = _petition(D(2026, 5, 20), responded=D(2026, 5, 20), status=PetitionStatus.REPLIED)
    _assert_one_state(petition, TODAY, DeadlineState.MET)


def test_reply_the_day_after_the_due_date_is_met_late_in_filter_and_label():
    petition = _petition(D(2026, 5, 20), responded=D(2026, 5, 21), status=PetitionStatus.REPLIED)
    _assert_one_state(petition, TODAY, DeadlineState.MET_LATE)


def test_reply_due_at_the_end_of_the_warning_window_is_due_soon_not_open():
    _assert_one_state(_petition(TODAY + dt.timedelta(days=3)), TODAY, DeadlineState.DUE_SOON)


def test_reply_due_the_day_after_the_warning_window_is_open():
    _assert_one_state(_petition(TODAY + dt.timedelta(days=4)), TODAY, DeadlineState.OPEN)


def test_reply_due_today_is_due_soon_not_overdue():
    _assert_one_state(_petition(TODAY), TODAY, DeadlineState.DUE_SOON)


def test_reply_due_yesterday_is_overdue():
    _assert_one_state(_petition(TODAY - dt.timedelta(days=1)), TODAY, DeadlineState.OVERDUE)


def test_withdrawn_petition_is_in_no_pending_state_but_a_reply_it_had_still_counts():
    pending = _petition(TODAY - dt.timedelta(days=1), status=PetitionStatus.WITHDRAWN)
    replied = _petition(TODAY, responded=TODAY, status=PetitionStatus.WITHDRAWN)
    assert _in_filters(reply_state_conditions(TODAY), pending) == set()
    assert _in_filters(reply_state_conditions(TODAY), replied) == {DeadlineState.MET}


def test_petition_without_a_reply_clock_is_in_no_state():
    petition = f.PetitionFactory(status=PetitionStatus.ASSIGNED)
    for conditions in (reply_state_conditions(TODAY), current_state_conditions(TODAY)):
        assert _in_filters(conditions, petition) == set()


def test_states_default_to_the_hanoi_date_of_today():
    petition = _petition(D(2026, 5, 20))
    with time_machine.travel(dt.datetime(2026, 5, 16, 23, 30, tzinfo=dt.UTC), tick=False):  # 06:30 on 17/05
        assert _in_filters(reply_state_conditions(), petition) == {DeadlineState.DUE_SOON}
        assert with_reply_states(Petition.objects.filter(pk=petition.pk)).get().reply_state == DeadlineState.DUE_SOON


def test_complex_target_states_follow_the_final_reply_at_every_boundary():
    def case(target, final=None):
        petition = _petition(D(2026, 4, 1), responded=D(2026, 3, 20), status=PetitionStatus.COMPLEX)
        Petition.objects.filter(pk=petition.pk).update(complex_target_on=target, final_replied_on=final)
        return petition

    expected = {
        case(TODAY - dt.timedelta(days=1)): DeadlineState.OVERDUE,
        case(TODAY): DeadlineState.DUE_SOON,
        case(TODAY + dt.timedelta(days=3)): DeadlineState.DUE_SOON,
        case(TODAY + dt.timedelta(days=4)): DeadlineState.OPEN,
        case(TODAY, final=TODAY): DeadlineState.MET,
        case(TODAY, final=TODAY + dt.timedelta(days=1)): DeadlineState.MET_LATE,
    }
    withdrawn = case(TODAY - dt.timedelta(days=1))
    Petition.objects.filter(pk=withdrawn.pk).update(status=PetitionStatus.WITHDRAWN)
    labels = dict(with_reply_states(Petition.objects.all(), TODAY).values_list("pk", "complex_state"))
    for petition, state in expected.items():
        assert _in_filters(complex_state_conditions(TODAY), petition) == {state}
        assert labels[petition.pk] == state
    assert _in_filters(complex_state_conditions(TODAY), withdrawn) == set() and labels[withdrawn.pk] is None


def test_the_clock_running_now_is_the_complex_target_once_set_else_the_reply():
    # Replied in time with a complex-case notice, whose own target is overdue: overdue now.
    complex_ = _petition(D(2026, 5, 20), responded=D(2026, 5, 10), status=PetitionStatus.COMPLEX)
    Petition.objects.filter(pk=complex_.pk).update(complex_target_on=D(2026, 5, 16))
    # No complex target: the reply's own clock (due soon).
    plain = _petition(D(2026, 5, 18))
    # A complex target met on time while the reply's clock, taken alone, would be overdue.
    met = _petition(D(2026, 5, 1), status=PetitionStatus.COMPLEX)
    Petition.objects.filter(pk=met.pk).update(complex_target_on=D(2026, 5, 30), final_replied_on=D(2026, 5, 12))
    rows = {
        r.pk: r
        for r in with_reply_states(Petition.objects.all(), TODAY).only("pk", "reply_due_on", "complex_target_on")
    }
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):  # another "today"
        current = current_state_conditions(TODAY)
        assert _in_filters(current, complex_) == {DeadlineState.OVERDUE}
    assert (rows[complex_.pk].current_state, rows[complex_.pk].current_due_on) == (
        DeadlineState.OVERDUE,
        D(2026, 5, 16),
    )
    assert _in_filters(current, plain) == {DeadlineState.DUE_SOON}
    assert (rows[plain.pk].current_state, rows[plain.pk].current_due_on) == (DeadlineState.DUE_SOON, D(2026, 5, 18))
    assert _in_filters(current, met) == {DeadlineState.MET}
    assert (rows[met.pk].current_state, rows[met.pk].current_due_on) == (DeadlineState.MET, D(2026, 5, 30))


def test_reply_due_date_is_explained_from_the_notice_date_once_assigned():
    assigned = _petition(D(2026, 5, 20))
    assert explain_reply_due(assigned) == explain_due_date(REPLY, assigned.assigned_on)
    assert explain_reply_due(assigned).due == D(2026, 5, 20)
    assert explain_reply_due(f.PetitionFactory()) is None


# --- scoping -------------------------------------------------------------------------------


def test_area_staff_sees_their_subtree_and_not_another_province(province, staff_user):
    own = f.PetitionFactory(session=f.DialogueSessionFactory(organising_unit=province.commune))
    foreign = f.PetitionFactory(session=f.DialogueSessionFactory(organising_unit=province.other_ubnd))
    visible = set(petitions_visible_to(staff_user))
    assert own in visible and foreign not in visible


def test_commune_staff_does_not_see_the_province_level(province):
    user = f.UserFactory()
    f.MembershipFactory(user=user, unit=province.commune_area, role="staff")
    province_level = f.PetitionFactory(session=f.DialogueSessionFactory(organising_unit=province.ubnd))
    commune_level = f.PetitionFactory(session=f.DialogueSessionFactory(organising_unit=province.commune))
    assert list(petitions_visible_to(user)) == [commune_level]
    assert province_level not in petitions_visible_to(user)


def test_agency_officer_sees_only_petitions_assigned_or_forwarded_to_their_unit(province, agency_user):
    session = f.DialogueSessionFactory(organising_unit=province.other_ubnd)
    assigned = _petition(D(2026, 5, 20), session=session, assigned_unit=province.agency)
    other = _petition(D(2026, 5, 20), session=session, assigned_unit=province.commune)
    assert list(petitions_visible_to(agency_user)) == [assigned]
    assert other not in agency_inbox(agency_user, D(2026, 5, 1))


def test_agency_inbox_is_sorted_by_due_date(province, agency_user):
    later = _petition(D(2026, 6, 20), assigned_unit=province.agency)
    sooner = _petition(D(2026, 5, 20), assigned_unit=province.agency)
    done = _petition(
        D(2026, 5, 10), responded=D(2026, 5, 9), status=PetitionStatus.REPLIED, assigned_unit=province.agency
    )
    inbox = list(agency_inbox(agency_user, D(2026, 5, 1)))
    assert inbox == [sooner, later]
    assert done not in inbox


def test_user_without_membership_sees_nothing(province):
    f.PetitionFactory(session=f.DialogueSessionFactory(organising_unit=province.commune))
    assert not petitions_visible_to(f.UserFactory()).exists()


def test_superuser_sees_everything(province):
    f.PetitionFactory(session=f.DialogueSessionFactory(organising_unit=province.other_ubnd))
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    assert petitions_visible_to(admin).count() == 1
