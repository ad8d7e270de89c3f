"""Demo periodic reports: the province's reporting calendar; in the earlier rounds every unit
reported on time and the Board issued the compiled report; in the latest round whose due days
have passed some units reported on time, some late and some not at all (so the compilation,
the reminders and the escalations have something to show)."""

from __future__ import annotations

import datetime as dt

from reports import services
from reports.models import ReportDue, ReportingRound
from reports.report_selectors import compilation, with_submission


def seed_reports(*, units: dict, users: dict, today: dt.date) -> dict[str, int]:
    province, staff, board = units["province"], users["staff"], users["board"]
    starts_on = max(dt.date(today.year - 1, 1, 1), province.active_from or dt.date.min)
    calendar = services.calendar_create_default(unit=province, starts_on=starts_on)
    services.rounds_open(today)
    rounds = [
        r
        for r in ReportingRound.objects.filter(calendar=calendar).order_by("period_end", "period_kind")
        if max(r.dues.values_list("due_on", flat=True), default=today) < today - dt.timedelta(days=2)
    ]
    issued = 0
    for index, round_ in enumerate(rounds):
        latest = index == len(rounds) - 1
        dues = list(with_submission(ReportDue.objects.filter(round=round_), today).select_related("unit__kind"))
        for n, due in enumerate(sorted(dues, key=lambda d: d.unit.path)):
            # The latest round: on time, late, missing in turn (the province's own units on time).
            outcome = n % 3 if latest and due.unit.level != "province" else 0
            if outcome == 2:
                continue  # missing: the daily job escalates it
            on_time = max(round_.period_end + dt.timedelta(days=1), due.due_on - dt.timedelta(days=1))
            day = on_time if outcome == 0 else due.due_on + dt.timedelta(days=3)
            report = services.report_create(unit=due.unit, period=round_.period, actor=staff, today=today)
            symbol = services.default_report_symbol(due.unit)
            services.report_issue(
                report=report,
                number=services.report_next_number(unit=due.unit, symbol=symbol, issued_on=day),
                symbol=symbol,
                issued_on=day,
                actor=staff,
            )
            issued += 1
        if not latest:
            issuer = next(
                iter(services.compiled_issuers_for(province, today).filter(kind__code="mass_mobilisation")), None
            )
            if issuer is not None and compilation(board, province, round_.period, today).counts.get("required"):
                report = services.compiled_report_create(
                    area=province, issuing_unit=issuer, period=round_.period, actor=board, today=today
                )
                day = max(d.due_on for d in dues) + dt.timedelta(days=3)
                symbol = services.default_report_symbol(issuer)
                services.report_issue(
                    report=report,
                    number=services.report_next_number(unit=issuer, symbol=symbol, issued_on=day),
                    symbol=symbol,
                    issued_on=min(day, today),
                    actor=board,
                )
                issued += 1
    return {"rounds": len(rounds), "reports": issued}
