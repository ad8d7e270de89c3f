from django.contrib import admin

from units.admin import ReportDataAdmin

from .models import ConclusionNotice, DialogueSession, NoticeRecipient, SessionParticipant


class ParticipantInline(admin.TabularInline):
    model = SessionParticipant
    extra = 0
    raw_id_fields = ["unit"]
    can_delete = False


@admin.register(DialogueSession)
class DialogueSessionAdmin(ReportDataAdmin):
    list_display = ["topic", "organising_unit", "kind", "held_on", "notice_due_on", "notice_issued_on"]
    list_filter = ["kind", "organising_unit__level"]
    search_fields = ["topic", "place", "organising_unit__name"]
    date_hierarchy = "held_on"
    raw_id_fields = ["organising_unit", "chair", "created_by"]
    readonly_fields = ["notice_due_on", "notice_issued_on", "created_at", "updated_at"]
    inlines = [ParticipantInline]
    list_select_related = ["organising_unit"]


class RecipientInline(admin.TabularInline):
    model = NoticeRecipient
    extra = 0
    raw_id_fields = ["unit"]
    can_delete = False


@admin.register(ConclusionNotice)
class ConclusionNoticeAdmin(ReportDataAdmin):
    list_display = ["__str__", "session", "issued_on", "numbering_period"]
    search_fields = ["symbol", "subject", "session__topic"]
    raw_id_fields = ["session", "created_by"]
    readonly_fields = ["created_at"]
    inlines = [RecipientInline]
    list_select_related = ["session", "session__organising_unit__kind"]
