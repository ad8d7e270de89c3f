"""The first draft of a report's narrative sections, written from its figures; the unit's staff
edit it in the browser before issuing. Plain functions of the figures (no queries), in the
regulation's words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from common.dates import vn_date
from regulations.rules import NOTICE, REPLY, Rules
from units.models import DocumentFormat, Unit

from .periods import Period
from .selectors import on_time_rate


def _n(figures: dict, key: str) -> int:
    return figures.get(key) or 0


def _rate_text(figures: dict) -> str:
    rate = on_time_rate(figures)
    return "" if rate is None else f"{rate:.1f}".replace(".", ",")


def default_subject(period: Period) -> str:
    return _(
        "Kết quả tiếp xúc, đối thoại trực tiếp và giải quyết ý kiến, kiến nghị sau tiếp xúc, đối thoại %(period)s"
    ) % {"period": period.name[:1].lower() + period.name[1:]}


def compiled_subject(period: Period) -> str:
    return _(
        "Tổng hợp kết quả tiếp xúc, đối thoại trực tiếp và giải quyết ý kiến, kiến nghị sau tiếp xúc, đối thoại"
        " %(period)s"
    ) % {"period": period.name[:1].lower() + period.name[1:]}


def situation(who: str, period: Period, figures: dict, r1_missing: list[str], rules: Rules | None = None) -> str:
    rules = rules or Rules.from_settings()
    values = {
        "who": who,
        "start": vn_date(period.start),
        "end": vn_date(period.end),
        "held": _n(figures, "sessions_held"),
        "periodic": _n(figures, "sessions_periodic"),
        "ad_hoc": _n(figures, "sessions_ad_hoc"),
        "on_time": _n(figures, "notices_on_time"),
        "late": _n(figures, "notices_late"),
        "overdue": _n(figures, "notices_overdue"),
        "pending": _n(figures, "notices_pending"),
        "days": rules.limit(NOTICE).text,
        "year": period.r1_year,
        "required": _n(figures, "r1_required"),
        "r1_held": _n(figures, "r1_held"),
    }
    if values["held"]:
        lines = [
            _(
                "Trong kỳ báo cáo (từ ngày %(start)s đến ngày %(end)s), %(who)s đã tổ chức %(held)s hội nghị tiếp xúc,"
                " đối thoại trực tiếp với Nhân dân (%(periodic)s hội nghị định kỳ, %(ad_hoc)s hội nghị đột xuất)."
            )
            % values,
            _(
                "Thông báo kết luận của người chủ trì được ban hành trong thời hạn %(days)s sau hội nghị đối với"
                " %(on_time)s hội nghị, trễ hạn %(late)s hội nghị; %(overdue)s hội nghị đã quá hạn nhưng chưa ban hành"
                " thông báo kết luận; %(pending)s hội nghị đang trong thời hạn ban hành."
            )
            % values,
        ]
    else:
        lines = [
            _(
                "Trong kỳ báo cáo (từ ngày %(start)s đến ngày %(end)s), %(who)s chưa tổ chức hội nghị tiếp xúc,"
                " đối thoại trực tiếp nào."
            )
            % values
        ]
    if values["required"]:
        line = (
            _(
                "Về yêu cầu mỗi cấp ủy, chính quyền tổ chức đối thoại ít nhất một lần trong năm %(year)s:"
                " %(r1_held)s/%(required)s đơn vị đã tổ chức"
            )
            % values
        )
        if r1_missing:
            line += _("; chưa tổ chức: %(names)s.") % {"names": ", ".join(r1_missing)}
        else:
            line += "."
        lines.append(line)
    return "\n".join(lines)


def results(figures: dict, rules: Rules | None = None) -> str:
    rules = rules or Rules.from_settings()
    values = {
        "received": _n(figures, "petitions_received"),
        "clarified": _n(figures, "petitions_clarified"),
        "assigned": _n(figures, "petitions_assigned"),
        "on_time": _n(figures, "petitions_on_time"),
        "late": _n(figures, "petitions_late"),
        "overdue": _n(figures, "petitions_overdue"),
        "pending": _n(figures, "petitions_pending"),
        "replied": _n(figures, "petitions_replied"),
        "forwarded": _n(figures, "petitions_forwarded"),
        "complex": _n(figures, "petitions_complex"),
        "complex_overdue": _n(figures, "petitions_complex_overdue"),
        "days": rules.limit(REPLY).text,
        "rate": _rate_text(figures),
    }
    if not values["received"]:
        return _("Trong kỳ không có ý kiến, kiến nghị nào được tiếp nhận tại các hội nghị.")
    lines = [
        _(
            "Tổng số ý kiến, kiến nghị tiếp nhận tại các hội nghị: %(received)s; trong đó %(clarified)s ý kiến đã được"
            " giải thích, làm rõ ngay tại hội nghị, %(assigned)s kiến nghị được giao cơ quan, đơn vị giải quyết."
        )
        % values,
        _(
            "Kết quả: %(on_time)s kiến nghị được trả lời bằng văn bản, chuyển cấp có thẩm quyền hoặc thông báo vụ việc"
            " phức tạp trong thời hạn %(days)s; %(late)s kiến nghị xử lý trễ hạn; %(overdue)s kiến nghị đã quá hạn"
            " nhưng chưa được xử lý; %(pending)s kiến nghị đang trong thời hạn giải quyết."
        )
        % values,
        _(
            "Đã trả lời bằng văn bản %(replied)s kiến nghị; chuyển %(forwarded)s kiến nghị đến cấp có thẩm quyền;"
            " %(complex)s vụ việc phức tạp đã thông báo bằng văn bản cần thêm thời gian giải quyết"
            " (%(complex_overdue)s vụ việc quá thời hạn đơn vị tự đặt)."
        )
        % values,
    ]
    if values["rate"]:
        lines.append(_("Tỷ lệ kiến nghị được xử lý đúng hạn: %(rate)s%%.") % values)
    return "\n".join(lines)


def supervision(figures: dict) -> str:
    values = {"satisfied": _n(figures, "petitions_satisfied"), "unsatisfied": _n(figures, "petitions_unsatisfied")}
    text = (
        _(
            "Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội cùng cấp đã theo dõi, giám sát việc giải quyết"
            " ý kiến, kiến nghị sau tiếp xúc, đối thoại; qua giám sát, %(satisfied)s văn bản trả lời được đánh giá hài"
            " lòng, %(unsatisfied)s văn bản trả lời bị đánh giá không hài lòng."
        )
        % values
    )
    if values["unsatisfied"]:
        text += " " + _("Các trường hợp không hài lòng đã được đề nghị cơ quan, đơn vị xem xét, trả lời bổ sung.")
    return text


def assessment(figures: dict) -> str:
    strengths, shortcomings = [], []
    rate = on_time_rate(figures)
    if _n(figures, "sessions_held"):
        strengths.append(
            _("người đứng đầu cấp ủy, chính quyền quan tâm tổ chức tiếp xúc, đối thoại trực tiếp với Nhân dân")
        )
    if rate is not None and rate >= 80:
        strengths.append(_("phần lớn kiến nghị được xem xét, trả lời đúng thời hạn"))
    if _n(figures, "petitions_clarified"):
        strengths.append(_("nhiều ý kiến được giải thích, làm rõ ngay tại hội nghị"))
    if _n(figures, "petitions_overdue"):
        shortcomings.append(
            _("còn %(n)s kiến nghị quá hạn chưa được giải quyết, trả lời") % {"n": _n(figures, "petitions_overdue")}
        )
    late_notices = _n(figures, "notices_late") + _n(figures, "notices_overdue")
    if late_notices:
        shortcomings.append(_("%(n)s hội nghị chậm ban hành thông báo kết luận") % {"n": late_notices})
    if _n(figures, "r1_missing"):
        shortcomings.append(_("còn %(n)s đơn vị chưa tổ chức đối thoại trong năm") % {"n": _n(figures, "r1_missing")})
    if _n(figures, "petitions_unsatisfied"):
        shortcomings.append(
            _("%(n)s văn bản trả lời bị đánh giá không hài lòng") % {"n": _n(figures, "petitions_unsatisfied")}
        )
    lines = []
    if strengths:
        lines.append(_("Ưu điểm: %(items)s.") % {"items": "; ".join(strengths)})
    if shortcomings:
        lines.append(_("Hạn chế: %(items)s.") % {"items": "; ".join(shortcomings)})
    else:
        lines.append(_("Hạn chế: qua số liệu theo dõi, chưa phát hiện hạn chế nổi bật."))
    return "\n".join(lines)


def proposals(figures: dict) -> str:
    items = [
        _(
            "Tiếp tục thực hiện nghiêm Quy định về tiếp xúc, đối thoại trực tiếp; duy trì đối thoại định kỳ và tổ chức"
            " đối thoại đột xuất khi có vấn đề bức xúc phát sinh."
        )
    ]
    if _n(figures, "petitions_overdue"):
        items.append(
            _("Tập trung giải quyết dứt điểm %(n)s kiến nghị đã quá hạn, trả lời bằng văn bản cho người kiến nghị.")
            % {"n": _n(figures, "petitions_overdue")}
        )
    if _n(figures, "notices_late") + _n(figures, "notices_overdue"):
        items.append(_("Ban hành thông báo kết luận đúng thời hạn sau mỗi hội nghị."))
    if _n(figures, "r1_missing"):
        items.append(
            _("Các đơn vị chưa tổ chức đối thoại trong năm khẩn trương xây dựng kế hoạch và tổ chức đối thoại.")
        )
    items.append(
        _("Đề nghị Mặt trận Tổ quốc, các tổ chức chính trị - xã hội tiếp tục giám sát việc giải quyết kiến nghị.")
    )
    return "\n".join(f"{i}. {text}" for i, text in enumerate(items, start=1))


def unit_sections(
    unit: Unit, period: Period, figures: dict, r1_missing: list[str], rules: Rules | None = None
) -> dict[str, str]:
    """The five sections of a unit's report, from its figures."""
    return {
        "situation": situation(unit.name, period, figures, r1_missing, rules),
        "results": results(figures, rules),
        "supervision": supervision(figures),
        "assessment": assessment(figures),
        "proposals": proposals(figures),
    }


