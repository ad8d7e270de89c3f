"""The reporting calendar is kept as data, edited here by administrators; the rounds and reports
are shown read-only (they are written by the services)."""

from django.contrib import admin

from common.admin import AppendOnlyAdmin, NoDeleteAdmin

from .models import CalendarEntry, PeriodicReport, ReportDue, ReportingCalendar, ReportingRound, ReportRecipient


class CalendarEntryInline(admin.TabularInline):
    model = CalendarEntry
    extra = 0


@admin.register(ReportingCalendar)
class ReportingCalendarAdmin(NoDeleteAdmin):
    list_display = ["__str__", "cutoff_day", "cutoff_month", "starts_on", "is_active"]
    list_filter = ["is_active"]
    raw_id_fields = ["unit"]
    readonly_fields = ["created_at"]
    inlines = [CalendarEntryInline]
    list_select_related = ["unit"]


class ReportDueInline(admin.TabularInline):
    model = ReportDue
    extra = 0
    can_delete = False
    fields = ["unit", "due_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportingRound)
class ReportingRoundAdmin(AppendOnlyAdmin):
    list_display = ["__str__", "calendar", "period_start", "period_end", "opened_at"]
    list_filter = ["period_kind"]
    list_select_related = ["calendar__unit"]
    inlines = [ReportDueInline]


class ReportRecipientInline(admin.TabularInline):
    model = ReportRecipient
    extra = 0
    can_delete = False
    fields = ["unit", "role", "received_on", "received_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PeriodicReport)
class PeriodicReportAdmin(AppendOnlyAdmin):
    list_display = ["__str__", "status", "issued_on", "numbering_period"]
    list_filter = ["kind", "status", "period_kind"]
    search_fields = ["unit__name", "subject", "symbol"]
    list_select_related = ["unit__kind"]
    inlines = [ReportRecipientInline]
