"""A province with sessions and petitions in every state, for the dashboard tests.

Today is frozen at 20/03/2026; the report year 2026 (cut-off 15/12) runs 15/12/2025–14/12/2026.
Rows are built with factories, setting the stored legal dates directly, the way the services
leave them.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from petitions.deadlines import reply_due_date
from petitions.models import Field, Forwarding, Petition, PetitionStatus, WrittenReply
from reports.periods import Period
from tests import factories as f

TODAY = dt.date(2026, 3, 20)


@pytest.fixture
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        assert timezone.localdate() == TODAY
        yield TODAY


@pytest.fixture
def year_2026(settings):
    settings.REPORT_CUTOFF_DAY = 15
    settings.REPORT_CUTOFF_MONTH = 12
    return Period(kind="year", year=2026)


def make_user(username, unit, role, organisation=None):
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, unit=unit, role=role, organisation=organisation)
    return user


def assigned(session, unit, *, notice_on, field=None, **extra):
    """A petition assigned by a notice issued on ``notice_on``."""
    values = dict(
        session=session,
        assigned_unit=unit,
        status=PetitionStatus.ASSIGNED,
        assigned_on=notice_on,
        reply_due_on=reply_due_date(notice_on),
    )
    values.update(extra)
    if field is not None:
        values["field"] = field
    return f.PetitionFactory(**values)


def reply_to(petition, day, number="01/UBND-TL"):
    reply = WrittenReply.objects.create(
        petition=petition, unit=petition.assigned_unit, replied_on=day, number=number, summary="Đã giải quyết xong."
    )
    petition.status = PetitionStatus.REPLIED
    petition.responded_on = petition.responded_on or day
    petition.final_replied_on = day
    petition.save()
    return reply


@pytest.fixture
def world(province, frozen_today, year_2026):
    """Sessions and petitions covering every state, plus an out-of-scope province."""
    t = province
    land = f.FieldFactory(name="Đất đai")
    env = f.FieldFactory(name="Môi trường")
    t.land, t.env = land, env
    t.commune2 = f.UnitFactory(name="UBND xã Mường Khến", parent=t.commune_area, place_name="Mường Khến")
    t.district = f.UnitFactory(
        name="UBND huyện Tân Lạc (cũ)", parent=t.province, level="district", active_to=dt.date(2026, 6, 30)
    )
    t.retired = f.UnitFactory(
        name="UBND huyện Lương Sơn (cũ)", parent=t.province, level="district", active_to=dt.date(2025, 6, 30)
    )
    # Sessions ----------------------------------------------------------------------------
    S = f.DialogueSessionFactory
    t.s_on_time = S(organising_unit=t.ubnd, held_on=dt.date(2026, 1, 5), notice_issued_on=dt.date(2026, 1, 10))
    t.s_late = S(
        organising_unit=t.party, held_on=dt.date(2026, 2, 2), kind="ad_hoc", notice_issued_on=dt.date(2026, 2, 27)
    )
    t.s_overdue = S(organising_unit=t.commune, held_on=dt.date(2026, 3, 2))
    t.s_pending = S(organising_unit=t.commune, held_on=dt.date(2026, 3, 18))
    t.s_district = S(organising_unit=t.district, held_on=dt.date(2026, 2, 20), notice_issued_on=dt.date(2026, 2, 25))
    t.s_before = S(organising_unit=t.ubnd, held_on=dt.date(2025, 12, 1), notice_issued_on=dt.date(2025, 12, 5))
    t.s_withdrawn = S(organising_unit=t.ubnd, held_on=dt.date(2026, 1, 20), withdrawn_at=timezone.now())
    t.s_future = S(organising_unit=t.commune2, held_on=dt.date(2026, 4, 10))
    t.s_foreign = S(organising_unit=t.other_ubnd, held_on=dt.date(2026, 1, 8))
    # Petitions -----------------------------------------------------------------------------
    notice = dt.date(2026, 1, 10)
    P = f.PetitionFactory
    t.p_clarified = P(
        session=t.s_on_time,
        status=PetitionStatus.CLARIFIED,
        clarified_at_conference=True,
        conference_answer="Đã trả lời",
    )
    t.p_met = assigned(t.s_on_time, t.agency, notice_on=notice, field=land)
    t.r_met = reply_to(t.p_met, dt.date(2026, 1, 20))
    t.p_met.assessment = "unsatisfied"
    t.p_met.save()
    t.p_late = assigned(t.s_on_time, t.agency, notice_on=notice, field=env)
    t.r_late = reply_to(t.p_late, dt.date(2026, 3, 1), number="02/SNN")
    t.p_satisfied = assigned(t.s_on_time, t.commune, notice_on=notice, field=land)
    t.r_satisfied = reply_to(t.p_satisfied, dt.date(2026, 1, 25), number="03/UBND")
    t.p_satisfied.assessment = "satisfied"
    t.p_satisfied.save()
    t.p_overdue = assigned(t.s_on_time, t.agency, notice_on=notice, field=land)
    t.p_forwarded = assigned(t.s_on_time, t.agency, notice_on=notice, field=None)
    Forwarding.objects.create(
        petition=t.p_forwarded,
        from_unit=t.agency,
        to_unit=t.ubnd,
        forwarded_on=dt.date(2026, 1, 15),
        reason="Thẩm quyền tỉnh",
    )
    t.p_forwarded.field = None  # a petition without a field
    t.p_forwarded.status = PetitionStatus.FORWARDED
    t.p_forwarded.responded_on = dt.date(2026, 1, 15)
    t.p_forwarded.save()
    t.p_complex = assigned(
        t.s_on_time,
        t.commune,
        notice_on=notice,
        field=env,
        status=PetitionStatus.COMPLEX,
        responded_on=dt.date(2026, 1, 30),
        complex_target_on=dt.date(2026, 3, 10),
    )
    t.p_open = assigned(t.s_late, t.ubnd, notice_on=dt.date(2026, 2, 27), field=land)
    t.p_due_soon = assigned(t.s_district, t.district, notice_on=dt.date(2026, 2, 20), field=land)
    t.p_withdrawn = assigned(t.s_on_time, t.agency, notice_on=notice, status=PetitionStatus.WITHDRAWN)
    t.p_recorded = P(session=t.s_overdue, field=env)
    t.p_recorded2 = P(session=t.s_pending, field=land)
    t.p_before = assigned(t.s_before, t.agency, notice_on=dt.date(2025, 12, 5), field=land)
    t.p_in_withdrawn_session = P(session=t.s_withdrawn)
    t.p_foreign = assigned(t.s_foreign, t.other_ubnd, notice_on=dt.date(2026, 1, 10), field=land)
    # Users ---------------------------------------------------------------------------------
    t.board = make_user("board", t.province, "board")
    t.commune_board = make_user("commune_board", t.commune_area, "board")
    t.front = make_user("front", t.province, "front")
    t.commune_front = make_user("commune_front", t.commune_area, "front")
    t.foreign_board = make_user("foreign_board", t.other_province, "board")
    t.agency_officer = make_user("agency_officer", t.agency, "agency")
    return t


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


def petition_count():
    return Petition.objects.count()


def fields():
    return Field.objects.all()


# The periodic-report chain's province (tests/reports/chain.py).
from .chain import chain, six_months  # noqa: E402, F401
