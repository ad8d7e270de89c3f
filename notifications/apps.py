from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo và nhắc hạn")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Register the obligations: the notice and the replies, those of the heads' cycle.
        from . import heads, obligations  # noqa: F401
        from .schedule import beat_schedule_install

        # The daily deadline jobs are installed on every migrate (so on every deploy).
        post_migrate.connect(beat_schedule_install, sender=self, dispatch_uid="notifications_beat_schedule")
