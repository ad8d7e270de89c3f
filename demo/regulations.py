"""Demo of rules and units that change over time (issue 18): the regulation of Hòa Bình's
Standing Committee (Quy chế 07-QC/TU, 27/3/2019) governs the province until 30/6/2025; from
1/7/2025, after the merger into the new Phú Thọ province, the new province's regulation counts
in working days. The districts ended on 30/6/2025: a reorganisation passes what they still owed
to the communes that succeeded them, and leaves their closed history theirs.

``seed_regulations`` runs before the sessions are recorded (each session and petition then
records the regulation its clock started under); ``seed_reorganisation`` runs at the end, once
the districts' sessions and petitions exist."""

from __future__ import annotations

import datetime as dt

from ops.reorganisation import reorganisation_apply
from regulations.models import DayType, Regulation
from units.services import reorganisation_record

MERGER_DAY = dt.date(2025, 7, 1)


def seed_regulations(*, units: dict) -> list[Regulation]:
    province = units["province"]
    old = Regulation.objects.create(
        document_type="Quy chế",
        number="07-QC/TU",
        title="Quy chế tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân",
        issuing_body="Ban Thường vụ Tỉnh ủy Hòa Bình",
        issued_on=dt.date(2019, 3, 27),
        unit=province,
        effective_from=dt.date(2019, 3, 27),
        effective_to=MERGER_DAY - dt.timedelta(days=1),
        notice_days=10,
        notice_day_type=DayType.CALENDAR,
        reply_days=30,
        reply_day_type=DayType.CALENDAR,
        note="Hết hiệu lực khi hợp nhất tỉnh Hòa Bình vào tỉnh Phú Thọ (1/7/2025).",
    )
    new = Regulation.objects.create(
        document_type="Quy chế",
        number="05-QC/TU",
        title="Quy chế tiếp xúc, đối thoại trực tiếp của người đứng đầu cấp ủy, chính quyền tỉnh Phú Thọ với Nhân dân",
        issuing_body="Ban Thường vụ Tỉnh ủy Phú Thọ",
        issued_on=MERGER_DAY,
        unit=province,
        effective_from=MERGER_DAY,
        notice_days=7,
        notice_day_type=DayType.WORKING,
        reply_days=20,
        reply_day_type=DayType.WORKING,
        forwarded_days=20,
        forwarded_day_type=DayType.WORKING,
        supplementary_days=10,
        supplementary_day_type=DayType.WORKING,
        notice_reminder_days="3,1",
        reply_reminder_days="5,2",
        note="Áp dụng trên địa bàn tỉnh Phú Thọ (mới) từ ngày hợp nhất.",
    )
    return [old, new]


def seed_reorganisation(*, units: dict) -> dict[str, int]:
    """The districts end on 30/6/2025; their communes succeed them (area, party committee,
    People's Committee each to its counterpart), then the open obligations move."""
    communes = {area.name: (area, party, ubnd) for area, party, ubnd in units["communes"]}
    successors = {
        "Thành phố Hòa Bình": communes["Phường Hòa Bình"],
        "Huyện Tân Lạc": communes["Xã Tân Lạc"],
        "Huyện Kỳ Sơn": communes["Xã Yên Quang"],
    }
    steps = []
    for district in units["districts"]:
        steps += list(zip(district, successors[district[0].name], strict=True))
    reorganisation = reorganisation_record(
        name="Kết thúc hoạt động cấp huyện, sắp xếp đơn vị hành chính cấp xã",
        decision="Nghị quyết số 1683/NQ-UBTVQH15 ngày 16/6/2025",
        effective_on=MERGER_DAY,
        steps=steps,
    )
    return reorganisation_apply(reorganisation=reorganisation)
