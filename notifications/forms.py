"""The page where a user chooses how to receive each topic of notification."""

from __future__ import annotations

from django import forms

from .models import Delivery, Topic
from .preferences import TOPIC_HELP


class PreferencesForm(forms.Form):
    """One choice per topic: in the portal only, e-mail at once, or the daily digest."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for topic, label in Topic.choices:
            self.fields[topic] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=initial_choices[topic],
                help_text=TOPIC_HELP[topic],
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
