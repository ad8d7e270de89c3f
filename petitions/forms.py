"""Forms of the petition screens: quick entry and import of petitions, clarification, the
responsible units of the notice, the agency's written reply, forwarding and complex-case notice,
and closing."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DocumentField, VnDateField
from common.models import REASON_MAX_LENGTH
from units.forms import UnitChoiceField, UnitMultipleChoiceField
from units.models import Leader
from units.selectors import units_active_on

from .models import ComplexCaseNotice, Forwarding, Petition, PetitionerKind, WrittenReply
from .models import Field as PetitionField
from .selectors import complex_target_max_days


def _max(model, field: str) -> int:
    """The bound of a text column, so a form and its column never disagree."""
    return model._meta.get_field(field).max_length


class _ActionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ReplyForm(_ActionForm):
    replied_on = VnDateField(label=_("Ngày trả lời"), initial=timezone.localdate)
    number = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=100, help_text=_("Ví dụ: 125/SNNMT-VP."))
    summary = forms.CharField(
        label=_("Tóm tắt nội dung trả lời"),
        max_length=_max(WrittenReply, "summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    letter = DocumentField(
        label=_("Văn bản trả lời đã ký"), error_messages={"required": _("Vui lòng tải lên văn bản trả lời đã ký.")}
    )


class ForwardForm(_ActionForm):
    to_unit = UnitChoiceField(
        label=_("Cấp có thẩm quyền"), error_messages={"required": _("Vui lòng chọn cấp có thẩm quyền.")}
    )
    forwarded_on = VnDateField(label=_("Ngày chuyển"), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Lý do chuyển"), max_length=_max(Forwarding, "reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
    letter = DocumentField(label=_("Văn bản chuyển (nếu có)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field("to_unit", template="includes/unit_field.html"), "forwarded_on", "reason", "letter"
        )


class ComplexNoticeForm(_ActionForm):
    notified_on = VnDateField(label=_("Ngày thông báo"), initial=timezone.localdate)
    new_target_on = VnDateField(label=_("Thời hạn giải quyết mới"))
    reason = forms.CharField(
        label=_("Lý do cần thêm thời gian"),
        max_length=_max(ComplexCaseNotice, "reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_reason = forms.CharField(
        label=_("Lý do của thời hạn (nếu thời hạn đã qua hoặc dài hơn quy định)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    letter = DocumentField(
        label=_("Văn bản thông báo cho người kiến nghị"),
        error_messages={"required": _("Vui lòng tải lên văn bản thông báo cho người kiến nghị.")},
    )

    def __init__(self, *args, petition: Petition, **kwargs):
        super().__init__(*args, **kwargs)
        # The maximum of the regulation governing this petition, as the service checks it.
        self.fields["target_reason"].help_text = _(
            "Bắt buộc khi thời hạn giải quyết mới không sau ngày hôm nay hoặc quá %(days)s ngày kể từ ngày thông báo."
        ) % {"days": complex_target_max_days(petition)}

    def clean(self):
        data = super().clean()
        if data.get("notified_on") and data.get("new_target_on") and data["new_target_on"] <= data["notified_on"]:
            self.add_error("new_target_on", _("Thời hạn giải quyết mới phải sau ngày thông báo."))
        return data


class ContributionForm(_ActionForm):
    """A coordinating unit's contribution to the lead unit's answer."""

    contributed_on = VnDateField(label=_("Ngày gửi ý kiến"), initial=timezone.localdate)
    contribution = forms.CharField(
        label=_("Ý kiến phối hợp"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Vui lòng nhập ý kiến phối hợp.")},
    )
    letter = DocumentField(label=_("Văn bản phối hợp (nếu có)"), required=False)


class SupplementaryRequestForm(forms.Form):
    """Staff ask the responsible unit for a supplementary reply after the Front's "not satisfied"."""

    reason = forms.CharField(
        label=_("Nội dung cần trả lời bổ sung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nhập nội dung cần trả lời bổ sung.")},
    )


class ToldForm(forms.Form):
    """The forwarding unit told the petitioner in writing where the matter went."""

    told_on = VnDateField(label=_("Ngày gửi văn bản"), initial=timezone.localdate)
    number = forms.CharField(
        label=_("Số, ký hiệu văn bản"),
        max_length=100,
        error_messages={"required": _("Vui lòng nhập số, ký hiệu văn bản thông báo.")},
    )


