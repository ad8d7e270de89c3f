from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import NoDeleteAdmin

from .models import Leader, Membership, Unit, UnitKind

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
