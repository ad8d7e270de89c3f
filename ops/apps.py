from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Vận hành hệ thống")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import celery_hooks
        from .schedule import ops_schedule_install

        # Every Celery task run is recorded as a JobRun (see ops.celery_hooks for why signals).
        celery_hooks.connect()
        # The daily cleanup of the run history is installed on every migrate (so every deploy).
        post_migrate.connect(ops_schedule_install, sender=self, dispatch_uid="ops_beat_schedule")
        # The daily deadline job first applies the reorganisations that have come into effect.
        from notifications.engine import BEFORE_ENFORCE

        if _apply_reorganisations not in BEFORE_ENFORCE:
            BEFORE_ENFORCE.append(_apply_reorganisations)


def _apply_reorganisations(today):
    from .reorganisation import reorganisations_due_apply

    return reorganisations_due_apply(today=today)
