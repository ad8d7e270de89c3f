"""The periodic-report chain's services: the calendar and its rounds, drafting, issuing (numbered,
frozen, sent), receipt, the compilation at the upper level, and the refusals."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Notification, ObligationKind
from regulations.states import DeadlineState
from reports import report_selectors as chain_selectors
from reports import services
from reports.models import CalendarEntry, PeriodicReport, RecipientRole, ReportDue, ReportingRound, ReportStatus
from reports.periods import Period
from reports.selectors import REPORT_KEYS, dashboard_data, figure_queryset, figures_by_unit
from tests import factories as f

from .chain import COMMUNE_DUE, PERIOD_END, PROVINCE_DUE, at, reply

pytestmark = pytest.mark.django_db


def draft(t, unit=None, actor=None, day=dt.date(2026, 6, 16)):
    with at(day):
        return services.report_create(
            unit=unit or t.commune, period=Period(kind="6m", year=2026), actor=actor or t.commune_staff
        )


def issue(report, actor, day=dt.date(2026, 6, 17), number=None, symbol=None):
    with at(day):
        symbol = symbol or services.default_report_symbol(report.unit)
        number = number or services.report_next_number(unit=report.unit, symbol=symbol, issued_on=day)
        return services.report_issue(report=report, number=number, symbol=symbol, issued_on=day, actor=actor)


# ---------------------------------------------------------------------------------------------
# The calendar and its rounds
# ---------------------------------------------------------------------------------------------


def test_default_calendar_reports_six_months_and_year_with_a_due_day_per_level(chain):
    entries = {(e.period_kind, e.level): e.due_days for e in CalendarEntry.objects.filter(calendar=chain.calendar)}
    assert {kind for kind, _level in entries} == {"6m", "year"}
    assert entries[("6m", "commune")] == 5 and entries[("6m", "province")] == 10
    with pytest.raises(ValidationError, match="đã có lịch báo cáo"):
        services.calendar_create_default(unit=chain.province)


def test_opening_a_round_lists_every_committee_and_government_with_its_level_due_day(chain):
    with at(dt.date(2026, 6, 1)):
        added = services.rounds_open()
    round_ = ReportingRound.objects.get(period_kind="6m", period_end=PERIOD_END)
    dues = {d.unit_id: d.due_on for d in ReportDue.objects.filter(round=round_)}
    t = chain
    assert set(dues) == {t.party.pk, t.ubnd.pk, t.commune.pk, t.commune_party.pk, t.commune2.pk, t.commune2_party.pk}
    assert dues[t.commune.pk] == COMMUNE_DUE and dues[t.ubnd.pk] == PROVINCE_DUE
    assert added >= 6  # plus the year 2026 and the earlier rounds since the calendar started
    with at(dt.date(2026, 6, 1)):
        assert services.rounds_open() == 0


def test_rounds_before_the_calendar_applies_are_never_opened(chain):
    with at(dt.date(2026, 6, 1)):
        services.rounds_open()
    assert not ReportingRound.objects.filter(period_end__lt=chain.calendar.starts_on).exists()
    assert set(ReportingRound.objects.values_list("period_kind", "period_end")) == {
        ("6m", PERIOD_END),
        ("year", dt.date(2026, 12, 14)),
    }


def test_a_unit_abolished_before_the_period_ends_owes_no_report(chain):
    chain.calendar.starts_on = dt.date(2025, 1, 1)
    chain.calendar.save()
    district = f.UnitFactory(
        name="UBND huyện cũ", parent=chain.province, level="district", active_to=dt.date(2025, 6, 30)
    )
    with at(dt.date(2026, 6, 1)):
        services.rounds_open()
    assert not ReportDue.objects.filter(unit=district, round__period_end=PERIOD_END).exists()
    assert ReportDue.objects.filter(unit=district, round__period_end=dt.date(2025, 6, 14)).exists()


# ---------------------------------------------------------------------------------------------
# Drafting
# ---------------------------------------------------------------------------------------------


def test_a_draft_states_the_dashboard_figures_and_predrafts_its_sections(chain):
    report = draft(chain)
    assert report.status == ReportStatus.DRAFT and report.number is None
    with at(dt.date(2026, 6, 16)):
        content = chain_selectors.report_content(chain.commune_staff, report)
        dashboard = dashboard_data(chain.commune_staff, chain.commune, report.period)
        # Each figure equals its drill-down list.
        for key in REPORT_KEYS:
            assert content.figures[key] == dashboard.figures[key]
            assert (
                content.figures[key] == figure_queryset(chain.commune_staff, key, chain.commune, report.period).count()
            )
    assert content.figures["sessions_held"] == 2 and content.figures["petitions_received"] == 5
    assert "đã tổ chức 2 hội nghị" in report.situation
    assert "Tổng số ý kiến, kiến nghị tiếp nhận tại các hội nghị: 5" in report.results
    assert "còn 2 kiến nghị quá hạn" in report.assessment
    assert report.signer_name == "Hà Văn Chủ Tịch" and report.signer_position == "Chủ tịch"
    assert "R1" not in report.situation + report.results + report.assessment


def test_no_report_for_a_period_not_ended(chain):
    with at(PERIOD_END), pytest.raises(ValidationError, match="kết thúc ngày 14/06/2026"):
        services.report_create(unit=chain.commune, period=Period(kind="6m", year=2026), actor=chain.commune_staff)
    assert not PeriodicReport.objects.exists()


@pytest.mark.parametrize("who", ["foreign_staff", "commune2_staff", "province_board", "commune_front_user"])
def test_no_report_for_a_unit_outside_the_drafters_scope(chain, who):
    with at(dt.date(2026, 6, 16)), pytest.raises(ValidationError, match="ngoài phạm vi"):
        services.report_create(unit=chain.commune, period=Period(kind="6m", year=2026), actor=getattr(chain, who))
    assert not PeriodicReport.objects.exists()


def test_one_report_per_unit_and_period(chain):
    draft(chain)
    with pytest.raises(ValidationError, match="đã có báo cáo"):
        draft(chain)
    assert PeriodicReport.objects.count() == 1


def test_an_issued_report_cannot_be_edited(chain):
    report = issue(draft(chain), chain.commune_staff)
    with pytest.raises(ValidationError, match="không sửa được"):
        services.report_update(report=report, actor=chain.commune_staff, situation="Khác")
    report.refresh_from_db()
    assert report.situation != "Khác"


# ---------------------------------------------------------------------------------------------
# Issuing
# ---------------------------------------------------------------------------------------------


def test_issuing_numbers_freezes_and_sends_to_the_upper_committee_the_same_level_committee_and_front(chain):
    t = chain
    report = issue(draft(t), t.commune_staff)
    assert report.status == ReportStatus.ISSUED and report.number == 1
    assert report.reference == "Số: 1/BC-UBND" and report.numbering_period == "2026"
    assert report.figures["petitions_received"] == 5 and report.tables["units"]
    recipients = {r.unit_id: r.role for r in report.recipients.all()}
    assert recipients == {
        t.party.pk: RecipientRole.UPPER_COMMITTEE,
        t.commune_party.pk: RecipientRole.COMMITTEE,
        t.commune_front.pk: RecipientRole.FRONT,
    }
    sent = Notification.objects.filter(obligation=ObligationKind.REPORT_SENT)
    # The province committee's office and head, and the commune's Front monitor.
    assert {n.recipient_id for n in sent} >= {t.province_staff.pk, t.province_leader.pk, t.commune_front_user.pk}
    assert t.foreign_staff.pk not in {n.recipient_id for n in sent}
    assert all(n.url == report.get_absolute_url() for n in sent)


def test_issuing_twice_is_refused_and_changes_nothing(chain):
    report = issue(draft(chain), chain.commune_staff)
    notifications = Notification.objects.count()
    with pytest.raises(ValidationError, match="đã được ban hành"):
        issue(report, chain.commune_staff, number=9)
    report.refresh_from_db()
    assert report.number == 1 and report.recipients.count() == 3
    assert Notification.objects.count() == notifications


def test_issuing_a_report_of_a_period_not_ended_is_refused(chain):
    report = PeriodicReport.objects.create(
        unit=chain.commune, scope_unit=chain.commune, subject="Báo cáo năm", period_kind="year", year=2026,
        cutoff_day=15, cutoff_month=12, period_start=dt.date(2025, 12, 15), period_end=dt.date(2026, 12, 14),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="kết thúc ngày 14/12/2026"):
        issue(report, chain.commune_staff)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.figures is None


def test_issuing_is_refused_outside_scope_with_a_used_number_and_before_the_cutoff(chain):
    report = draft(chain)
    with pytest.raises(ValidationError, match="ngoài phạm vi"):
        issue(report, chain.commune2_staff)
    other = issue(draft(chain, unit=chain.commune_party, actor=chain.commune_staff), chain.commune_staff)
    assert other.reference == "Số 1-BC/ĐU"
    with at(dt.date(2026, 6, 17)):
        with pytest.raises(ValidationError) as error:
            services.report_issue(
                report=report, number=1, symbol="BC-UBND", issued_on=PERIOD_END, actor=chain.commune_staff
            )
        assert "issued_on" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_numbering_restarts_each_calendar_year_for_state_units_and_each_term_for_party_units(chain):
    t = chain
    f_kwargs = dict(scope_unit=t.commune, subject="x", period_kind="6m", year=2025, cutoff_day=15, cutoff_month=12,
                    period_start=dt.date(2024, 12, 15), period_end=dt.date(2025, 6, 14), status="issued")  # fmt: skip
    PeriodicReport.objects.create(unit=t.commune, number=7, symbol="BC-UBND", numbering_period="2025", **f_kwargs)
    assert services.report_next_number(unit=t.commune, symbol="BC-UBND", issued_on=dt.date(2025, 12, 1)) == 8
    assert services.report_next_number(unit=t.commune, symbol="BC-UBND", issued_on=dt.date(2026, 1, 2)) == 1
    PeriodicReport.objects.create(unit=t.party, number=4, symbol="BC/TU", numbering_period="NK2025", **f_kwargs)
    assert services.report_next_number(unit=t.party, symbol="BC/TU", issued_on=dt.date(2026, 6, 20)) == 5
    assert services.report_next_number(unit=t.party, symbol="BC/TU", issued_on=dt.date(2025, 9, 30)) == 1


def test_an_issued_report_keeps_its_figures_and_shows_the_live_difference(chain):
    t = chain
    report = issue(draft(t), t.commune_staff)
    reply(t.p_waiting, dt.date(2026, 6, 18))  # a late reply recorded after issue
    with at(dt.date(2026, 6, 20)):
        content = chain_selectors.report_content(t.commune_staff, report)
    rows = {r["key"]: r for r in content.comparison()}
    assert rows["petitions_overdue"]["stated"] == 2 and rows["petitions_overdue"]["live"] == 1
    assert rows["petitions_overdue"]["difference"] == -1 and rows["petitions_late"]["difference"] == 1
    assert content.has_differences
    report.refresh_from_db()
    assert report.figures["petitions_overdue"] == 2


# ---------------------------------------------------------------------------------------------
# Receipt
# ---------------------------------------------------------------------------------------------


def test_opening_the_report_records_the_receipt_of_the_units_the_reader_acts_for_once(chain):
    t = chain
    report = issue(draft(t), t.commune_staff)
    with at(dt.date(2026, 6, 18)):
        assert services.report_receipts_on_open(report=report, user=t.province_staff) == 1
        assert services.report_receipts_on_open(report=report, user=t.province_staff) == 0
        assert services.report_receipts_on_open(report=report, user=t.commune2_staff) == 0
    received = {r.unit_id: r.received_on for r in report.recipients.all()}
    assert received[t.party.pk] == dt.date(2026, 6, 18)
    assert received[t.commune_front.pk] is None
    with at(dt.date(2026, 6, 19)):
        services.report_receipts_on_open(report=report, user=t.commune_front_user)
    assert report.recipients.get(unit=t.commune_front).received_on == dt.date(2026, 6, 19)


def test_a_receipt_day_before_the_report_or_by_an_outsider_is_refused(chain):
    t = chain
    report = issue(draft(t), t.commune_staff)
    recipient = report.recipients.get(unit=t.commune_front)
    with at(dt.date(2026, 6, 20)):
        with pytest.raises(ValidationError, match="trước ngày ban hành"):
            services.report_recipient_mark_received(
                recipient=recipient, received_on=dt.date(2026, 6, 16), actor=t.commune_front_user
            )
        with pytest.raises(ValidationError, match="không thuộc nơi nhận"):
            services.report_recipient_mark_received(
                recipient=recipient, received_on=dt.date(2026, 6, 18), actor=t.commune2_staff
            )
        services.report_recipient_mark_received(
            recipient=recipient, received_on=dt.date(2026, 6, 18), actor=t.commune_front_user
        )
    recipient.refresh_from_db()
    assert recipient.received_on == dt.date(2026, 6, 18) and recipient.received_by == t.commune_front_user


# ---------------------------------------------------------------------------------------------
# Compilation at the upper level
# ---------------------------------------------------------------------------------------------


def test_figures_by_unit_equal_each_units_dashboard(chain):
    t = chain
    period = Period(kind="6m", year=2026)
    units = [t.party, t.ubnd, t.commune, t.commune_party, t.commune2, t.commune2_party]
    with at(dt.date(2026, 6, 20)):
        by_unit = figures_by_unit(t.province_board, t.province, units, period)
        for unit in units:
            figures = dashboard_data(t.province_board, unit, period).figures
            assert by_unit[unit.pk] == {k: figures[k] for k in REPORT_KEYS}, unit.name
    # The province's petition assigned to the commune counts for both.
    assert by_unit[t.commune.pk]["petitions_received"] == 5
    assert by_unit[t.ubnd.pk]["petitions_received"] == 1


def test_the_compilation_sums_the_submitted_reports_beside_the_live_figures_and_names_the_missing(chain):
    t = chain
    on_time = issue(draft(t), t.commune_staff, day=dt.date(2026, 6, 17))
    late = issue(draft(t, unit=t.commune2, actor=t.commune2_staff), t.commune2_staff, day=dt.date(2026, 6, 22))
    ubnd = issue(draft(t, unit=t.ubnd, actor=t.province_staff), t.province_staff, day=dt.date(2026, 6, 23))
    reply(t.p_commune2, dt.date(2026, 6, 23))  # after commune 2 reported
    with at(dt.date(2026, 6, 25)):
        data = chain_selectors.compilation(t.province_board, t.province, Period(kind="6m", year=2026))
    states = {row["unit_id"]: row["state"] for row in data.rows}
    assert states[t.commune.pk] == DeadlineState.MET
    assert states[t.commune2.pk] == DeadlineState.MET_LATE
    assert states[t.ubnd.pk] == DeadlineState.MET
    assert states[t.party.pk] == states[t.commune_party.pk] == states[t.commune2_party.pk] == DeadlineState.OVERDUE
    assert data.counts == {
        "required": 6, "submitted": 3, "on_time": 2, "late": 1, "missing": 3, "not_due": 0, "draft": 0
    }  # fmt: skip
    assert set(data.tables["missing"]) == {t.party.name, t.commune_party.name, t.commune2_party.name}
    totals = data.tables["totals"]
    for key in REPORT_KEYS:
        assert totals["submitted"][key] == sum(r.figures[key] for r in (on_time, late, ubnd)), key
    assert data.tables["differences"] == {"petitions_overdue": -1, "petitions_late": 1, "petitions_replied": 1}
    row = next(r for r in data.rows if r["unit_id"] == t.commune2.pk)
    assert row["submitted"]["petitions_overdue"] == 1 and row["live"]["petitions_overdue"] == 0


def test_the_compiled_report_is_drafted_from_the_sums_and_issued_by_the_board(chain):
    t = chain
    issue(draft(t), t.commune_staff)
    with at(dt.date(2026, 6, 25)):
        report = services.compiled_report_create(
            area=t.province, issuing_unit=t.board, period=Period(kind="6m", year=2026), actor=t.province_board
        )
    assert "1/6 đơn vị đã gửi báo cáo" in report.situation
    assert t.commune2.name in report.situation
    assert report.signer_position == "Trưởng ban"
    report = issue(report, t.province_board, day=dt.date(2026, 6, 26))
    assert report.reference == "Số 1-BC/BDVTU"
    assert report.figures["petitions_received"] == 5
    assert report.tables["counts"]["missing"] == 5
    assert {r.role for r in report.recipients.all()} == {RecipientRole.COMMITTEE, RecipientRole.FRONT}


def test_a_compiled_report_is_refused_outside_scope_or_from_a_unit_that_cannot_issue_it(chain):
    t = chain
    period = Period(kind="6m", year=2026)
    with at(dt.date(2026, 6, 25)):
        with pytest.raises(ValidationError, match="ngoài phạm vi"):
            services.compiled_report_create(area=t.province, issuing_unit=t.board, period=period, actor=t.commune_staff)
        with pytest.raises(ValidationError, match="cấp ủy hoặc Ban Dân vận"):
            services.compiled_report_create(area=t.province, issuing_unit=t.ubnd, period=period, actor=t.province_board)
    assert not PeriodicReport.objects.exists()
