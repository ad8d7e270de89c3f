from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import AppendOnlyAdmin, NoDeleteAdmin

from .models import (
    CalendarDay,
    ComplexCaseNotice,
    Field,
    Forwarding,
    Notification,
    Petition,
    PetitionEvent,
    SupervisionNote,
    WrittenReply,
)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Extra days off and compensatory working weekend days; they override the holiday package."""

    list_display = ["day", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["note"]


@admin.register(Field)
class FieldAdmin(NoDeleteAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


class EventInline(admin.TabularInline):
    model = PetitionEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Petition)
class PetitionAdmin(NoDeleteAdmin):
    list_display = ["id", "short_content", "petitioner_name", "status", "assigned_unit", "reply_due_on", "responded_on"]
    list_filter = ["status", "petitioner_kind", "field"]
    search_fields = ["content", "petitioner_name"]
    raw_id_fields = ["session", "assigned_unit", "created_by"]
    # The legal dates and the status are written by the services only.
    readonly_fields = [
        "status",
        "assigned_on",
        "reply_due_on",
        "responded_on",
        "complex_target_on",
        "final_replied_on",
        "created_at",
        "updated_at",
    ]
    inlines = [EventInline]
    list_select_related = ["assigned_unit"]

    @admin.display(description=_("nội dung"))
    def short_content(self, obj):
        return obj.content[:80]


@admin.register(WrittenReply)
class WrittenReplyAdmin(NoDeleteAdmin):
    list_display = ["number", "petition", "unit", "replied_on"]
    search_fields = ["number", "summary"]
    raw_id_fields = ["petition", "unit", "created_by"]
    list_select_related = ["petition", "unit"]


@admin.register(Forwarding)
class ForwardingAdmin(NoDeleteAdmin):
    list_display = ["petition", "from_unit", "to_unit", "forwarded_on"]
    raw_id_fields = ["petition", "from_unit", "to_unit", "created_by"]
    list_select_related = ["petition", "from_unit", "to_unit"]


@admin.register(ComplexCaseNotice)
class ComplexCaseNoticeAdmin(NoDeleteAdmin):
    list_display = ["petition", "unit", "notified_on", "new_target_on"]
    raw_id_fields = ["petition", "unit", "created_by"]
    list_select_related = ["petition", "unit"]


@admin.register(SupervisionNote)
class SupervisionNoteAdmin(NoDeleteAdmin):
    list_display = ["petition", "author", "unit", "created_at"]
    raw_id_fields = ["petition", "author", "unit"]
    list_select_related = ["petition", "author", "unit"]


@admin.register(PetitionEvent)
class PetitionEventAdmin(AppendOnlyAdmin):
    list_display = ["at", "petition", "kind", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["petition", "actor"]
    list_select_related = ["petition", "actor"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Recorded notifications: read-only, with their mail status; failed mail can be retried."""

    list_display = ["created_at", "recipient", "obligation", "stage", "due_on", "title", "read_at", "email_status", "email_attempts"]
    list_filter = ["obligation", "stage", "email_status"]
    search_fields = ["title", "recipient__username", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry_email"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại thư điện tử"))
    def retry_email(self, request, queryset):
        count = queryset.exclude(email_status="sent").filter(recipient__email__gt="").update(
            email_status="pending", email_attempts=0, email_error=""
        )
        self.message_user(request, _("%(count)s thông báo sẽ được gửi lại thư ở lần quét tới.") % {"count": count})
