from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Kiến nghị")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from regulations.services import on_calendar_change
        from sessions.services import work_source_register

        from .services import due_dates_recompute, units_with_work

        # A session gives work to the units of its petitions too (``sessions.services.session_units_refresh``).
        work_source_register(units_with_work)
        # A change of the calendar of rest days recomputes the stored due dates it moves.
        on_calendar_change(due_dates_recompute)
