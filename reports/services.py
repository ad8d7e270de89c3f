"""Writes of the periodic-report chain: the reporting calendar and the rounds it opens, a unit's
report and a compiled report from draft to issued (numbered like the conclusion notices,
figures frozen, sent to its recipients with a notification each), the signed scan, and the
recipients' receipt days.

Each service runs in one transaction and refuses bad input with a clear Vietnamese message,
changing nothing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.dates import vn_date
from common.uploads import validate_document
from notifications.engine import Directory, unit_parents
from notifications.models import EmailStatus, Notification, ObligationKind
from regulations.deadlines import WorkCalendar, due_date_after
from regulations.selectors import regulation_for, regulations_for
from sessions.services import numbering_period
from units.access import scope_of
from units.models import DocumentFormat, Leader, Role, Unit, UnitLevel
from units.selectors import leaders_in_office_q

from . import narrative, report_selectors
from .models import (
    SECTION_FIELDS,
    CalendarEntry,
    PeriodicReport,
    RecipientRole,
    ReportDue,
    ReportingCalendar,
    ReportingRound,
    ReportKind,
    ReportRecipient,
    ReportStatus,
)
from .periods import Cutoff, Period, PeriodKind, current_period
from .selectors import reporting_units_q

EDITABLE_FIELDS = ("subject", *SECTION_FIELDS, "signer_capacity", "signer_position", "signer_name", "extra_recipients")


# ---------------------------------------------------------------------------------------------
# The calendar and its rounds
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def calendar_create_default(*, unit: Unit, starts_on: dt.date | None = None) -> ReportingCalendar:
    """The calendar a province starts with, from the regulation in force for it when the calendar
    starts (its reporting parameters: the cut-off, the periods, each level's due days), or from
    the settings (``REPORT_CUTOFF_*``, ``REPORT_PERIOD_KINDS``, ``REPORT_DUE_DAYS``) without one;
    then kept as data, edited in the admin."""
    if ReportingCalendar.objects.filter(unit=unit).exists():
        raise ValidationError(_("%(unit)s đã có lịch báo cáo.") % {"unit": unit})
    starts_on = starts_on or timezone.localdate()
    # A calendar cannot apply before its unit exists: the regulation of its first day governs.
    rules = regulation_for(unit, max(starts_on, unit.active_from or starts_on))
    kinds = [k for k in rules.report_period_kinds if k in dict(PeriodKind.CHOICES)]
    if not kinds:
        raise ValidationError(_("Lịch báo cáo phải có ít nhất một kỳ báo cáo."))
    cutoff = Cutoff(day=rules.report_cutoff_day, month=rules.report_cutoff_month)
    calendar = ReportingCalendar.objects.create(
        unit=unit,
        cutoff_day=cutoff.day,
        cutoff_month=cutoff.month,
        starts_on=starts_on,
    )
    days = rules.report_due_days
    CalendarEntry.objects.bulk_create(
        CalendarEntry(
            calendar=calendar, period_kind=kind, level=level, due_days=int(days.get(level, days.get("other", 10)))
        )
        for kind in kinds
        for level in UnitLevel.values
    )
    return calendar


def _periods_begun(calendar: ReportingCalendar, today: dt.date) -> list[Period]:
    """The periods of the calendar that have begun by ``today`` and end on or after the day the
    calendar applies from: this one and the one before, of every kind it uses."""
    found = []
    kinds = sorted({e.period_kind for e in calendar.entries.all()})
    for kind in kinds:
        current = current_period(kind, calendar.cutoff, today)
        for period in (current.previous(), current):
            if period.start <= today and period.end >= calendar.starts_on:
                found.append(period)
    return found


@transaction.atomic
def round_open(
    *, calendar: ReportingCalendar, period: Period, calendar_days: WorkCalendar | None = None
) -> tuple[ReportingRound, int]:
    """Open ``period``'s round of ``calendar`` (once) and record every unit that owes a report
    for it (the party committees and People's Committees of the calendar's subtree active on the
    period's last day, outside a deeper calendar), each with its level's due day. Running it
    again adds only units that are missing. Returns the round and the number of units added."""
    if period.cutoff != calendar.cutoff:
        raise ValidationError(_("Kỳ báo cáo không theo ngày chốt số liệu của lịch báo cáo."))
    due_days = report_selectors.due_days_for(calendar, period.kind)
    if not due_days:
        raise ValidationError(
            _("Lịch báo cáo của %(unit)s không có kỳ “%(kind)s”.")
            % {"unit": calendar.unit, "kind": dict(PeriodKind.CHOICES)[period.kind]}
        )
    round_, _created = ReportingRound.objects.get_or_create(
        calendar=calendar,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        defaults={
            "year": period.year,
            "month": period.month,
            "cutoff_day": period.cutoff.day,
            "cutoff_month": period.cutoff.month,
        },
    )
    end = period.end
    units = Unit.objects.filter(path__startswith=calendar.unit.path).filter(reporting_units_q())
    units = units.filter(report_selectors.active_on_q(end))
    deeper = ReportingCalendar.objects.filter(unit__path__startswith=calendar.unit.path).exclude(pk=calendar.pk)
    for path in deeper.values_list("unit__path", flat=True):
        units = units.exclude(path__startswith=path)
    calendar_days = calendar_days or WorkCalendar()
    due_on = {}
    for level, days in due_days.items():
        due_on[level] = due_date_after(end, days, calendar=calendar_days)
    fallback = due_on.get(UnitLevel.OTHER) or max(due_on.values())
    # A unit that passed its due to a successor (reorganisation) owes nothing more in this round.
    existing = set()
    for unit_id, moved_from_id in ReportDue.objects.filter(round=round_).values_list("unit_id", "moved_from_id"):
        existing.update((unit_id, moved_from_id))
    missing = [u for u in units.only("pk", "path", "level") if u.pk not in existing]
    # Each due keeps the regulation in force for its unit on the period's last day: its
    # reminder stages come from it.
    rules = regulations_for(missing, end) if missing else {}
    new = [
        ReportDue(
            round=round_, unit_id=u.pk, due_on=due_on.get(u.level, fallback), regulation_id=rules[u.pk].regulation_id
        )
        for u in missing
    ]
    ReportDue.objects.bulk_create(new, ignore_conflicts=True)
    return round_, len(new)


def rounds_open(today: dt.date | None = None) -> int:
    """The daily step before the reminders: open every round that has begun in every active
    calendar. Idempotent; returns the number of units added."""
    today = today or timezone.localdate()
    added = 0
    calendar_days = WorkCalendar()
    for calendar in ReportingCalendar.objects.filter(is_active=True).select_related("unit").prefetch_related("entries"):
        for period in _periods_begun(calendar, today):
            _round, count = round_open(calendar=calendar, period=period, calendar_days=calendar_days)
            added += count
    return added


def _round_ensure(unit: Unit, period: Period, today: dt.date) -> None:
    """Open the round a report belongs to if its calendar has it and it has begun."""
    calendar = report_selectors.calendar_for(unit)
    if calendar is None or period.cutoff != calendar.cutoff or period.end < calendar.starts_on:
        return
    if report_selectors.due_days_for(calendar, period.kind) and period.start <= today:
        round_open(calendar=calendar, period=period)


# ---------------------------------------------------------------------------------------------
# Drafts
# ---------------------------------------------------------------------------------------------


def _check_period_ended(period: Period, today: dt.date) -> None:
    if today <= period.end:
        raise ValidationError(
            _("Kỳ báo cáo %(period)s kết thúc ngày %(end)s: chỉ lập và ban hành báo cáo từ ngày %(next)s.")
            % {"period": period.name, "end": vn_date(period.end), "next": vn_date(period.end + dt.timedelta(days=1))}
        )


def _head_of(unit: Unit, day: dt.date) -> Leader | None:
    return Leader.objects.filter(leaders_in_office_q(day), unit=unit).order_by("-term_start").first()


def _report_period_fields(period: Period) -> dict:
    return {
        "period_kind": period.kind,
        "year": period.year,
        "month": period.month,
        "cutoff_day": period.cutoff.day,
        "cutoff_month": period.cutoff.month,
        "period_start": period.start,
        "period_end": period.end,
    }


def _existing(*, kind: str, unit: Unit, scope_unit: Unit, period: Period) -> PeriodicReport | None:
    return PeriodicReport.objects.filter(
        kind=kind, unit=unit, scope_unit=scope_unit, period_kind=period.kind,
        period_start=period.start, period_end=period.end,
    ).first()  # fmt: skip


def _save_new(report: PeriodicReport) -> PeriodicReport:
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(_("Đơn vị đã có báo cáo cho kỳ này.")) from None
    return report


def report_create(*, unit: Unit, period: Period, actor, today: dt.date | None = None) -> PeriodicReport:
    """A unit's report for ``period`` as a draft, by the staff over the unit: the narrative
    pre-drafted from the period's figures (the dashboard's), the signer from its head. One
    report per unit and period; the period must have ended. Written in Vietnamese whatever the
    drafter's interface language (it is an official document)."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _report_create(unit=unit, period=period, actor=actor, today=today)


def _report_create(*, unit: Unit, period: Period, actor, today: dt.date | None) -> PeriodicReport:
    today = today or timezone.localdate()
    if not scope_of(actor).covers(unit, report_selectors.UNIT_WRITERS):
        raise ValidationError(_("Đơn vị %(unit)s nằm ngoài phạm vi được lập báo cáo của anh/chị.") % {"unit": unit})
    if not Unit.objects.filter(reporting_units_q(), pk=unit.pk).exists():
        raise ValidationError(_("Chỉ cấp ủy, chính quyền (người đứng đầu) lập báo cáo định kỳ này."))
    _check_period_ended(period, today)
    existing = _existing(kind=ReportKind.UNIT, unit=unit, scope_unit=unit, period=period)
    if existing is not None:
        raise ValidationError(
            _("%(unit)s đã có báo cáo %(period)s (%(status)s).")
            % {"unit": unit, "period": period.name, "status": existing.get_status_display()}
        )
    _round_ensure(unit, period, today)
    report = PeriodicReport(
        kind=ReportKind.UNIT, unit=unit, scope_unit=unit, created_by=actor, subject=narrative.default_subject(period),
        symbol=default_report_symbol(unit), **_report_period_fields(period),
    )  # fmt: skip
    figures, _tables, missing = report_selectors.live_content(actor, report, today)
    rules = regulation_for(unit, min(period.end, today))
    for name, text in narrative.unit_sections(unit, period, figures, missing, rules).items():
        setattr(report, name, text)
    for name, value in narrative.default_signer(unit, _head_of(unit, today)).items():
        setattr(report, name, value)
    return _save_new(report)


def compiled_issuers_for(area: Unit, day: dt.date):
    """Units of a locality that may issue its compiled report: its party committee and its
    Mass Mobilisation Board(s), directly under it and active on ``day``."""
    return (
        Unit.objects.filter(parent=area)
        .filter(Q(kind__is_party_committee=True) | Q(kind__receives_mass_mobilisation_reports=True))
        .filter(report_selectors.active_on_q(day))
        .select_related("kind")
        .order_by("path")
    )


def compiled_report_create(
    *, area: Unit, issuing_unit: Unit, period: Period, actor, today: dt.date | None = None
) -> PeriodicReport:
    """The compiled report of a locality for ``period`` as a draft, by its staff or Board: its
    narrative pre-drafted from the sums of the reports its units submitted, naming the missing
    ones. Issued by the locality's party committee or Board."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _compiled_report_create(area=area, issuing_unit=issuing_unit, period=period, actor=actor, today=today)


def _compiled_report_create(
    *, area: Unit, issuing_unit: Unit, period: Period, actor, today: dt.date | None
) -> PeriodicReport:
    today = today or timezone.localdate()
    if not report_selectors.can_compile(actor, area):
        raise ValidationError(_("Địa bàn %(unit)s nằm ngoài phạm vi tổng hợp của anh/chị.") % {"unit": area})
    if not compiled_issuers_for(area, today).filter(pk=issuing_unit.pk).exists():
        raise ValidationError(
            {"issuing_unit": _("Cơ quan ban hành báo cáo tổng hợp phải là cấp ủy hoặc Ban Dân vận của %(unit)s.")
             % {"unit": area}}
        )  # fmt: skip
    calendar = report_selectors.calendar_for(area)
    if calendar is not None and period.cutoff != calendar.cutoff:
        raise ValidationError(_("Kỳ báo cáo không theo ngày chốt số liệu của lịch báo cáo."))
    _check_period_ended(period, today)
    existing = _existing(kind=ReportKind.COMPILED, unit=issuing_unit, scope_unit=area, period=period)
    if existing is not None:
        raise ValidationError(
            _("%(unit)s đã có báo cáo tổng hợp %(period)s (%(status)s).")
            % {"unit": issuing_unit, "period": period.name, "status": existing.get_status_display()}
        )
    _round_ensure(area, period, today)
    report = PeriodicReport(
        kind=ReportKind.COMPILED, unit=issuing_unit, scope_unit=area, created_by=actor,
        subject=narrative.compiled_subject(period), symbol=default_report_symbol(issuing_unit),
        **_report_period_fields(period),
    )  # fmt: skip
    _figures, tables, _missing = report_selectors.live_content(actor, report, today)
    rules = regulation_for(area, min(period.end, today))
    for name, text in narrative.compiled_sections(area, period, tables, rules).items():
        setattr(report, name, text)
    for name, value in narrative.default_signer(issuing_unit, _head_of(issuing_unit, today)).items():
        setattr(report, name, value)
    return _save_new(report)


def _lock(report: PeriodicReport) -> PeriodicReport:
    return PeriodicReport.objects.select_for_update().select_related("unit__kind", "scope_unit").get(pk=report.pk)


def _check_writer(report: PeriodicReport, actor) -> None:
    if not report_selectors.can_write_report(actor, report):
        raise ValidationError(_("Báo cáo này nằm ngoài phạm vi được lập báo cáo của anh/chị."))


@transaction.atomic
def report_update(*, report: PeriodicReport, actor, **changes) -> PeriodicReport:
    """Edit a draft's subject, sections, signer and extra recipients."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown report fields: {sorted(unknown)}")
    report = _lock(report)
    _check_writer(report, actor)
    if report.is_issued:
        raise ValidationError(_("Báo cáo đã ban hành: không sửa được nội dung."))
    values = {name: (value or "").strip() for name, value in changes.items()}
    if "subject" in values and not values["subject"]:
        raise ValidationError({"subject": _("Vui lòng nhập trích yếu của báo cáo.")})
    for name, value in values.items():
        setattr(report, name, value)
    report.save(update_fields=[*values, "updated_at"])
    return report


# ---------------------------------------------------------------------------------------------
# Issuing
# ---------------------------------------------------------------------------------------------


def default_report_symbol(unit: Unit) -> str:
    unit_symbol = unit.symbol or "VP"
    if unit.kind.document_format == DocumentFormat.PARTY:
        return f"BC/{unit_symbol}"
    return f"BC-{unit_symbol}"


def report_next_number(*, unit: Unit, symbol: str, issued_on: dt.date) -> int:
    """The next number of ``unit``'s reports with ``symbol``: numbering restarts each Party term
    or each calendar year, as for the conclusion notices (``sessions.services.numbering_period``)."""
    period = numbering_period(document_format=unit.kind.document_format, issued_on=issued_on)
    last = (
        PeriodicReport.objects.filter(unit=unit, symbol=symbol, numbering_period=period, number__isnull=False)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def report_issue(
    *, report: PeriodicReport, number: int, symbol: str, issued_on: dt.date, actor, signed_file=None
) -> PeriodicReport:
    """Issue a draft: its number in the unit's numbering period, its figures and tables frozen
    as they stand now, sent to its recipients (the upper and same-level Standing Committees, the
    same-level Board and Front) with a notification to each of their people."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _report_issue(
            report=report, number=number, symbol=symbol, issued_on=issued_on, actor=actor, signed_file=signed_file
        )


def _report_issue(*, report: PeriodicReport, number: int, symbol: str, issued_on: dt.date, actor, signed_file):
    today = timezone.localdate()
    report = _lock(report)
    _check_writer(report, actor)
    if report.is_issued:
        raise ValidationError(
            _("Báo cáo này đã được ban hành (%(ref)s, ngày %(day)s).")
            % {"ref": report.reference, "day": vn_date(report.issued_on)}
        )
    period = report.period
    _check_period_ended(period, today)
    if not isinstance(issued_on, dt.date):
        raise ValidationError({"issued_on": _("Ngày ban hành không hợp lệ.")})
    if issued_on <= period.end:
        raise ValidationError(
            {"issued_on": _("Ngày ban hành phải sau ngày chốt số liệu %(end)s.") % {"end": vn_date(period.end)}}
        )
    if issued_on > today:
        raise ValidationError({"issued_on": _("Ngày ban hành không được sau ngày hôm nay.")})
    symbol = (symbol or "").strip()
    if not symbol:
        raise ValidationError({"symbol": _("Vui lòng nhập ký hiệu văn bản.")})
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise ValidationError({"number": _("Số văn bản phải là số nguyên dương.")})
    if not report.subject.strip():
        raise ValidationError({"subject": _("Vui lòng nhập trích yếu của báo cáo.")})
    if signed_file:
        validate_document(signed_file)
    figures, tables, missing = report_selectors.live_content(actor, report, today)
    report.figures = figures
    report.tables = {**tables, "r1_missing": missing, "as_of": today.isoformat()}
    report.number, report.symbol, report.issued_on = number, symbol, issued_on
    report.numbering_period = numbering_period(document_format=report.unit.kind.document_format, issued_on=issued_on)
    report.status = ReportStatus.ISSUED
    report.issued_by = actor
    if signed_file:
        report.signed_file_name = (signed_file.name or "")[:255]
        report.signed_file.save(signed_file.name, signed_file, save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            {
                "number": _("Số %(number)s/%(symbol)s đã được dùng trong kỳ đánh số này.")
                % {"number": number, "symbol": symbol}
            }
        ) from None
    recipients = ReportRecipient.objects.bulk_create(
        ReportRecipient(report=report, unit=unit, role=role)
        for unit, role in report_selectors.report_recipients_for(report.unit, issued_on)
    )
    _notify_recipients(report, recipients, issued_on)
    return report


# Who hears that a report arrived, per kind of recipient.
_RECIPIENT_ROLES = {
    RecipientRole.UPPER_COMMITTEE: {Role.STAFF, Role.LEADER, "head"},
    RecipientRole.COMMITTEE: {Role.STAFF, Role.LEADER, "head"},
    RecipientRole.BOARD: {Role.BOARD},
    RecipientRole.FRONT: {Role.FRONT},
}


def _notify_recipients(report: PeriodicReport, recipients: list[ReportRecipient], day: dt.date) -> int:
    """One notification per (recipient unit, person), under the unique key
    (``report_sent``, recipient row, "issued", user): recorded with the report, mailed later."""
    if not recipients:
        return 0
    units = unit_parents([r.unit_id for r in recipients])
    roles = set().union(*(_RECIPIENT_ROLES[r.role] for r in recipients))
    directory = Directory(units, roles, day)
    users: dict[int, set[int]] = {}
    for recipient in recipients:
        found = set()
        for role in _RECIPIENT_ROLES[recipient.role]:
            found.update(
                directory.heads_of(recipient.unit_id) if role == "head" else directory.members(recipient.unit_id, role)
            )
        users[recipient.pk] = found
    emails = dict(
        get_user_model()
        .objects.filter(pk__in={u for found in users.values() for u in found}, is_active=True)
        .values_list("pk", "email")
    )
    url = report.get_absolute_url()
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Báo cáo %(period)s của %(unit)s gửi đến") % {"period": report.period.name, "unit": report.unit}
        rows = []
        for recipient in recipients:
            body = _(
                "%(unit)s đã ban hành %(ref)s ngày %(day)s “%(subject)s” gửi %(to)s (%(role)s)."
                " Mở báo cáo để xem; ngày nhận được ghi khi anh/chị mở."
            ) % {
                "unit": report.unit, "ref": report.reference, "day": vn_date(report.issued_on),
                "subject": report.subject, "to": recipient.unit, "role": recipient.get_role_display(),
            }  # fmt: skip
            rows += [
                Notification(
                    recipient_id=user_id,
                    obligation=ObligationKind.REPORT_SENT,
                    object_id=recipient.pk,
                    stage="issued",
                    title=title[:300],
                    body=body,
                    url=url,
                    email_status=EmailStatus.PENDING if emails[user_id] else EmailStatus.NONE,
                )  # fmt: skip
                for user_id in sorted(users[recipient.pk])
                if user_id in emails
            ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def report_attach_signed(*, report: PeriodicReport, signed_file, actor) -> PeriodicReport:
    """The signed scan of an issued report (replaces an earlier one)."""
    report = _lock(report)
    _check_writer(report, actor)
    if not report.is_issued:
        raise ValidationError(_("Chỉ tải lên bản đã ký sau khi báo cáo được ban hành."))
    validate_document(signed_file)
    report.signed_file_name = (signed_file.name or "")[:255]
    report.signed_file.save(signed_file.name, signed_file, save=False)
    report.save(update_fields=["signed_file", "signed_file_name", "updated_at"])
    return report


# ---------------------------------------------------------------------------------------------
# Receipt
# ---------------------------------------------------------------------------------------------


def can_mark_received(user, recipient: ReportRecipient) -> bool:
    """The people of the recipient unit, or the issuing unit's writers (as for the notices)."""
    if ReportRecipient.objects.filter(report_selectors.recipients_acted_for_q(user), pk=recipient.pk).exists():
        return True
    return report_selectors.can_write_report(user, recipient.report)


@transaction.atomic
def report_recipient_mark_received(*, recipient: ReportRecipient, received_on: dt.date, actor) -> ReportRecipient:
    recipient = ReportRecipient.objects.select_for_update().select_related("report__unit__kind").get(pk=recipient.pk)
    if not can_mark_received(actor, recipient):
        raise ValidationError(_("Anh/chị không thuộc nơi nhận này."))
    if not isinstance(received_on, dt.date):
        raise ValidationError(_("Ngày nhận không hợp lệ."))
    if received_on < recipient.report.issued_on:
        raise ValidationError(_("Ngày nhận không được trước ngày ban hành báo cáo."))
    if received_on > timezone.localdate():
        raise ValidationError(_("Ngày nhận không được sau ngày hôm nay."))
    recipient.received_on = received_on
    recipient.received_by = actor
    recipient.save(update_fields=["received_on", "received_by"])
    return recipient


def report_receipts_on_open(*, report: PeriodicReport, user, today: dt.date | None = None) -> int:
    """Opening an issued report records the day for every recipient the user acts for that has
    no receipt day yet (one conditional update; a second opening changes nothing). The report's
    own author is left out: writing the report is not receiving it."""
    if not report.is_issued or not getattr(user, "is_authenticated", False):
        return 0
    if user.pk in (report.created_by_id, report.issued_by_id):
        return 0  # the author reading their own report is not its recipient receiving it
    today = today or timezone.localdate()
    return ReportRecipient.objects.filter(
        report_selectors.recipients_acted_for_q(user), report=report, received_on__isnull=True
    ).update(received_on=today, received_by=user)


# ---------------------------------------------------------------------------------------------
# Reorganisation: a unit's reports still owed pass to its successor
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def report_dues_succeed(*, predecessor: Unit, successor: Unit) -> int:
    """Pass to ``successor`` the reports ``predecessor`` still owes (no issued report for the
    round): the due moves (``moved_from`` keeps the predecessor), or, when the successor already
    owes the same round, it is covered by the successor's and no longer chased (``merged_into``),
    so that no round is counted twice. Dues met stay the predecessor's. Running it again moves
    nothing. Returns the dues moved or merged."""
    owed = list(
        ReportDue.objects.select_for_update()
        .filter(unit=predecessor, merged_into__isnull=True)
        .filter(~report_selectors.issued_report_exists())
        .order_by("pk")
    )
    own = {d.round_id: d for d in ReportDue.objects.filter(unit=successor, round_id__in=[d.round_id for d in owed])}
    for due in owed:
        if due.round_id in own:
            due.merged_into = own[due.round_id]
            due.save(update_fields=["merged_into"])
        else:
            due.unit, due.moved_from = successor, predecessor
            due.save(update_fields=["unit", "moved_from"])
            own[due.round_id] = due
    return len(owed)
