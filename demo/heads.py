"""Demo data of the heads' cycle, added by ``seed_demo`` after the sessions and petitions: annual
plans for last year and this year (most issued on time, some late, some drafts, some missing),
their planned dialogues (held by the demo's sessions, missed, or still to come), a head who left
office during the year and the successor, the chair's conclusions and commitments in every state
(done on time or late with evidence, open, overdue, assessed by the Front, withdrawn) and heads'
directions on petitions reported to them. Everything goes through the services."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from demo.realism import clock_at
from demo.regulations import province_on
from petitions.models import EventKind, Petition, PetitionEvent
from petitions.selectors import direction_leaders_for
from petitions.services import petition_direct
from petitions.workflow import Action, allows
from regulations.years import dialogue_year_bounds
from sessions import services as session_services
from sessions.models import DialogueSession, InvitedGroup, ItemAssessmentResult, ItemKind, SessionKind
from units.models import Leader, Unit, UnitKind
from units.selectors import active_during_q, bound_unit_q

PLANNED_TOPICS = [
    ("Đối thoại với nhân dân về công tác bồi thường, giải phóng mặt bằng", [InvitedGroup.PEOPLE, InvitedGroup.FRONT]),
    ("Đối thoại với doanh nghiệp, nhà đầu tư về tháo gỡ khó khăn sản xuất, kinh doanh", [InvitedGroup.BUSINESSES]),
    (
        "Đối thoại với MTTQ và các tổ chức chính trị - xã hội về xây dựng Đảng, chính quyền",
        [InvitedGroup.FRONT, InvitedGroup.SOCIO_POLITICAL],
    ),
    ("Đối thoại với đoàn viên, hội viên về xây dựng nông thôn mới", [InvitedGroup.MEMBERS, InvitedGroup.PEOPLE]),
    ("Đối thoại về bảo vệ môi trường, khai thác khoáng sản", [InvitedGroup.PEOPLE, InvitedGroup.BUSINESSES]),
    ("Đối thoại với cán bộ, công chức về cải cách thủ tục hành chính", [InvitedGroup.OFFICIALS]),
]
COMMITMENTS = [
    "Chỉ đạo khảo sát, sửa chữa tuyến đường liên xã bị xuống cấp trước mùa mưa bão.",
    "Giải quyết dứt điểm việc cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân xóm Bãi.",
    "Kiểm tra, xử lý nghiêm tình trạng khai thác cát trái phép gây sạt lở bờ sông.",
    "Bố trí kinh phí sửa chữa các phòng học xuống cấp của trường tiểu học.",
    "Công khai quy hoạch khu dân cư mới tại trụ sở UBND xã và trên cổng thông tin.",
    "Rà soát, giải quyết chế độ cho người có công còn tồn đọng.",
    "Tăng cường kiểm tra xe quá tải trên tuyến đường tỉnh.",
    "Hỗ trợ giống cây trồng cho các hộ bị thiệt hại do thiên tai.",
]
DIRECTIONS = [
    "Đề nghị đơn vị tiếp tục theo dõi, báo cáo kết quả giải quyết dứt điểm trong quý này.",
    "Yêu cầu làm rõ trách nhiệm, công khai kết quả giải quyết để nhân dân được biết.",
    "Giao đơn vị phối hợp với UBND cấp xã kiểm tra thực địa, báo cáo trước ngày 30 của tháng.",
]


def seed_heads(*, units: dict, users: dict, today: dt.date, seed: int = 11) -> dict[str, int]:
    """Add the heads' cycle to the demo province; returns what was created."""
    rng = random.Random(seed)
    staff, front, leader_user = users["staff"], users["front"], users["leader"]
    # The kinds bound by R1 (the admin can change them): party committees and People's Committees.
    UnitKind.objects.filter(Q(is_party_committee=True) | Q(code="peoples_committee")).update(
        bound_by_dialogue_rule=True
    )
    counts = {"plans": 0, "planned": 0, "held": 0, "items": 0, "directions": 0}
    _successor(units, staff, today)
    for year in (today.year - 1, today.year):
        _plans_of_year(year, rng, staff, today, counts)
    _items(units, rng, staff, front, today, counts)
    _directions(leader_user, rng, today, counts)
    return counts


