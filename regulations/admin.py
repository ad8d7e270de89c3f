from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext as _

from .models import CalendarDay
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
