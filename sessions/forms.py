"""Forms of the session screens (session, participants, the notice's number and recipients, the
signed scan, receipt days). They only collect and type-check input; the rules are in the
services, whose ``ValidationError``s the views put back on these forms."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DocumentField, VnDateField, validate_document_symbol
from common.models import REASON_MAX_LENGTH
from units.access import scope_of
from units.forms import UnitMultipleChoiceField
from units.models import Leader, Role
from units.selectors import units_active_on, units_for_staff

from .models import ConclusionNotice, ParticipantRole, SessionKind


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
        label=_("Họ tên người chủ trì"),
        max_length=200,
        required=False,
        help_text=_("Nhập nếu không chọn trong danh sách."),
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=255)
    topic = forms.CharField(label=_("Chủ đề"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = DocumentField(label=_("Biên bản hội nghị"), required=False)
    date_change_reason = forms.CharField(
        label=_("Lý do đổi ngày tổ chức"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi đổi ngày của hội nghị đã diễn ra (hạn thông báo kết luận đã bắt đầu tính)."),
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["date_change_reason"]
        units = units_for_staff(user).only("id", "name", "path", "kind")
        self.fields["organising_unit"].queryset = units
        # A chair heads the organising unit or a level above it: leaders of units in the user's
        # scope and of the ancestors of the scope's roots.
        roots = scope_of(user).paths({Role.STAFF})
        ancestor_ids = {int(p) for path in (roots or []) for p in path.split(".") if p}
        leaders = Leader.objects.select_related("unit").order_by("unit__path", "-term_start")
        if roots is not None:
            leaders = leaders.filter(Q(unit__in=units.values("pk")) | Q(unit_id__in=ancestor_ids))
        # Current heads, and those whose term ended this year (a session may be recorded late).
        self.fields["chair"].queryset = leaders.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=timezone.localdate().replace(month=1, day=1))
        )
        self.fields["chair"].label_from_instance = lambda leader: (
            f"{leader.full_name} – {leader.position} ({leader.unit})"
        )
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


class NoticeIssueForm(forms.Form):
    number = forms.IntegerField(
        label=_("Số"), min_value=1, error_messages={"min_value": _("Số văn bản phải là số nguyên dương.")}
    )
    symbol = forms.CharField(
        label=_("Ký hiệu"),
        max_length=50,
        validators=[validate_document_symbol],
        help_text=_("Ví dụ: TB/TU (văn bản Đảng) hoặc TB-UBND."),
    )
    issued_on = VnDateField(label=_("Ngày ban hành"))
    subject = forms.CharField(
        label=_("Trích yếu"), max_length=500, required=False, help_text=_("Để trống để dùng trích yếu mặc định.")
    )
    body = forms.CharField(
        label=_("Nội dung kết luận chung"),
        max_length=ConclusionNotice._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
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
        self.fields["recipients"].queryset = units_active_on()
        self.helper = _helper()


class SignedScanForm(forms.Form):
    signed_file = DocumentField(
        label=_("Bản thông báo đã ký (bản chụp)"), error_messages={"required": _("Chưa chọn tệp.")}
    )


class ReceivedForm(forms.Form):
    received_on = VnDateField(label=_("Ngày nhận"), error_messages={"required": _("Vui lòng nhập ngày nhận.")})
