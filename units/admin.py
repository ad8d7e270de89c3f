from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.admin import NoDeleteAdmin

from .models import Leader, Membership, Reorganisation, ReorganisationStep, Unit, UnitKind
from .services import reorganisation_check

admin.site.site_header = _("Cổng theo dõi tiếp xúc, đối thoại – Quản trị")
admin.site.site_title = _("Quản trị cổng đối thoại")
admin.site.index_title = _("Quản trị hệ thống")


@admin.register(UnitKind)
class UnitKindAdmin(NoDeleteAdmin):
    list_display = [
        "name",
        "code",
        "document_format",
        "is_party_committee",
        "is_front",
        "receives_mass_mobilisation_reports",
        "bound_by_dialogue_rule",
    ]
    list_editable = ["bound_by_dialogue_rule"]
    search_fields = ["name", "code"]


class LeaderInline(admin.TabularInline):
    model = Leader
    extra = 0
    fields = ["full_name", "position", "user", "term_start", "term_end"]
    raw_id_fields = ["user"]
    can_delete = False


@admin.register(Unit)
class UnitAdmin(NoDeleteAdmin):
    list_display = ["indented_name", "kind", "level", "symbol", "active_from", "active_to"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["parent"]
    inlines = [LeaderInline]
    list_select_related = ["kind"]

    @admin.display(description=_("tên đơn vị"), ordering="path")
    def indented_name(self, obj):
        return "— " * obj.depth + obj.name


@admin.register(Leader)
class LeaderAdmin(NoDeleteAdmin):
    list_display = ["full_name", "position", "unit", "term_start", "term_end"]
    search_fields = ["full_name", "position", "unit__name"]
    raw_id_fields = ["unit", "user"]
    list_select_related = ["unit"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    raw_id_fields = ["user", "unit", "organisation"]
    list_select_related = ["user", "unit", "organisation"]

    def has_delete_permission(self, request, obj=None):
        # Revoking access is done by unticking "còn hiệu lực", so the history stays.
        return False


class ReorganisationStepFormSet(BaseInlineFormSet):
    """The steps are checked together (``units.services.reorganisation_check``): one successor
    per old unit, active on the date, not itself ended by the same reorganisation."""

    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.effective_on:
            return
        steps = [
            (form.cleaned_data["predecessor"], form.cleaned_data["successor"])
            for form in self.forms
            if form.cleaned_data.get("predecessor") and form.cleaned_data.get("successor")
        ]
        try:
            reorganisation_check(reorganisation=self.instance, steps=steps)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class ReorganisationStepInline(admin.TabularInline):
    model = ReorganisationStep
    formset = ReorganisationStepFormSet
    extra = 1
    raw_id_fields = ["predecessor", "successor"]
    can_delete = False


@admin.register(Reorganisation)
class ReorganisationAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    """A reorganisation in one screen: the effective date and each old unit with its successor.
    The daily job applies it on its date (or the command ``apply_reorganisations``): the old
    units' open obligations move to the successors, their memberships end. Once applied its
    steps are fixed."""

    list_display = ["name", "decision", "effective_on", "applied_at"]
    inlines = [ReorganisationStepInline]
    readonly_fields = ["applied_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.applied_at:
            return ["name", "decision", "effective_on", "applied_at"]
        return self.readonly_fields

    def get_inline_instances(self, request, obj=None):
        if obj is not None and obj.applied_at:
            return [ReadOnlyStepInline(self.model, self.admin_site)]
        return super().get_inline_instances(request, obj)


class ReadOnlyStepInline(admin.TabularInline):
    model = ReorganisationStep
    extra = 0
    fields = ["predecessor", "successor"]
    readonly_fields = ["predecessor", "successor"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False
