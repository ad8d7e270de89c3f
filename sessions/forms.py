"""Forms of the session screens. They only collect and type-check input; the rules are in
``sessions.services`` and its ``ValidationError``s are put back on these forms by the views."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DocumentField, UnitChoiceField, UnitMultipleChoiceField, VnDateField, active_units
from petitions.models import Field, PetitionerKind

from .models import Leader, ParticipantRole, Role, SessionKind
from .selectors import scope_paths, units_for_staff


def _helper(*, form_tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = True
    return helper


class SessionForm(forms.Form):
    organising_unit = forms.ModelChoiceField(
        label=_("Cơ quan tổ chức"),
        queryset=None,
        error_messages={"invalid_choice": _("Bạn không được tổ chức hội nghị cho đơn vị này.")},
    )
    kind = forms.ChoiceField(label=_("Hình thức"), choices=SessionKind.choices, initial=SessionKind.PERIODIC)
    held_on = VnDateField(label=_("Ngày tổ chức"))
    chair = forms.ModelChoiceField(label=_("Người chủ trì (người đứng đầu)"), queryset=None, required=False)
    chair_name = forms.CharField(
        label=_("Họ tên người chủ trì"), max_length=200, required=False, help_text=_("Nhập nếu không chọn trong danh sách.")
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=255)
    topic = forms.CharField(label=_("Chủ đề"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = DocumentField(label=_("Biên bản hội nghị"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for_staff(user).only("id", "name", "path", "kind")
        self.fields["organising_unit"].queryset = units
        # A chair heads the organising unit or a level above it: leaders of units in the user's
        # scope and of the ancestors of the scope's roots.
        roots = scope_paths(user, {Role.STAFF})
        ancestor_ids = {int(p) for path in (roots or []) for p in path.split(".") if p}
        leaders = Leader.objects.select_related("unit").order_by("unit__path", "-term_start")
        if roots is not None:
            leaders = leaders.filter(Q(unit__in=units.values("pk")) | Q(unit_id__in=ancestor_ids))
        # Current heads, and those whose term ended this year (a session may be recorded late).
        self.fields["chair"].queryset = leaders.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=timezone.localdate().replace(month=1, day=1))
        )
        self.fields["chair"].label_from_instance = lambda leader: f"{leader.full_name} – {leader.position} ({leader.unit})"
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if not data.get("chair") and not (data.get("chair_name") or "").strip():
            self.add_error("chair_name", _("Vui lòng chọn người chủ trì hoặc nhập họ tên."))
        return data


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Họ tên hoặc tên tổ chức"), max_length=255)
    organisation = forms.CharField(label=_("Cơ quan, đơn vị"), max_length=255, required=False)
    role = forms.ChoiceField(label=_("Thành phần"), choices=ParticipantRole.choices, initial=ParticipantRole.CITIZEN)
    headcount = forms.IntegerField(label=_("Số người"), min_value=1, max_value=100000, initial=1)


# ``absolute_max`` = ``max_num``: a forged TOTAL_FORMS builds (and re-renders) at most that many
# forms, not Django's default of max_num + 1000.
ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=2, max_num=200, absolute_max=200, validate_max=True)


class PetitionRowForm(forms.Form):
    """One row of the quick-entry grid: the petitioner, the petition, and whether it was
    clarified at the conference."""

    petitioner_name = forms.CharField(label=_("Người / tập thể kiến nghị"), max_length=255)
    petitioner_kind = forms.ChoiceField(label=_("Là"), choices=PetitionerKind.choices, initial=PetitionerKind.PERSON)
    petitioner_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    petitioner_phone = forms.CharField(label=_("Điện thoại"), max_length=50, required=False)
    content = forms.CharField(label=_("Nội dung kiến nghị"), widget=forms.Textarea(attrs={"rows": 2}))
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.all(), required=False)
    clarified_at_conference = forms.BooleanField(label=_("Đã làm rõ tại hội nghị"), required=False)
    conference_answer = forms.CharField(
        label=_("Nội dung đã trả lời tại hội nghị"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("clarified_at_conference") and not (data.get("conference_answer") or "").strip():
            self.add_error("conference_answer", _("Kiến nghị đã làm rõ tại hội nghị cần có nội dung đã trả lời."))
        return data


class BasePetitionRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the field list of every row.
        fields = list(Field.objects.all())
        for form in [*self.forms, self.empty_form]:
            form.fields["field"].choices = [("", "---------"), *[(f.pk, f.name) for f in fields]]
            form.fields["field"].queryset = Field.objects.all()

    def clean(self):
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("Vui lòng nhập ít nhất một kiến nghị."))


PetitionRowFormSet = forms.formset_factory(
    PetitionRowForm, formset=BasePetitionRowFormSet, extra=3, max_num=300, absolute_max=300, validate_max=True
)


class PetitionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx) theo mẫu"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": _("Vui lòng chọn tệp Excel để nhập.")},
    )


class ClarifyForm(forms.Form):
    answer = forms.CharField(
        label=_("Nội dung đã trả lời, làm rõ tại hội nghị"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Vui lòng nhập nội dung đã trả lời tại hội nghị.")},
    )


class NoticeAssignForm(forms.Form):
    """Step 1 of the notice: a responsible unit for each petition still waiting (a field per petition)."""

    def __init__(self, *args, petitions, **kwargs):
        super().__init__(*args, **kwargs)
        units = active_units()
        self.petitions = petitions
        for petition in petitions:
            field = UnitChoiceField(
                queryset=units,
                label=_("Đơn vị chịu trách nhiệm"),
                required=True,
                initial=petition.assigned_unit_id,
                error_messages={
                    "required": _("Vui lòng chọn đơn vị chịu trách nhiệm."),
                    "invalid_choice": _("Đơn vị đã chọn không hợp lệ hoặc không còn hoạt động."),
                },
            )
            if petition.assigned_unit_id:
                field.widget.labels[str(petition.assigned_unit_id)] = petition.assigned_unit.name
            self.fields[f"unit_{petition.pk}"] = field

    def rows(self):
        return [(petition, self[f"unit_{petition.pk}"]) for petition in self.petitions]

    def assignments(self):
        return {petition.pk: self.cleaned_data[f"unit_{petition.pk}"] for petition in self.petitions}


class NoticeIssueForm(forms.Form):
    number = forms.IntegerField(label=_("Số"), min_value=1, error_messages={"min_value": _("Số văn bản phải là số nguyên dương.")})
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=50, help_text=_("Ví dụ: TB/TU (văn bản Đảng) hoặc TB-UBND."))
    issued_on = VnDateField(label=_("Ngày ban hành"))
    subject = forms.CharField(
        label=_("Trích yếu"), max_length=500, required=False, help_text=_("Để trống để dùng trích yếu mặc định.")
    )
    body = forms.CharField(label=_("Nội dung kết luận chung"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)
    recipients = UnitMultipleChoiceField(
        label=_("Nơi nhận thêm"),
        queryset=None,
        required=False,
        help_text=_("Các đơn vị được giao giải quyết luôn có trong nơi nhận."),
    )
    signed_file = DocumentField(label=_("Bản đã ký (nếu có)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = active_units()
        self.helper = _helper()


class SignedScanForm(forms.Form):
    signed_file = DocumentField(label=_("Bản thông báo đã ký (bản chụp)"), error_messages={"required": _("Chưa chọn tệp.")})


class ReceivedForm(forms.Form):
    received_on = VnDateField(label=_("Ngày nhận"), error_messages={"required": _("Vui lòng nhập ngày nhận.")})
