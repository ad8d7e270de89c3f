"""Deadline states are derived in the database, and scoping decides who sees what."""

import datetime as dt

import pytest

from petitions.models import Petition, PetitionStatus
from petitions.selectors import agency_inbox, filter_reply_state, petitions_visible_to, with_reply_states
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
