"""The reporting calendar's obligation in the deadline engine: the daily job opens the round and
reminds each unit's staff before its due day, escalates after it to the unit's heads and the
Board above, once per key however often it runs, and stops once the report is issued."""

import datetime as dt

import pytest
from django.core.management import call_command

from notifications.engine import OBLIGATIONS, deadlines_enforce
from notifications.models import Notification, ObligationKind
from reports import services
from reports.models import ReportDue
from reports.periods import Period

from .chain import COMMUNE_DUE, PERIOD_END, PROVINCE_DUE, at

pytestmark = pytest.mark.django_db


def run(day):
    with at(day):
        return deadlines_enforce(kinds=[ObligationKind.REPORT])


def sent(unit=None, stage=None):
    qs = Notification.objects.filter(obligation=ObligationKind.REPORT)
    if unit is not None:
        qs = qs.filter(object_id__in=ReportDue.objects.filter(unit=unit).values("pk"))
    if stage is not None:
        qs = qs.filter(stage=stage)
    return qs


def test_the_report_obligation_is_registered_with_the_others():
    kinds = list(OBLIGATIONS)
    # The petition's clocks run in the order of the cycle: notice, then reply, then complex cases.
    assert [k for k in kinds if k in ("notice", "reply", "complex")] == ["notice", "reply", "complex"]
    assert ObligationKind.REPORT in OBLIGATIONS


def test_the_daily_job_opens_the_round_and_reminds_the_commune_staff_five_days_before(chain):
    run(COMMUNE_DUE - dt.timedelta(days=5))
    assert ReportDue.objects.filter(unit=chain.commune, due_on=COMMUNE_DUE).exists()
    reminders = sent(chain.commune, "remind_5")
    assert {n.recipient_id for n in reminders} == {chain.commune_staff.pk}
    n = reminders.get()
    assert "còn 5 ngày" in n.title and "6 tháng năm 2026" in n.title and "19/06/2026" in n.body
    assert n.url.startswith("/bao-cao/dinh-ky/lap/?") and f"unit={chain.commune.pk}" in n.url
    assert "cán bộ văn phòng của đơn vị phải gửi báo cáo" in n.body
    # The province's units are due later: not yet.
    assert not sent(chain.ubnd).exists()


def test_reminders_and_escalation_are_recorded_once_per_key_however_often_the_job_runs(chain):
    days = [COMMUNE_DUE - dt.timedelta(days=5), COMMUNE_DUE - dt.timedelta(days=1), COMMUNE_DUE + dt.timedelta(days=1)]
    first = [run(day).total_created for day in days]
    assert all(n > 0 for n in first)
    total = Notification.objects.count()
    again = [run(day).total_created for day in days]
    assert again == [0, 0, 0]
    with at(days[-1]):
        call_command("enforce_deadlines", "--no-email", stdout=__import__("io").StringIO())
    assert sent().count() == total
    keys = list(sent().values_list("object_id", "stage", "recipient_id"))
    assert len(keys) == len(set(keys))


def test_an_overdue_report_is_escalated_to_the_heads_and_the_board_above(chain):
    t = chain
    run(COMMUNE_DUE + dt.timedelta(days=1))
    overdue = sent(t.commune, "overdue")
    recipients = {n.recipient_id for n in overdue}
    assert recipients == {t.commune_staff.pk, t.chairman.pk, t.province_board.pk}
    board = overdue.get(recipient=t.province_board)
    assert board.title == "Quá hạn gửi báo cáo 6 tháng năm 2026: UBND xã Tân Lạc"
    assert "Ban Dân vận" in board.body
    assert t.foreign_staff.pk not in {n.recipient_id for n in sent()}


def test_a_report_issued_in_time_stops_the_reminders(chain):
    t = chain
    run(COMMUNE_DUE - dt.timedelta(days=5))
    with at(dt.date(2026, 6, 16)):
        report = services.report_create(unit=t.commune, period=Period(kind="6m", year=2026), actor=t.commune_staff)
        services.report_issue(
            report=report, number=1, symbol="BC-UBND", issued_on=dt.date(2026, 6, 16), actor=t.commune_staff
        )
    run(COMMUNE_DUE - dt.timedelta(days=1))
    run(COMMUNE_DUE + dt.timedelta(days=3))
    assert set(sent(t.commune).values_list("stage", flat=True)) == {"remind_5"}
    # The others still owe theirs.
    assert sent(t.commune2, "overdue").exists()


def test_province_units_are_chased_on_their_own_later_due_day(chain):
    t = chain
    run(PERIOD_END + dt.timedelta(days=1))
    assert not sent(t.ubnd).exists()
    run(PROVINCE_DUE - dt.timedelta(days=1))
    assert {n.recipient_id for n in sent(t.ubnd, "remind_1")} == {t.province_staff.pk}
    run(PROVINCE_DUE + dt.timedelta(days=1))
    # A province unit's report is compiled by the province's own Board.
    assert t.province_board.pk in {n.recipient_id for n in sent(t.ubnd, "overdue")}
