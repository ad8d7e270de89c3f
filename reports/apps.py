from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo, thống kê")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import obligations  # noqa: F401 - registers the periodic reports' obligation
