from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import AppendOnlyAdmin, NoDeleteAdmin

from .models import (
    ComplexCaseNotice,
    Coordination,
    Direction,
    Field,
    Forwarding,
    Petition,
    PetitionEvent,
    SupervisionNote,
    SupplementaryRequest,
    WrittenReply,
)


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
    list_display = [
        "id",
        "short_content",
        "petitioner_name",
        "status",
        "assigned_unit",
        "responsible_unit",
        "reply_due_on",
        "responded_on",
    ]
    list_filter = ["status", "petitioner_kind", "field"]
    search_fields = ["content", "petitioner_name"]
    raw_id_fields = ["session", "assigned_unit", "created_by"]
    # The units, the legal dates and the status are written by the services only.
    readonly_fields = [
        "status",
        "responsible_unit",
        "coordinating_draft",
        "assigned_on",
        "reply_starts_on",
        "reply_start_basis",
        "reply_due_on",
        "responded_on",
        "complex_target_on",
        "final_replied_on",
        "forward_due_on",
        "supplementary_due_on",
        "supplementary_replied_on",
        "reopened_on",
        "reopen_count",
        "closed_on",
        "close_reason",
        "created_at",
        "updated_at",
    ]
    inlines = [EventInline]
    list_select_related = ["assigned_unit", "responsible_unit"]

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
    list_display = ["petition", "from_unit", "to_unit", "forwarded_on", "due_on", "answered_on"]
    raw_id_fields = ["petition", "from_unit", "to_unit", "created_by"]
    list_select_related = ["petition", "from_unit", "to_unit"]


@admin.register(SupplementaryRequest)
class SupplementaryRequestAdmin(NoDeleteAdmin):
    list_display = ["petition", "unit", "requested_on", "due_on", "replied_on"]
    raw_id_fields = ["petition", "assessment", "unit", "reply", "requested_by"]
    readonly_fields = ["requested_on", "due_on", "replied_on", "reply", "created_at"]
    list_select_related = ["petition", "unit"]


@admin.register(Coordination)
class CoordinationAdmin(NoDeleteAdmin):
    list_display = ["petition", "unit", "assigned_on", "contributed_on"]
    raw_id_fields = ["petition", "unit", "contributed_by"]
    readonly_fields = ["assigned_on", "contributed_on", "created_at"]
    list_select_related = ["petition", "unit"]


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


@admin.register(Direction)
class DirectionAdmin(NoDeleteAdmin):
    list_display = ["petition", "leader", "unit", "given_on"]
    raw_id_fields = ["petition", "leader", "unit", "author"]
    list_select_related = ["petition", "leader", "unit"]


@admin.register(PetitionEvent)
class PetitionEventAdmin(AppendOnlyAdmin):
    list_display = ["at", "petition", "kind", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["petition", "actor"]
    list_select_related = ["petition", "actor"]