class PetitionRowForm(forms.Form):
    """One row of the quick-entry grid: the petitioner, the petition, and whether it was
    clarified at the conference."""

    petitioner_name = forms.CharField(label=_("Người / tập thể kiến nghị"), max_length=255)
    petitioner_kind = forms.ChoiceField(label=_("Là"), choices=PetitionerKind.choices, initial=PetitionerKind.PERSON)
    petitioner_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    petitioner_phone = forms.CharField(label=_("Điện thoại"), max_length=50, required=False)
    petitioner_email = forms.EmailField(
        label=_("Thư điện tử (nhận thông báo kết quả)"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    identity_protected = forms.BooleanField(label=_("Bảo vệ danh tính người kiến nghị"), required=False)
    content = forms.CharField(
        label=_("Nội dung kiến nghị"), max_length=_max(Petition, "content"), widget=forms.Textarea(attrs={"rows": 2})
    )
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=PetitionField.objects.all(), required=False)
    clarified_at_conference = forms.BooleanField(label=_("Đã làm rõ tại hội nghị"), required=False)
    conference_answer = forms.CharField(
        label=_("Nội dung đã trả lời tại hội nghị"),
        max_length=_max(Petition, "conference_answer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
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
        fields = list(PetitionField.objects.all())
        for form in [*self.forms, self.empty_form]:
            form.fields["field"].choices = [("", "---------"), *[(f.pk, f.name) for f in fields]]
            form.fields["field"].queryset = PetitionField.objects.all()

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
        max_length=_max(Petition, "conference_answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Vui lòng nhập nội dung đã trả lời tại hội nghị.")},
    )


class NoticeAssignForm(forms.Form):
    """Step 1 of the notice: a lead unit for each petition still waiting, and its coordinating
    units if any (two fields per petition)."""

    def __init__(self, *args, petitions, coordinating_names=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_active_on()
        self.petitions = petitions
        coordinating_names = coordinating_names or {}
        for petition in petitions:
            coordinating = UnitMultipleChoiceField(
                queryset=units,
                label=_("Đơn vị phối hợp"),
                required=False,
                initial=list(petition.coordinating_draft or []),
                error_messages={"invalid_choice": _("Đơn vị đã chọn không hợp lệ hoặc không còn hoạt động.")},
            )
            coordinating.widget.labels.update(
                {str(u): coordinating_names[u] for u in petition.coordinating_draft or [] if u in coordinating_names}
            )
            self.fields[f"coord_{petition.pk}"] = coordinating
            field = UnitChoiceField(
                queryset=units,
                # Each picker names its petition: a screen reader hears which one it is choosing for.
                label=_("Đơn vị chịu trách nhiệm kiến nghị #%(id)s") % {"id": petition.pk},
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
        return [(petition, self[f"unit_{petition.pk}"], self[f"coord_{petition.pk}"]) for petition in self.petitions]

    def clean(self):
        data = super().clean()
        for petition in self.petitions:
            lead = data.get(f"unit_{petition.pk}")
            if lead is not None and lead in (data.get(f"coord_{petition.pk}") or []):
                self.add_error(f"coord_{petition.pk}", _("Đơn vị chủ trì không đồng thời là đơn vị phối hợp."))
        return data


class CloseForm(forms.Form):
    """Closing a replied petition: the reason is kept on its timeline."""

    reason = forms.CharField(
        label=_("Lý do kết thúc"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nhập lý do kết thúc.")},
    )


class ProtectForm(forms.Form):
    """Mark a petition's petitioner as protected (``1``) or lift the mark (``0``)."""

    protected = forms.TypedChoiceField(
        choices=[("1", _("Bảo vệ")), ("0", _("Bỏ bảo vệ"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("Vui lòng chọn bảo vệ hoặc bỏ bảo vệ danh tính.")},
    )


class PublishForm(forms.Form):
    """The public texts of a result, edited by staff before publishing (personal data removed)."""

    question = forms.CharField(
        label=_("Nội dung kiến nghị (công khai)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Hệ thống đã xóa họ tên, địa chỉ, điện thoại, thư điện tử của người kiến nghị; vui lòng kiểm tra lại."
        ),
    )
    answer = forms.CharField(
        label=_("Nội dung trả lời (công khai)"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thôi công khai"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Vui lòng nhập lý do thôi công khai.")},
    )


class DirectionForm(_ActionForm):
    """A head's direction on a petition: the head (the user, or one they speak for), the text."""

    leader = forms.ModelChoiceField(
        label=_("Người đứng đầu chỉ đạo"),
        queryset=None,
        error_messages={
            "required": _("Vui lòng chọn người đứng đầu chỉ đạo."),
            "invalid_choice": _("Anh/chị không được ghi ý kiến chỉ đạo thay người đứng đầu này."),
        },
    )
    text = forms.CharField(label=_("Nội dung chỉ đạo"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    given_on = VnDateField(label=_("Ngày chỉ đạo"), initial=timezone.localdate)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Leader.objects.filter(pk__in=[h.pk for h in leaders]).select_related("unit")
        self.fields["leader"].label_from_instance = lambda leader: f"{leader.full_name} – {leader.position}"
        if len(leaders) == 1:
            self.fields["leader"].initial = leaders[0].pk
