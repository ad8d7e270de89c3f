from django.contrib import admin

from common.admin import AppendOnlyAdmin, NoDeleteAdmin

from .models import (
    ConclusionItem,
    ConclusionItemAssessment,
    ConclusionNotice,
    DialoguePlan,
    DialogueSession,
    NoticeRecipient,
    PlannedDialogue,
    SessionDateChange,
    SessionEvent,
    SessionParticipant,
)


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
    raw_id_fields = ["organising_unit", "chair", "planned_item", "created_by"]
    readonly_fields = ["notice_due_on", "notice_issued_on", "no_notice_reason", "created_at", "updated_at"]
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


class PlannedDialogueInline(admin.TabularInline):
    model = PlannedDialogue
    extra = 0
    fields = ["topic", "expected_month", "expected_quarter", "expected_by", "chair", "invited", "withdrawn_at"]
    raw_id_fields = ["chair"]
    readonly_fields = ["expected_by", "withdrawn_at"]
    can_delete = False


@admin.register(DialoguePlan)
class DialoguePlanAdmin(NoDeleteAdmin):
    list_display = ["unit", "year", "status", "number", "issued_on", "due_on"]
    list_filter = ["year", "status"]
    search_fields = ["unit__name", "number"]
    raw_id_fields = ["unit", "created_by"]
    readonly_fields = ["due_on", "created_at", "updated_at"]
    inlines = [PlannedDialogueInline]
    list_select_related = ["unit"]


class ItemAssessmentInline(admin.TabularInline):
    model = ConclusionItemAssessment
    extra = 0
    raw_id_fields = ["assessor", "unit"]
    can_delete = False


@admin.register(ConclusionItem)
class ConclusionItemAdmin(NoDeleteAdmin):
    list_display = ["__str__", "responsible_unit", "target_on", "done_on", "assessment"]
    list_filter = ["kind", "assessment"]
    search_fields = ["text", "responsible_unit__name", "session__topic"]
    raw_id_fields = ["session", "responsible_unit", "done_by", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ItemAssessmentInline]
    list_select_related = ["responsible_unit", "session"]


@admin.register(SessionEvent)
class SessionEventAdmin(AppendOnlyAdmin):
    list_display = ["at", "session", "kind", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["session", "actor"]
    list_select_related = ["session", "actor"]
