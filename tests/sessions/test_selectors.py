"""The conclusion notice's deadline state (R2), in the database's filter and the list's label."""

import datetime as dt

import pytest
from django.utils import timezone

from regulations.deadlines import NOTICE, explain_due_date
from regulations.states import DeadlineState
from sessions.models import DialogueSession
from sessions.selectors import explain_notice_due, filter_notice_state, notice_state_conditions, with_notice_state
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db

TODAY = D(2026, 3, 20)  # warning window (3 days): 20/03 to 23/03


def _session(due, issued=None, **kw):
    return f.DialogueSessionFactory(
        held_on=due - dt.timedelta(days=10), notice_due_on=due, notice_issued_on=issued, **kw
    )


def _in_filters(session, today=TODAY) -> set[str]:
    rows = DialogueSession.objects.filter(pk=session.pk)
    return {state for state, q in notice_state_conditions(today).items() if rows.filter(q).exists()}


def _label(session, today=TODAY):
    return with_notice_state(DialogueSession.objects.filter(pk=session.pk), today).get().notice_state


@pytest.mark.parametrize(
    "due, issued, expected",
    [
        (TODAY - dt.timedelta(days=1), None, DeadlineState.OVERDUE),
        (TODAY, None, DeadlineState.DUE_SOON),
        (TODAY + dt.timedelta(days=3), None, DeadlineState.DUE_SOON),
        (TODAY + dt.timedelta(days=4), None, DeadlineState.OPEN),
        (TODAY, TODAY, DeadlineState.MET),
        (TODAY, TODAY + dt.timedelta(days=1), DeadlineState.MET_LATE),
    ],
    ids=["due-yesterday", "due-today", "end-of-window", "after-window", "issued-on-due-date", "issued-day-after"],
)
def test_notice_is_in_exactly_one_state_and_its_label_names_it(due, issued, expected):
    session = _session(due, issued)
    assert _in_filters(session) == {expected}
    assert _label(session) == expected
    assert list(filter_notice_state(DialogueSession.objects.all(), expected, TODAY)) == [session]


def test_withdrawn_session_is_never_overdue_but_a_notice_it_sent_still_counts():
    pending = _session(TODAY - dt.timedelta(days=5), withdrawn_at=timezone.now())
    sent = _session(TODAY - dt.timedelta(days=5), TODAY - dt.timedelta(days=6), withdrawn_at=timezone.now())
    assert _in_filters(pending) == set() and _label(pending) is None
    assert _in_filters(sent) == {DeadlineState.MET}


def test_notice_due_date_is_explained_from_the_day_of_the_conference():
    session = f.DialogueSessionFactory(held_on=D(2026, 4, 20))
    explanation = explain_notice_due(session)
    assert explanation == explain_due_date(NOTICE, D(2026, 4, 20))
    assert explanation.due == session.notice_due_on == D(2026, 5, 4)
