"""Demo of plan items passing to a successor (issue 18): the districts drew up their 2025
dialogue plans in January 2025, before the resolution that ended them on 30/6/2025, and planned
dialogues for the second half of the year too. Those still to hold on 1/7/2025 pass to the plan
of the commune that succeeded each district (``seed_reorganisation`` runs after this), which
shows where each came from; the commune's staff are told."""

from __future__ import annotations

from sessions import services as session_services
from sessions.models import DialoguePlan, PlanStatus

YEAR = 2025
AHEAD = [
    ("Đối thoại với Nhân dân về giải phóng mặt bằng các dự án giao thông", ["people", "front"], {"expected_month": 9}),
    (
        "Đối thoại với hội viên nông dân về chuyển đổi cơ cấu cây trồng",
        ["members", "socio_political"],
        {"expected_quarter": 4},
    ),
]


def seed_district_plans_ahead(*, units: dict, staff) -> int:
    """Add to each district's issued 2025 plan the dialogues it planned after June; returns
    how many were added."""
    added = 0
    district_units = [unit for district in units["districts"] for unit in district]
    plans = DialoguePlan.objects.filter(unit__in=district_units, year=YEAR, status=PlanStatus.ISSUED).order_by("pk")
    for plan in plans:
        first = plan.items.filter(withdrawn_at__isnull=True).select_related("chair").order_by("pk").first()
        if first is None:
            continue
        for topic, invited, when in AHEAD:
            session_services.planned_item_add(
                plan=plan,
                topic=topic,
                chair=first.chair,
                invited=invited,
                invited_note=first.invited_note,
                actor=staff,
                **when,
            )
            added += 1
    return added