def _successor(units, staff, today):
    """A commune chairman who left office during the year, and the successor: each their own
    count of dialogues chaired."""
    _area, _party, ubnd = units["communes"][0]
    old = Leader.objects.filter(unit=ubnd, term_end__isnull=True).order_by("term_start").first()
    change = today - dt.timedelta(days=90)
    if old is None or change <= old.term_start + dt.timedelta(days=30):
        return
    old.term_end = change
    old.save(update_fields=["term_end"])
    new = Leader.objects.create(
        unit=ubnd, full_name="Đinh Công Thành", position=old.position, term_start=change + dt.timedelta(days=1)
    )
    for session in DialogueSession.objects.filter(chair=old, held_on__gt=change, withdrawn_at__isnull=True):
        session_services.session_update(session=session, chair=new, chair_name=new.full_name, actor=staff)


def _chair_for(unit: Unit, start: dt.date, end: dt.date) -> Leader | None:
    return (
        Leader.objects.filter(unit=unit, term_start__lte=end)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=start))
        .order_by("-term_start")
        .first()
    )


def _plans_of_year(year, rng, staff, today, counts):
    start, end = dialogue_year_bounds(year)
    bound = Unit.objects.filter(bound_unit_q(), active_during_q(start, end)).select_related("kind").order_by("path")
    for unit in bound:
        roll = rng.random()
        if roll < 0.12:
            continue  # no plan at all: the Board's "without a plan"
        plan = session_services.plan_create(
            unit=unit,
            year=year,
            actor=staff,
            summary="Nắm bắt tâm tư, nguyện vọng của Nhân dân; giải quyết kịp thời kiến nghị chính đáng.",
        )
        counts["plans"] += 1
        chair = _chair_for(unit, start, end)
        if chair is None:
            continue
        active_from = max(start, unit.active_from or start)
        active_to = min(end, unit.active_to or end)
        months = sorted(
            rng.sample(range(active_from.month, active_to.month + 1), min(3, active_to.month - active_from.month + 1))
        )
        for n, month in enumerate(months):
            topic, invited = PLANNED_TOPICS[(unit.pk + n) % len(PLANNED_TOPICS)]
            kwargs = {"expected_month": month} if n % 2 == 0 else {"expected_quarter": (month - 1) // 3 + 1}
            session_services.planned_item_add(
                plan=plan,
                topic=topic,
                chair=chair,
                invited=invited,
                invited_note=f"Trên địa bàn {unit.place_name or unit.name}",
                actor=staff,
                **kwargs,
            )
            counts["planned"] += 1
        if year == today.year and roll < 0.3:
            continue  # still a draft
        late = rng.random() < 0.2
        issued_on = (
            plan.due_on + dt.timedelta(days=rng.randint(5, 40))
            if late
            else plan.due_on - dt.timedelta(days=rng.randint(0, 25))
        )
        issued_on = min(issued_on, today)
        if issued_on < dt.date(year - 1, 1, 1):
            continue
        plan = session_services.plan_issue(
            plan=plan, number=f"{rng.randint(10, 150)}-KH/{unit.symbol or 'VP'}", issued_on=issued_on, actor=staff
        )
        _hold(plan, rng, staff, counts)


def _hold(plan, rng, staff, counts):
    """Record some of the demo's sessions of the unit as held against the plan's dialogues; the
    others stay missed (their month has passed) or to come."""
    start, end = dialogue_year_bounds(plan.year)
    sessions = list(
        DialogueSession.objects.filter(
            organising_unit=plan.unit,
            kind=SessionKind.PERIODIC,
            planned_item__isnull=True,
            withdrawn_at__isnull=True,
            held_on__range=(start, end),
        ).order_by("held_on")
    )
    for item in plan.items.filter(withdrawn_at__isnull=True).order_by("expected_by"):
        if not sessions or rng.random() < 0.25:
            continue
        session = min(sessions, key=lambda s: abs((s.held_on - item.expected_by).days))
        sessions.remove(session)
        session_services.session_update(session=session, planned_item=item, actor=staff)
        counts["held"] += 1


def _items(units, rng, staff, front, today, counts):
    agencies = units["agencies"]
    candidates = list(
        DialogueSession.objects.filter(notice_issued_on__isnull=False, withdrawn_at__isnull=True)
        .select_related("organising_unit")
        .order_by("held_on")
    )
    # The latest sessions get commitments falling due in the coming days and weeks.
    for session, days in zip(reversed(candidates[-2:]), (2, 25)):
        session_services.conclusion_item_add(
            session=session,
            kind=ItemKind.COMMITMENT,
            text=rng.choice(COMMITMENTS),
            responsible_unit=agencies[0],
            target_on=today + dt.timedelta(days=days),
            actor=staff,
        )
        counts["items"] += 1
    withdrawn_one = False
    for session in candidates:
        if rng.random() > 0.45:
            continue
        province = province_on(units, session.held_on)
        for _n in range(rng.randint(1, 3)):
            unit = rng.choice(province["agencies"] + [province["ubnd"]])
            target = (
                None if rng.random() < 0.15 else session.held_on + dt.timedelta(days=rng.choice([30, 45, 60, 90, 120]))
            )
            # Recorded at the session, by the units in office that day.
            with clock_at(session.held_on):
                item = session_services.conclusion_item_add(
                    session=session,
                    kind=ItemKind.COMMITMENT if rng.random() < 0.6 else ItemKind.CONCLUSION,
                    text=rng.choice(COMMITMENTS),
                    responsible_unit=unit,
                    target_on=target,
                    actor=staff,
                )
                counts["items"] += 1
                if not withdrawn_one and rng.random() < 0.2:
                    session_services.conclusion_item_withdraw(
                        item=item, reason="Ghi nhầm nội dung kết luận.", actor=staff
                    )
                    withdrawn_one = True
                    continue
            done_on = _done_day(rng, session.held_on, target, today)
            if done_on is None or not unit.is_active_on(done_on):
                continue  # open, or overdue once its target has passed; or passed to the successor
            with clock_at(done_on):
                session_services.conclusion_item_complete(
                    item=item,
                    done_on=done_on,
                    note="Đơn vị đã triển khai thực hiện xong, có báo cáo kết quả gửi cơ quan tổ chức hội nghị.",
                    actor=staff,
                )
            assessed_on = done_on + dt.timedelta(days=rng.randint(1, 15))
            if assessed_on <= today and rng.random() < 0.5 and session.organising_unit.is_active_on(assessed_on):
                unsatisfied = rng.random() < 0.3
                with clock_at(assessed_on):
                    session_services.conclusion_item_assess(
                        item=item,
                        assessor=front,
                        result=ItemAssessmentResult.UNSATISFIED if unsatisfied else ItemAssessmentResult.SATISFIED,
                        reason="Kết quả chưa đạt như cam kết, nhân dân còn phản ánh." if unsatisfied else "",
                        assessed_on=assessed_on,
                        unit=province_on(units, assessed_on)["front"],
                    )


def _done_day(rng, held_on, target, today):
    roll = rng.random()
    if target is None:
        day = held_on + dt.timedelta(days=rng.randint(10, 90))
        return day if roll < 0.5 and day <= today else None
    if target < today:
        if roll < 0.5:
            return max(held_on, target - dt.timedelta(days=rng.randint(0, 20)))
        if roll < 0.75:
            return min(today, target + dt.timedelta(days=rng.randint(3, 30)))
        return None  # overdue
    if roll < 0.3:
        return max(held_on, min(today, target - dt.timedelta(days=rng.randint(5, 30))))
    return None


def _directions(leader_user, rng, today, counts):
    """The provincial party secretary directs on some answers reported to him."""
    events = (
        PetitionEvent.objects.filter(
            kind__in=[EventKind.REPLIED, EventKind.FORWARDED, EventKind.COMPLEX_NOTICE],
            petition__session__organising_unit__parent__parent__isnull=True,
        )
        .select_related("petition")
        .order_by("-at")[:60]
    )
    done = set()
    for event in events:
        petition = Petition.objects.select_related("session__organising_unit__kind").get(pk=event.petition_id)
        if petition.pk in done or not allows(petition.status, Action.DIRECT) or rng.random() < 0.6:
            continue
        leaders = [h for h in direction_leaders_for(leader_user, petition, today) if h.user_id == leader_user.pk]
        if not leaders:
            continue
        petition_direct(
            petition=petition,
            leader=leaders[0],
            text=rng.choice(DIRECTIONS),
            actor=leader_user,
            given_on=max(petition.assigned_on or today, min(today, event.at.date() + dt.timedelta(days=2))),
        )
        done.add(petition.pk)
        counts["directions"] += 1
        if counts["directions"] >= 12:
            return
