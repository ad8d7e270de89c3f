from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from common.admin import NoDeleteAdmin

from .models import CalendarDay, Regulation
from .services import calendar_day_remove, calendar_day_save


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Extra days off and compensatory working weekend days; they override the holiday package.
    Saving or removing one recomputes the stored due dates of the open obligations it moves
    (``regulations.services``)."""

    list_display = ["day", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["note"]

    def _report(self, request, moved: int) -> None:
        if moved:
            self.message_user(
                request,
                _("Đã tính lại %(count)s hạn chưa hoàn thành theo lịch mới; các đơn vị liên quan được thông báo.")
                % {"count": moved},
                messages.INFO,
            )

    def save_model(self, request, obj, form, change):
        self._report(request, calendar_day_save(calendar_day=obj, actor=request.user))

    def delete_model(self, request, obj):
        self._report(request, calendar_day_remove(calendar_day=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            moved = sum(calendar_day_remove(calendar_day=obj, actor=request.user) for obj in queryset)
        self._report(request, moved)


@admin.register(Regulation)
class RegulationAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    """The regulations on direct dialogue, per province and over time, with their history
    ("Lịch sử"). A regulation that already governs obligations keeps the parameters of its
    clock (``Regulation.clean``): a change of rules is a new regulation from a later date."""

    list_display = ["citation", "unit", "effective_from", "effective_to", "notice_limit", "reply_limit"]
    list_filter = ["notice_day_type", "reply_day_type"]
    search_fields = ["number", "title", "issuing_body", "unit__name"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]
    date_hierarchy = "effective_from"
    history_list_display = ["effective_from", "effective_to", "notice_days", "reply_days"]
    fieldsets = [
        (None, {"fields": ["document_type", "number", "title", "issuing_body", "issued_on", "unit",
                           "effective_from", "effective_to", "note"]}),
        (gettext_lazy("Thời hạn (R2–R5)"), {"fields": [
            "notice_days", "notice_day_type", "reply_days", "reply_day_type", "reply_clock_start",
            "forwarded_days", "forwarded_day_type", "supplementary_days", "supplementary_day_type",
            "complex_max_days", "notice_reminder_days", "reply_reminder_days"]}),
        (gettext_lazy("Kế hoạch năm, cam kết"), {"fields": [
            "dialogue_year_start_day", "dialogue_year_start_month", "plan_due_day", "plan_due_month",
            "plan_reminder_days", "commitment_reminder_days"]}),
        (gettext_lazy("Báo cáo định kỳ"), {"fields": [
            "report_cutoff_day", "report_cutoff_month", "report_period_kinds", "report_due_days",
            "report_reminder_days"]}),
    ]  # fmt: skip

    @admin.display(description=gettext_lazy("văn bản"), ordering="issued_on")
    def citation(self, obj):
        return obj.citation

    @admin.display(description=gettext_lazy("hạn thông báo"))
    def notice_limit(self, obj):
        return obj.rules.limit("notice").text

    @admin.display(description=gettext_lazy("hạn trả lời"))
    def reply_limit(self, obj):
        return obj.rules.limit("reply").text
