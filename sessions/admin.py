from django.contrib import admin

from common.admin import NoDeleteAdmin

from .models import ConclusionNotice, DialogueSession, NoticeRecipient, SessionDateChange, SessionParticipant


class DateChangeInline(admin.TabularInline):
    """The session's day changes: written by ``sessions.services.session_update`` only."""

    model = SessionDateChange
    extra = 0
    can_delete = False
    fields = [
        "changed_at",
        "changed_by",
        "old_held_on",
        "new_held_on",
        "old_notice_due_on",
        "new_notice_due_on",
        "reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ParticipantInline(admin.TabularInline):
    model = SessionParticipant
    extra = 0
    raw_id_fields = ["unit"]
    can_delete = False


@admin.register(DialogueSession)
class DialogueSessionAdmin(NoDeleteAdmin):
    list_display = ["topic", "organising_unit", "kind", "held_on", "notice_due_on", "notice_issued_on"]
    list_filter = ["kind", "organising_unit__level"]
    search_fields = ["topic", "place", "organising_unit__name"]
    date_hierarchy = "held_on"
    raw_id_fields = ["organising_unit", "chair", "created_by"]
    readonly_fields = ["notice_due_on", "notice_issued_on", "created_at", "updated_at"]
    inlines = [ParticipantInline, DateChangeInline]
    list_select_related = ["organising_unit"]

    def get_readonly_fields(self, request, obj=None):
        # A recorded session's day changes on its page only: once the notice's clock has started
        # a moved day needs a reason and is recorded (``sessions.services.session_update``).
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "held_on"] if obj is not None else fields


class RecipientInline(admin.TabularInline):
    model = NoticeRecipient
    extra = 0
    raw_id_fields = ["unit"]
    can_delete = False


@admin.register(ConclusionNotice)
class ConclusionNoticeAdmin(NoDeleteAdmin):
    list_display = ["__str__", "session", "issued_on", "numbering_period"]
    search_fields = ["symbol", "subject", "session__topic"]
    raw_id_fields = ["session", "created_by"]
    readonly_fields = ["created_at"]
    inlines = [RecipientInline]
    list_select_related = ["session", "session__organising_unit__kind"]
