"""Forms of the periodic-report screens: choosing a unit and a period, editing a draft, issuing
it, and generating a compiled report. The signed scan and the receipt day reuse the notice's
forms (``sessions.forms``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DocumentField, VnDateField

from .periods import Cutoff, Period, PeriodKind
from .report_selectors import calendar_for

YEAR_FIELD = {"min_value": 2000, "max_value": 2100}


class PeriodForm(forms.Form):
    """A period of the reporting calendar that applies to the chosen unit (its cut-off)."""

    kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PeriodKind.CHOICES)
    year = forms.IntegerField(label=_("Năm"), **YEAR_FIELD)
    month = forms.IntegerField(label=_("Tháng"), min_value=1, max_value=12, required=False)

    def period_for(self, unit) -> Period | None:
        """The period, with the cut-off of ``unit``'s calendar (or the default one); ``None``
        after adding the error to the form."""
        data = self.cleaned_data
        calendar = calendar_for(unit) if unit is not None else None
        cutoff = calendar.cutoff if calendar else Cutoff.default()
        try:
            return Period(kind=data["kind"], year=data["year"], month=data.get("month"), cutoff=cutoff)
        except ValueError as exc:
            self.add_error("month" if data["kind"] == PeriodKind.MONTH else None, str(exc))
            return None


class ReportCreateForm(PeriodForm):
    unit = forms.ModelChoiceField(label=_("Đơn vị báo cáo"), queryset=None, empty_label=None)

    field_order = ["unit", "kind", "year", "month"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].initial = timezone.localdate().year


class ReportEditForm(forms.Form):
    subject = forms.CharField(label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    situation = forms.CharField(
        label=_("I. Tình hình tổ chức tiếp xúc, đối thoại trực tiếp"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    results = forms.CharField(
        label=_("II. Kết quả giải quyết ý kiến, kiến nghị sau tiếp xúc, đối thoại"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    supervision = forms.CharField(
        label=_("III. Công tác giám sát của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    assessment = forms.CharField(
        label=_("IV. Đánh giá chung"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    proposals = forms.CharField(
        label=_("V. Nhiệm vụ trọng tâm và đề xuất, kiến nghị"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    signer_capacity = forms.CharField(label=_("Thẩm quyền ký"), max_length=200, required=False)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    extra_recipients = forms.CharField(
        label=_("Nơi nhận khác"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một nơi nhận ngoài hệ thống (ví dụ: Ban Dân vận Trung ương)."),
    )


class ReportIssueForm(forms.Form):
    number = forms.IntegerField(label=_("Số"), min_value=1, max_value=1_000_000)
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=50, help_text=_("Ví dụ: BC/TU hoặc BC-UBND."))
    issued_on = VnDateField(label=_("Ngày ban hành"))
    signed_file = DocumentField(label=_("Bản đã ký (nếu có)"), required=False)


class CompiledCreateForm(PeriodForm):
    issuing_unit = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=None, empty_label=None)

    def __init__(self, *args, issuers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = issuers