def compiled_sections(area: Unit, period: Period, tables: dict, rules: Rules | None = None) -> dict[str, str]:
    """The five sections of a compiled report, from the sums of the submitted reports; the
    first says who reported (on time, late) and names the units that did not."""
    counts, figures = tables.get("counts", {}), tables.get("totals", {}).get("submitted", {})
    values = {
        "area": area.name,
        "submitted": counts.get("submitted", 0),
        "required": counts.get("required", 0),
        "on_time": counts.get("on_time", 0),
        "late": counts.get("late", 0),
        "missing": counts.get("missing", 0),
        "names": ", ".join(tables.get("missing", [])),
    }
    status = (
        _(
            "Thực hiện chế độ báo cáo định kỳ, %(submitted)s/%(required)s đơn vị đã gửi báo cáo (%(on_time)s đơn vị gửi"
            " đúng hạn, %(late)s đơn vị gửi trễ hạn)."
        )
        % values
    )
    if values["missing"]:
        status += " " + _("%(missing)s đơn vị chưa gửi báo cáo: %(names)s.") % values
    who = _("các cấp ủy, chính quyền trên địa bàn %(area)s") % values
    sections = {
        "situation": status + "\n" + situation(who, period, figures, [], rules),
        "results": results(figures, rules),
        "supervision": supervision(figures),
        "assessment": assessment(figures),
        "proposals": proposals(figures),
    }
    if tables.get("differences"):
        sections["results"] += "\n" + _(
            "Số liệu trên được tổng hợp từ báo cáo các đơn vị đã gửi; đối chiếu với số liệu cập nhật trên hệ thống"
            " có chênh lệch ở một số chỉ tiêu (chi tiết tại phụ lục)."
        )
    return sections


def default_signer(unit: Unit, head=None) -> dict[str, str]:
    """Who signs, by default: for a party committee "T/M Ban Thường vụ" and its secretary, for a
    People's Committee "TM. Ủy ban nhân dân" and its chair, else the head of the body."""
    name = head.full_name if head else ""
    if unit.kind.is_party_committee:
        return {"signer_capacity": _("T/M Ban Thường vụ"), "signer_position": _("Bí thư"), "signer_name": name}
    if unit.kind.receives_mass_mobilisation_reports:
        return {"signer_capacity": "", "signer_position": _("Trưởng ban"), "signer_name": name}
    if unit.kind.document_format == DocumentFormat.STATE:
        return {
            "signer_capacity": _("TM. %(kind)s") % {"kind": unit.kind.name},
            "signer_position": _("Chủ tịch"),
            "signer_name": name,
        }
    return {"signer_capacity": "", "signer_position": head.position if head else "", "signer_name": name}
