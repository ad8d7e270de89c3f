"""The dashboards count the follow-through (issue 12): petitions reopened by the Front's "not
satisfied", supplementary replies overdue, forwarded units overdue, petitions closed (and closed by
staff with a reason); each figure equals its drill-down list."""

import datetime as dt

import pytest
import time_machine

from petitions.services import (
    notice_issue,
    petition_close,
    petition_forward,
    reply_assess,
    reply_record,
    session_record_with_petitions,
    supplementary_request,
)
from reports import selectors
from reports.periods import Cutoff, Period
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 5, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


def _user(name, unit, role):
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def followed(province, staff_user, agency_user):
    front = _user("front", province.province, "front")
    session = session_record_with_petitions(
        organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 4, 10), topic="Đối thoại", place="Hội trường",
        actor=staff_user, chair_name="Đồng chí Chủ tịch",
        petitions=[{"petitioner_name": f"Ông {n}", "content": f"Kiến nghị {n}"} for n in "ABCDEF"],
    )  # fmt: skip
    reopened, supp_overdue, closed_satisfied, closed_by_staff, forward_overdue, waiting = session.petitions.order_by(
        "id"
    )
    notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=D(2026, 4, 20), actor=staff_user,
        assignments={p.pk: province.agency for p in session.petitions.all()}, backdate_reason="Nhập muộn",
    )  # fmt: skip

    def answered(petition, result):
        reply = reply_record(
            petition=petition, replied_on=D(2026, 4, 25), number="1/SNN", summary="x", actor=agency_user
        )
        reply_assess(reply=reply, assessor=front, result=result, reason="Chưa rõ" * (result == "unsatisfied"),
                     assessed_on=D(2026, 4, 26))  # fmt: skip

    answered(reopened, "unsatisfied")
    answered(supp_overdue, "unsatisfied")
    supplementary_request(petition=supp_overdue, reason="Bổ sung", actor=staff_user, requested_on=D(2026, 4, 27))
    answered(closed_satisfied, "satisfied")
    answered(closed_by_staff, "unsatisfied")
    petition_close(petition=closed_by_staff, reason="Đã giải thích trực tiếp", actor=staff_user)
    petition_forward(
        petition=forward_overdue, to_unit=province.party, reason="Thẩm quyền", forwarded_on=D(2026, 4, 21),
        actor=agency_user,
    )  # fmt: skip
    return {
        "petitions_reopened": {reopened.pk, supp_overdue.pk, closed_by_staff.pk},
        "petitions_supplementary_overdue": {supp_overdue.pk},
        "petitions_closed": {closed_satisfied.pk, closed_by_staff.pk},
        "petitions_closed_by_staff": {closed_by_staff.pk},
        "petitions_forward_overdue": {forward_overdue.pk},
        "petitions_unsatisfied": {reopened.pk, supp_overdue.pk, closed_by_staff.pk},
        "petitions_satisfied": {closed_satisfied.pk},
    }


def test_reopened_closed_and_overdue_follow_through_figures_equal_their_lists(followed, province, staff_user):
    cutoff = Cutoff.default()
    period = Period(kind="year", year=cutoff.report_year_of(D(2026, 4, 10)), cutoff=cutoff)
    figures = selectors.dashboard_data(staff_user, province.province, period).figures
    for key, expected in followed.items():
        rows = set(selectors.figure_queryset(staff_user, key, province.province, period).values_list("pk", flat=True))
        assert rows == expected, key
        assert figures[key] == len(expected), key
