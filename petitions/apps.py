from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Kiến nghị và thời hạn")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .schedule import beat_schedule_install

        # The daily deadline jobs are installed on every migrate (so on every deploy).
        post_migrate.connect(beat_schedule_install, sender=self, dispatch_uid="petitions_beat_schedule")
