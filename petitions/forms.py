"""Forms of the agency screens: written reply (R3), forwarding (R4), complex-case notice (R5)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DocumentField, UnitChoiceField, VnDateField


class _ActionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ReplyForm(_ActionForm):
    replied_on = VnDateField(label=_("Ngày trả lời"), initial=timezone.localdate)
    number = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=100, help_text=_("Ví dụ: 125/SNNMT-VP."))
    summary = forms.CharField(label=_("Tóm tắt nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 4}))
    letter = DocumentField(
        label=_("Văn bản trả lời đã ký"), error_messages={"required": _("Vui lòng tải lên văn bản trả lời đã ký.")}
    )


class ForwardForm(_ActionForm):
    to_unit = UnitChoiceField(
        label=_("Cấp có thẩm quyền"), error_messages={"required": _("Vui lòng chọn cấp có thẩm quyền.")}
    )
    forwarded_on = VnDateField(label=_("Ngày chuyển"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Lý do chuyển"), widget=forms.Textarea(attrs={"rows": 3}))
    letter = DocumentField(label=_("Văn bản chuyển (nếu có)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field("to_unit", template="includes/unit_field.html"), "forwarded_on", "reason", "letter"
        )


class ComplexNoticeForm(_ActionForm):
    notified_on = VnDateField(label=_("Ngày thông báo"), initial=timezone.localdate)
    new_target_on = VnDateField(label=_("Thời hạn giải quyết mới"))
    reason = forms.CharField(label=_("Lý do cần thêm thời gian"), widget=forms.Textarea(attrs={"rows": 3}))
    letter = DocumentField(
        label=_("Văn bản thông báo cho người kiến nghị"),
        error_messages={"required": _("Vui lòng tải lên văn bản thông báo cho người kiến nghị.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("notified_on") and data.get("new_target_on") and data["new_target_on"] <= data["notified_on"]:
            self.add_error("new_target_on", _("Thời hạn giải quyết mới phải sau ngày thông báo."))
        return data


class WithdrawForm(forms.Form):
    """Withdrawal of a record entered by mistake: nothing is deleted, the reason is kept."""

    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nhập lý do thu hồi.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Vui lòng nhập lý do thu hồi."))
        return reason
