"""Admin helpers: nothing is hard-deleted from the admin either, and a document uploaded there is
checked like one uploaded on the screens (``common.forms.DocumentField``)."""

from django.contrib import admin
from django.db import models

from .forms import DocumentField


class NoDeleteAdmin(admin.ModelAdmin):
    formfield_overrides = {models.FileField: {"form_class": DocumentField}}

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class AppendOnlyAdmin(NoDeleteAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
