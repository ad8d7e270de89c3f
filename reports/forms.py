from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import VnDateField
from petitions.models import Assessment, ReplyAssessment, SupervisionNote


class AssessmentForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Kết quả đánh giá"),
        choices=Assessment.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Vui lòng chọn kết quả đánh giá: hài lòng hoặc không hài lòng.")},
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=ReplyAssessment._meta.get_field("reason").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Bắt buộc khi đánh giá không hài lòng."),
    )
    # dd/mm/yyyy like every other form (a browser date input shows the browser's own format).
    assessed_on = VnDateField(label=_("Ngày đánh giá"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        for name in ("reason", "assessed_on"):
            self.fields[name].widget.attrs["class"] = "form-control"


class SupervisionNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung giám sát"),
        max_length=SupervisionNote._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )
