"""Forms of the session screens (session, participants, the notice's number and recipients, the
signed scan, receipt days). They only collect and type-check input; the rules are in the
services, whose ``ValidationError``s the views put back on these forms."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.forms import DocumentField, VnDateField, validate_document_symbol
from common.models import REASON_MAX_LENGTH
from regulations.years import dialogue_year_bounds
from units.access import scope_of
from units.forms import UnitChoiceField, UnitMultipleChoiceField
from units.models import Leader, Role
from units.selectors import units_active_on, units_for_staff

from .models import (
    QUARTER_LABELS,
    ConclusionNotice,
    InvitedGroup,
    ItemAssessmentResult,
    ItemKind,
    ParticipantRole,
    PlannedDialogue,
    SessionKind,
)
from .selectors import planned_items_open_for


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
    planned_item = forms.ModelChoiceField(
        label=_("Theo kế hoạch năm (cuộc đối thoại dự kiến)"),
        queryset=None,
        required=False,
        empty_label=_("Không theo kế hoạch (đột xuất, bổ sung)"),
        help_text=_("Chọn nếu hội nghị tổ chức theo kế hoạch tiếp xúc, đối thoại năm đã ban hành."),
        error_messages={"invalid_choice": _("Nội dung dự kiến đã chọn không hợp lệ hoặc đã được tổ chức.")},
    )
    date_change_reason = forms.CharField(
        label=_("Lý do đổi ngày tổ chức"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi đổi ngày của hội nghị đã diễn ra (hạn thông báo kết luận đã bắt đầu tính)."),
    )

    def __init__(self, *args, user, planned_item_id=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        open_items = planned_items_open_for(user).values("pk")
        current = Q(pk=planned_item_id) if planned_item_id else Q(pk__in=[])
        self.fields["planned_item"].queryset = (
            PlannedDialogue.objects.filter(Q(pk__in=open_items) | current)
            .select_related("plan__unit")
            .order_by("plan__unit__path", "expected_by", "id")
        )
        self.fields["planned_item"].label_from_instance = lambda item: (
            f"{item.plan.unit} – {item.topic} ({item.expected_label})"
        )
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
        label=_("Số"),
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "min_value": _("Số văn bản phải là số nguyên dương."),
            "max_value": _("Số văn bản không được lớn hơn %(limit_value)s."),
        },
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
    backdate_reason = forms.CharField(
        label=_("Lý do ghi ngày ban hành lùi"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = units_active_on()
        self.fields["backdate_reason"].help_text = _(
            "Bắt buộc khi ngày ban hành sớm hơn hôm nay quá %(days)s ngày; được lưu cùng thông báo."
        ) % {"days": settings.NOTICE_BACKDATE_DAYS}
        self.helper = _helper()


class SignedScanForm(forms.Form):
    signed_file = DocumentField(
        label=_("Bản thông báo đã ký (bản chụp)"), error_messages={"required": _("Chưa chọn tệp.")}
    )


class NoNoticeForm(forms.Form):
    """Nothing from the session needs a conclusion notice: the reason is kept on the record."""

    reason = forms.CharField(
        label=_("Lý do không phát sinh nội dung phải thông báo"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Vui lòng nhập lý do không phát sinh nội dung phải thông báo.")},
    )


class ReceivedForm(forms.Form):
    received_on = VnDateField(label=_("Ngày nhận"), error_messages={"required": _("Vui lòng nhập ngày nhận.")})


# ---------------------------------------------------------------------------------------------
# The annual plan
# ---------------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị lập kế hoạch"),
        queryset=None,
        error_messages={"invalid_choice": _("Bạn không được lập kế hoạch cho đơn vị này.")},
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2019, max_value=2100)
    summary = forms.CharField(
        label=_("Mục đích, yêu cầu"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_staff(user).only("id", "name", "path", "kind")
        self.helper = _helper()


def _month_choices():
    return [("", "—")] + [(str(m), gettext("Tháng %(month)s") % {"month": m}) for m in range(1, 13)]


def _quarter_choices():
    return [("", "—")] + [(str(q), gettext("Quý %(quarter)s") % {"quarter": QUARTER_LABELS[q]}) for q in range(1, 5)]


class PlannedItemForm(forms.Form):
    topic = forms.CharField(
        label=_("Nội dung, chủ đề dự kiến"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_month = forms.TypedChoiceField(
        label=_("Tháng dự kiến"), choices=_month_choices, coerce=int, empty_value=None, required=False
    )
    expected_quarter = forms.TypedChoiceField(
        label=_("hoặc quý dự kiến"), choices=_quarter_choices, coerce=int, empty_value=None, required=False
    )
    chair = forms.ModelChoiceField(
        label=_("Người đứng đầu chủ trì"),
        queryset=None,
        error_messages={"invalid_choice": _("Người đứng đầu đã chọn không thuộc đơn vị hoặc cấp trên.")},
    )
    invited = forms.MultipleChoiceField(
        label=_("Thành phần mời"), choices=InvitedGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    invited_note = forms.CharField(
        label=_("Ghi rõ thành phần, địa bàn"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: nhân dân xã Yên Quang khu vực trạm thu phí."),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # Heads of the unit and of the levels above it whose term overlaps the plan's year.
        start, end = dialogue_year_bounds(plan.year)
        ancestors = [int(p) for p in plan.unit.path.split(".") if p]
        self.fields["chair"].queryset = (
            Leader.objects.filter(unit_id__in=ancestors, term_start__lte=end)
            .filter(Q(term_end__isnull=True) | Q(term_end__gte=start))
            .select_related("unit")
            .order_by("-unit__depth", "-term_start")
        )
        self.fields["chair"].label_from_instance = lambda leader: (
            f"{leader.full_name} – {leader.position} ({leader.unit})"
        )
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if bool(data.get("expected_month")) == bool(data.get("expected_quarter")):
            self.add_error("expected_month", _("Vui lòng chọn tháng hoặc quý dự kiến (chỉ một trong hai)."))
        return data


class PlanSignedScanForm(forms.Form):
    signed_file = DocumentField(
        label=_("Bản kế hoạch đã ký (bản chụp)"), error_messages={"required": _("Chưa chọn tệp.")}
    )


class PlanIssueForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, help_text=_("Ví dụ: 15-KH/TU."))
    issued_on = VnDateField(label=_("Ngày ban hành"), initial=timezone.localdate)
    signed_file = DocumentField(label=_("Bản kế hoạch đã ký (nếu có)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# ---------------------------------------------------------------------------------------------
# The chair's conclusions and commitments
# ---------------------------------------------------------------------------------------------


class ConclusionItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại"), choices=ItemKind.choices, initial=ItemKind.COMMITMENT, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    responsible_unit = UnitChoiceField(
        label=_("Đơn vị thực hiện"), error_messages={"required": _("Vui lòng chọn đơn vị thực hiện.")}
    )
    target_on = VnDateField(label=_("Thời hạn hoàn thành (nếu có)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.layout = Layout(
            "kind", "text", Field("responsible_unit", template="includes/unit_field.html"), "target_on"
        )


class ItemCompleteForm(forms.Form):
    done_on = VnDateField(label=_("Ngày hoàn thành"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    evidence = DocumentField(label=_("Văn bản chứng minh (nếu có)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ItemAssessForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Kết quả đánh giá"), choices=ItemAssessmentResult.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi đánh giá không hài lòng."),
    )
    assessed_on = VnDateField(label=_("Ngày đánh giá"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
