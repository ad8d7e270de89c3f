"""Demo of rules and units that change over time (issue 18): the regulation of Hòa Bình's
Standing Committee (Quy chế 07-QC/TU, 27/3/2019) governs the province until 30/6/2025; from
1/7/2025, after the merger into the new Phú Thọ province, the new province's regulation counts
in working days. The districts ended on 30/6/2025: a reorganisation passes what they still owed
to the communes that succeeded them, and leaves their closed history theirs; Hòa Bình's
provincial bodies end the same day and pass theirs to Phú Thọ's.

``seed_regulations`` runs before the sessions are recorded (each session and petition then
records the regulation its clock started under); ``seed_reorganisation`` runs at the end, once
the old units' sessions and petitions exist; then the successors send and answer what passed
to them (``seed_demo``'s ``_successors_act``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from demo.realism import clock_at
from ops.reorganisation import reorganisation_apply
from regulations.models import DayType, Regulation
from units.services import reorganisation_record

MERGER_DAY = dt.date(2025, 7, 1)


def province_on(units: dict, day: dt.date) -> dict:
    """The provincial bodies in office on ``day``: Hòa Bình's before the merger, Phú Thọ's from
    it (``units`` as ``seed_demo`` builds them: the top-level keys are Phú Thọ's, ``hb``
    Hòa Bình's)."""
    return units["hb"] if day < MERGER_DAY else units


def seed_regulations(*, units: dict) -> list[Regulation]:
    old = Regulation.objects.create(
        document_type="Quy chế",
        number="07-QC/TU",
        title="Quy chế tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân",
        issuing_body="Ban Thường vụ Tỉnh ủy Hòa Bình",
        issued_on=dt.date(2019, 3, 27),
        unit=units["hb"]["province"],
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
        unit=units["province"],
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
    """On 1/7/2025 Hòa Bình's provincial bodies end and Phú Thọ's succeed them, each to its
    counterpart; the districts end and their communes succeed them (area, party committee,
    People's Committee each to its counterpart). Then the open obligations move."""
    hb = units["hb"]
    province_steps = [(hb[key], units[key]) for key in ("province", "party", "ubnd", "front", "board")]
    province_steps += list(zip(hb["others"] + hb["agencies"], units["others"] + units["agencies"], strict=True))
    merger = reorganisation_record(
        name="Hợp nhất tỉnh Hòa Bình, tỉnh Vĩnh Phúc và tỉnh Phú Thọ thành tỉnh Phú Thọ",
        decision="Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh",
        effective_on=MERGER_DAY,
        steps=province_steps,
    )
    communes = {area.name: (area, party, ubnd) for area, party, ubnd in units["communes"]}
    successors = {
        "Thành phố Hòa Bình": communes["Phường Hòa Bình"],
        "Huyện Tân Lạc": communes["Xã Tân Lạc"],
        "Huyện Kỳ Sơn": communes["Xã Yên Quang"],
    }
    steps = []
    for district in units["districts"]:
        steps += list(zip(district, successors[district[0].name], strict=True))
    districts = reorganisation_record(
        name="Kết thúc hoạt động cấp huyện, sắp xếp đơn vị hành chính cấp xã",
        decision="Nghị quyết số 1683/NQ-UBTVQH15 ngày 16/6/2025",
        effective_on=MERGER_DAY,
        steps=steps,
    )
    counts: Counter[str] = Counter()
    # Applied by the daily job of 1/7/2025: the timeline and the notices carry that day.
    with clock_at(MERGER_DAY):
        for reorganisation in (merger, districts):
            counts.update(reorganisation_apply(reorganisation=reorganisation))
    return dict(counts)
