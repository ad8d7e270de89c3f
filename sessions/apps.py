from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueSessionsConfig(AppConfig):
    # Our app is called "sessions" like django.contrib.sessions: the label keeps them apart.
    name = "sessions"
    label = "dialogue_sessions"
    verbose_name = _("Hội nghị đối thoại")
    default_auto_field = "django.db.models.BigAutoField"
