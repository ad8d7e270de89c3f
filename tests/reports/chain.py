"""A province for the periodic-report chain: the province's party committee, People's
Committee, Mass Mobilisation Board and Front; two communes, each with its party committee,
People's Committee and Front; the province's reporting calendar (6 months and year; cut-off
15/12), and dialogues with petitions in the first six months of 2026 (15/12/2025–14/06/2026).

Dates: the six months end on Sunday 14/06/2026; communes' reports are due five days later
(Friday 19/06/2026), the province's units' ten days later (Wednesday 24/06/2026)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from petitions.deadlines import reply_due_date
from petitions.models import PetitionStatus, WrittenReply
from reports.periods import Period
from reports.services import calendar_create_default
from tests import factories as f

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_END = dt.date(2026, 6, 14)
COMMUNE_DUE = dt.date(2026, 6, 19)
PROVINCE_DUE = dt.date(2026, 6, 24)


def at(day: dt.date):
    """Freeze the clock at 09:00 in Hanoi on ``day``."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=HANOI), tick=False)


def user(username, unit, role, organisation=None, **extra):
    account = f.UserFactory(username=username, **extra)
    f.MembershipFactory(user=account, unit=unit, role=role, organisation=organisation)
    return account


def assigned(session, unit, notice_on, **extra):
    values = dict(
        session=session,
        assigned_unit=unit,
        status=PetitionStatus.ASSIGNED,
        assigned_on=notice_on,
        reply_due_on=reply_due_date(notice_on),
    )
    values.update(extra)
    return f.PetitionFactory(**values)


def reply(petition, day, number="01/UBND"):
    WrittenReply.objects.create(
        petition=petition, unit=petition.assigned_unit, replied_on=day, number=number, summary="Đã giải quyết."
    )
    petition.status = PetitionStatus.REPLIED
    petition.responded_on = petition.responded_on or day
    petition.final_replied_on = day
    petition.save()
    return petition


@pytest.fixture
def six_months(settings):
    settings.REPORT_CUTOFF_DAY, settings.REPORT_CUTOFF_MONTH = 15, 12
    settings.REPORT_PERIOD_KINDS = ["6m", "year"]
    settings.REPORT_DUE_DAYS = {"commune": 5, "district": 7, "province": 10, "other": 10}
    settings.REPORT_REMINDER_DAYS = [5, 1]
    return Period(kind="6m", year=2026)


@pytest.fixture
def chain(province, six_months):
    t = province
    party_kind = f.PartyKindFactory()
    board_kind = f.UnitKindFactory(
        code="mass_mobilisation", name="Ban Dân vận", document_format="party", receives_mass_mobilisation_reports=True
    )
    front_kind = f.UnitKindFactory(code="front", name="Ủy ban MTTQ", is_front=True)
    t.board = f.UnitFactory(name="Ban Dân vận Tỉnh ủy Hòa Bình", parent=t.province, level="province", kind=board_kind,
                            symbol="BDVTU")  # fmt: skip
    t.front = f.UnitFactory(name="Ủy ban MTTQ tỉnh Hòa Bình", parent=t.province, level="province", kind=front_kind)
    t.commune_party = f.UnitFactory(
        name="Đảng ủy xã Tân Lạc", parent=t.commune_area, kind=party_kind, symbol="ĐU", place_name="Tân Lạc"
    )
    t.commune_front = f.UnitFactory(name="Ủy ban MTTQ xã Tân Lạc", parent=t.commune_area, kind=front_kind)
    t.area2 = f.UnitFactory(name="Xã Mai Châu", parent=t.province, kind=t.commune_area.kind, symbol="",
                            place_name="Mai Châu")  # fmt: skip
    t.commune2 = f.UnitFactory(name="UBND xã Mai Châu", parent=t.area2, place_name="Mai Châu")
    t.commune2_party = f.UnitFactory(name="Đảng ủy xã Mai Châu", parent=t.area2, kind=party_kind, symbol="ĐU",
                                     place_name="Mai Châu")  # fmt: skip
    # People
    t.province_staff = user("vp_tinh_uy", t.province, "staff", organisation=t.party)
    t.province_board = user("ban_dan_van", t.province, "board", organisation=t.board)
    t.province_front = user("mttq_tinh", t.province, "front", organisation=t.front)
    t.province_leader = user("bi_thu", t.province, "leader", organisation=t.party)
    t.commune_staff = user("vp_xa", t.commune_area, "staff")
    t.commune_front_user = user("mttq_xa", t.commune_area, "front")
    t.commune2_staff = user("vp_mai_chau", t.area2, "staff")
    t.agency_officer = user("so_nn", t.agency, "agency")
    t.foreign_staff = user("vp_phu_tho", t.other_province, "staff")
    t.chairman = f.UserFactory(username="chu_tich_xa")
    t.commune_head = f.LeaderFactory(unit=t.commune, full_name="Hà Văn Chủ Tịch", position="Chủ tịch UBND xã",
                                     user=t.chairman)  # fmt: skip
    f.LeaderFactory(unit=t.party, full_name="Bùi Văn Bí Thư", position="Bí thư Tỉnh ủy", user=t.province_leader)
    t.calendar = calendar_create_default(unit=t.province, starts_on=dt.date(2026, 1, 1))
    # Dialogues of the six months
    S = f.DialogueSessionFactory
    t.s_commune = S(organising_unit=t.commune, held_on=dt.date(2026, 3, 2), notice_issued_on=dt.date(2026, 3, 6))
    t.s_commune_adhoc = S(organising_unit=t.commune, held_on=dt.date(2026, 4, 10), kind="ad_hoc")
    t.s_commune2 = S(organising_unit=t.commune2, held_on=dt.date(2026, 2, 9), notice_issued_on=dt.date(2026, 2, 12))
    t.s_province = S(organising_unit=t.ubnd, held_on=dt.date(2026, 1, 12), notice_issued_on=dt.date(2026, 1, 15))
    notice = dt.date(2026, 3, 6)
    t.p_replied = reply(assigned(t.s_commune, t.commune, notice), dt.date(2026, 3, 20))
    t.p_late = reply(assigned(t.s_commune, t.commune, notice), dt.date(2026, 4, 30), number="02/UBND")
    t.p_waiting = assigned(t.s_commune, t.commune, notice)  # overdue from 06/04/2026
    t.p_clarified = f.PetitionFactory(session=t.s_commune, status=PetitionStatus.CLARIFIED)
    t.p_commune2 = assigned(t.s_commune2, t.commune2, dt.date(2026, 2, 12))
    # A province session assigning work to the commune: counted for both.
    t.p_from_province = assigned(t.s_province, t.commune, dt.date(2026, 1, 15))
    return t


def ns(**kwargs):
    return SimpleNamespace(**kwargs)
