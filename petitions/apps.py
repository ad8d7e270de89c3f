from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Kiến nghị")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A change of the calendar of rest days recomputes the stored due dates it moves.
        from regulations.services import on_calendar_change

        from .services import due_dates_recompute

        on_calendar_change(due_dates_recompute)
