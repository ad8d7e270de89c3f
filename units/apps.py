from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Đơn vị, người đứng đầu và phân quyền")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .versions import connect_signals

        connect_signals()
