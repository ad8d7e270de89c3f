"""A small world for the deadline jobs: who works where, one session, its petitions."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.models import Notification
from petitions import services as petition_services
from tests import factories as f

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HELD_ON = dt.date(2026, 3, 2)  # Monday; R2 due 12/03/2026
NOTICE_ON = dt.date(2026, 3, 5)  # R3 due 06/04/2026 (04/04 is a Saturday)


def at(day: dt.date, hour: int = 7):
    """Freeze the clock at ``hour`` o'clock in Hanoi on ``day`` (the beat time by default)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=HANOI), tick=False)


def keys(**filters) -> list[tuple]:
    """(obligation, stage, recipient username) of the notifications, sorted."""
    return sorted(Notification.objects.filter(**filters).values_list("obligation", "stage", "recipient__username"))


@pytest.fixture
def people(province, staff_user, agency_user):
    """Users in every role around the province's People's Committee (UBND tỉnh) and the agency.

    The chair of the session has handed over to a new head since, so "the chair" and "the head
    of the organising unit" are two people. Everyone of another province must hear nothing."""

    def user(name, unit, role, organisation=None):
        u = f.UserFactory(username=name)
        f.MembershipFactory(user=u, unit=unit, role=role, organisation=organisation)
        return u

    chair = f.UserFactory(username="chair")
    chair_term = f.LeaderFactory(
        unit=province.ubnd, user=chair, full_name="Bùi Văn Khánh", position="Chủ tịch UBND tỉnh",
        term_start=dt.date(2021, 1, 1), term_end=dt.date(2026, 3, 3),
    )  # fmt: skip
    head = f.UserFactory(username="head")
    f.LeaderFactory(unit=province.ubnd, user=head, position="Chủ tịch UBND tỉnh", term_start=dt.date(2026, 3, 4))
    agency_head = f.UserFactory(username="agency_head")
    f.LeaderFactory(unit=province.agency, user=agency_head, position="Giám đốc Sở", term_start=dt.date(2020, 1, 1))
    no_email = f.UserFactory(username="agency_no_email", email="")
    f.MembershipFactory(user=no_email, unit=province.agency, role="agency")
    return SimpleNamespace(
        staff=staff_user,
        agency=agency_user,
        agency_no_email=no_email,
        chair=chair,
        chair_term=chair_term,
        head=head,
        agency_head=agency_head,
        board=user("board", province.province, "board"),
        front=user("front", province.province, "front"),
        commune_staff=user("commune_staff", province.commune_area, "staff"),
        foreign_staff=user("foreign_staff", province.other_province, "staff"),
        foreign_front=user("foreign_front", province.other_province, "front"),
        foreign_agency=user("foreign_agency", province.other_ubnd, "agency"),
    )


def plans_issued(province, year: int = 2026) -> None:
    """Every unit of the province fixture bound by the rule has issued its annual plan of
    ``year`` on 15 January, as the services leave it, so the daily job chases only R2–R5 here
    (the plan obligation has its own tests: ``tests/notifications/test_heads_obligations.py``)."""
    from regulations.years import plan_due_date
    from sessions.models import DialoguePlan, PlanStatus
    from units.models import Unit

    for unit in Unit.objects.filter(kind__bound_by_dialogue_rule=True):
        DialoguePlan.objects.get_or_create(
            unit=unit,
            year=year,
            defaults={
                "status": PlanStatus.ISSUED,
                "due_on": plan_due_date(year),
                "number": "01-KH",
                "issued_on": dt.date(year, 1, 15),
            },
        )


@pytest.fixture
def session(province, people):
    """A session of the People's Committee held on 02/03/2026, chaired by the former head,
    with three petitions, none answered yet, and no notice. The province's units have issued
    their annual plans (``plans_issued``)."""
    plans_issued(province)
    with at(HELD_ON, 17):
        s = petition_services.session_record_with_petitions(
            organising_unit=province.ubnd,
            kind="periodic",
            held_on=HELD_ON,
            topic="Đối thoại về bồi thường, giải phóng mặt bằng",
            place="Hội trường UBND tỉnh",
            actor=people.staff,
            chair=people.chair_term,
            petitions=[
                {"petitioner_name": f"Ông Đinh Văn {n}", "content": f"Đề nghị xem xét bồi thường, hồ sơ {n}"}
                for n in ("A", "B", "C")
            ],
        )
    return s


@pytest.fixture
def assigned(province, people, session):
    """The notice issued on 05/03/2026 assigns every petition to the agency: replies due 06/04."""
    petitions = list(session.petitions.order_by("id"))
    with at(NOTICE_ON, 9):
        petition_services.notice_issue(
            session=session,
            number=1,
            symbol="TB-UBND",
            issued_on=NOTICE_ON,
            actor=people.staff,
            assignments={p.pk: province.agency for p in petitions},
        )
    for p in petitions:
        p.refresh_from_db()
    return petitions


def notice_deadlines_enforce(today=None):
    """The daily job, for the conclusion notices only."""
    from notifications.engine import deadlines_enforce
    from notifications.models import ObligationKind

    return deadlines_enforce(today=today, kinds=[ObligationKind.NOTICE])


def reply_deadlines_enforce(today=None):
    """The daily job, for the written replies and complex-case targets only."""
    from notifications.engine import deadlines_enforce
    from notifications.models import ObligationKind

    return deadlines_enforce(today=today, kinds=[ObligationKind.REPLY, ObligationKind.COMPLEX])
