"""Demo data of the follow-through (issue 12): every state after the first reply, built through the
services the screens use.

- a session whose replies the Front assessed: reopened and waiting for staff, a supplementary
  reply asked for (open, overdue, given and waiting for the Front again), closed after the Front's
  satisfaction, closed by staff with a reason;
- forwardings: one open (the petitioner told), one forwarded again and answered by the last unit,
  one whose competent unit is overdue;
- a recent session whose petitions have coordinating units (one contributed, one not yet), a
  complex case with a long target and its reason, and due dates moved by a day off added to the
  calendar (with the timeline event);
- a session where everything was clarified at the conference: "không phát sinh nội dung phải
  thông báo".
"""

from __future__ import annotations

import datetime as dt

from petitions.models import Assessment
from petitions.services import (
    complex_notice_send,
    coordination_contribute,
    forwarding_petitioner_told,
    notice_issue,
    petition_close,
    petition_forward,
    reply_assess,
    reply_record,
    session_no_notice_record,
    session_record_with_petitions,
    supplementary_reply_record,
    supplementary_request,
)
from regulations.models import CalendarDay, CalendarDayKind
from regulations.services import calendar_day_save
from sessions.models import SessionKind
from sessions.services import default_notice_symbol, notice_next_number

PETITIONS_A = [
    ("Ông Bùi Văn Thắng", "Đề nghị bồi thường bổ sung phần đất vườn bị thu hồi làm đường tránh."),
    ("Bà Đinh Thị Hoa", "Đề nghị làm rõ việc chậm chi trả tiền hỗ trợ tái định cư."),
    ("Ông Quách Văn Sơn", "Đề nghị sửa chữa kênh mương nội đồng bị sạt lở sau mưa lũ."),
    ("Tập thể các hộ dân xóm Bãi", "Đề nghị xử lý ô nhiễm mùi từ trang trại chăn nuôi lợn."),
    ("Bà Hà Thị Nga", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho thửa đất đã sử dụng ổn định."),
    ("Ông Xa Văn Cường", "Đề nghị hỗ trợ giống lúa sau thiên tai năm trước."),
    ("Ông Lò Văn Minh", "Đề nghị điều chỉnh quy hoạch khu dân cư mới để không ảnh hưởng nghĩa trang của xóm."),
    ("Hội Cựu chiến binh xã", "Đề nghị xem xét cấp phép xây dựng nhà văn hóa xóm trên đất công."),
    ("Bà Trần Thị Mai", "Đề nghị tăng cường bác sĩ cho trạm y tế xã vào mùa dịch."),
]
PETITIONS_B = [
    ("Ông Nguyễn Văn Tuấn", "Đề nghị kiểm tra chất lượng nước sinh hoạt của nhà máy nước."),
    ("Tập thể tiểu thương chợ trung tâm", "Đề nghị giải quyết tranh chấp ki-ốt chợ sau khi cải tạo."),
    ("Bà Bùi Thị Lan", "Đề nghị sửa chữa đoạn đường liên xóm hư hỏng nặng."),
]


def _session(*, organiser, chair, held_on, topic, petitions, staff):
    return session_record_with_petitions(
        organising_unit=organiser,
        kind=SessionKind.PERIODIC,
        held_on=held_on,
        topic=topic,
        place=f"Hội trường {organiser.name}",
        chair=chair,
        actor=staff,
        participants=[{"name": "Đại diện Nhân dân các xã, phường", "role": "citizen", "headcount": 80}],
        petitions=petitions,
    )


def _notice(session, *, issued_on, staff, today, assignments, coordinating=None):
    symbol = default_notice_symbol(session.organising_unit)
    return notice_issue(
        session=session,
        number=notice_next_number(session=session, symbol=symbol, issued_on=issued_on),
        symbol=symbol,
        issued_on=issued_on,
        actor=staff,
        assignments=assignments,
        coordinating=coordinating or {},
        backdate_reason="Văn bản ký ngày ban hành, nhập vào cổng sau khi nhận lại từ văn thư."
        if (today - issued_on).days > 3
        else "",
    )


def _fresh(petition):
    petition.refresh_from_db()
    return petition


def seed_followthrough(*, units, users, officer, today: dt.date) -> None:
    """Add the follow-through's states to the demo province (``officer(unit)`` is the agency
    officer answering for a unit)."""

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    staff, front = users["staff"], users["front"]
    ubnd, party = units["ubnd"], units["party"]
    agencies = units["agencies"]
    lead = agencies[0]  # demo_agency's department
    chair = ubnd.leaders.first()

    # --- A session whose replies the Front assessed, and forwardings --------------------------
    session = _session(
        organiser=ubnd,
        chair=chair,
        held_on=day(-75),
        topic="Đối thoại về bồi thường, tái định cư và môi trường (theo dõi đến khi người dân hài lòng)",
        petitions=[{"petitioner_name": name, "content": content} for name, content in PETITIONS_A],
        staff=staff,
    )
    p = list(session.petitions.order_by("id"))
    _notice(session, issued_on=day(-70), staff=staff, today=today, assignments={x.pk: lead for x in p})
    me = officer(lead)

    def replied(petition, on, number):
        return reply_record(
            petition=_fresh(petition), replied_on=day(on), number=number, actor=me,
            summary="Sở đã kiểm tra thực địa và trả lời bằng văn bản cho người kiến nghị.",
        )  # fmt: skip

    def unsatisfied(reply, on):
        reply_assess(
            reply=reply, assessor=front, result=Assessment.UNSATISFIED, assessed_on=day(on), unit=units["front"],
            reason="Văn bản trả lời chưa nêu phương án và thời hạn giải quyết cụ thể.",
        )  # fmt: skip

    # Reopened: the Front is not satisfied, staff have not decided yet.
    unsatisfied(replied(p[0], -50, "101/SNNMT-VP"), -45)
    # A supplementary reply asked for, still open.
    unsatisfied(replied(p[1], -50, "102/SNNMT-VP"), -48)
    supplementary_request(
        petition=_fresh(p[1]), actor=staff, requested_on=day(-5),
        reason="Đề nghị nêu rõ phương án chi trả và thời gian hoàn thành.",
    )  # fmt: skip
    # A supplementary reply asked for and overdue.
    unsatisfied(replied(p[2], -50, "103/SNNMT-VP"), -45)
    supplementary_request(
        petition=_fresh(p[2]), actor=staff, requested_on=day(-20),
        reason="Đề nghị bổ sung kế hoạch sửa chữa kênh trước mùa mưa.",
    )  # fmt: skip
    # A supplementary reply given, waiting for the Front to assess it again.
    unsatisfied(replied(p[3], -55, "104/SNNMT-VP"), -50)
    supplementary_request(
        petition=_fresh(p[3]), actor=staff, requested_on=day(-30), reason="Đề nghị nêu kết quả kiểm tra, xử lý cụ thể."
    )
    supplementary_reply_record(
        petition=_fresh(p[3]), replied_on=day(-18), number="140/SNNMT-VP", actor=me,
        summary="Bổ sung kết quả kiểm tra: đã xử phạt và yêu cầu trang trại lắp hệ thống xử lý mùi.",
    )  # fmt: skip
    # Closed: the Front is satisfied with the supplementary reply.
    unsatisfied(replied(p[4], -60, "105/SNNMT-VP"), -55)
    supplementary_request(
        petition=_fresh(p[4]), actor=staff, requested_on=day(-50), reason="Đề nghị nêu thời hạn cấp giấy chứng nhận."
    )
    supplementary = supplementary_reply_record(
        petition=_fresh(p[4]), replied_on=day(-40), number="120/SNNMT-VP", actor=me,
        summary="Bổ sung: hồ sơ đủ điều kiện, giấy chứng nhận được cấp trong tháng.",
    )  # fmt: skip
    reply_assess(
        reply=supplementary, assessor=front, result=Assessment.SATISFIED, reason="", assessed_on=day(-35),
        unit=units["front"],
    )  # fmt: skip
    # Closed by staff with a reason after the Front's "not satisfied".
    unsatisfied(replied(p[5], -52, "106/SNNMT-VP"), -48)
    petition_close(
        petition=_fresh(p[5]), actor=staff,
        reason="Chính sách hỗ trợ giống đã hết hiệu lực; đã giải thích trực tiếp, người kiến nghị thống nhất.",
    )  # fmt: skip

    # Forwarded, the competent unit's target still open; the petitioner told.
    forwarding = petition_forward(
        petition=_fresh(p[6]), to_unit=ubnd, forwarded_on=day(-10), actor=me,
        reason="Điều chỉnh quy hoạch khu dân cư thuộc thẩm quyền của UBND tỉnh.",
    )  # fmt: skip
    forwarding_petitioner_told(forwarding=forwarding, told_on=day(-8), number="150/SNNMT-VP", actor=me)
    # Forwarded, forwarded again, answered by the last unit.
    construction = agencies[1]
    petition_forward(
        petition=_fresh(p[7]), to_unit=construction, forwarded_on=day(-60), actor=me,
        reason="Cấp phép xây dựng thuộc thẩm quyền của Sở Xây dựng.",
    )  # fmt: skip
    petition_forward(
        petition=_fresh(p[7]), to_unit=ubnd, forwarded_on=day(-45), actor=officer(construction),
        reason="Giao đất công để xây nhà văn hóa thuộc thẩm quyền của UBND tỉnh.",
    )  # fmt: skip
    reply_record(
        petition=_fresh(p[7]), replied_on=day(-30), number="88/UBND-NC", actor=officer(ubnd),
        summary="UBND tỉnh đồng ý chủ trương giao đất, giao UBND xã lập hồ sơ.",
    )  # fmt: skip
    # Forwarded; the competent unit is overdue.
    petition_forward(
        petition=_fresh(p[8]), to_unit=agencies[2], forwarded_on=day(-45), actor=me,
        reason="Nhân lực y tế cơ sở thuộc thẩm quyền của Sở Y tế.",
    )  # fmt: skip

    # --- A recent session: lead and coordinating units, a long complex target, a calendar change
    recent = _session(
        organiser=ubnd,
        chair=chair,
        held_on=day(-12),
        topic="Đối thoại về hạ tầng, nước sạch và chợ (chủ trì, phối hợp)",
        petitions=[{"petitioner_name": name, "content": content} for name, content in PETITIONS_B],
        staff=staff,
    )
    water, market, road = list(recent.petitions.order_by("id"))
    _notice(
        recent,
        issued_on=day(-8),
        staff=staff,
        today=today,
        assignments={water.pk: lead, market.pk: construction, road.pk: lead},
        coordinating={water.pk: [agencies[2], agencies[5]]},
    )
    health = _fresh(water).coordinations.get(unit=agencies[2])
    coordination_contribute(
        coordination=health, contributed_on=day(-3), actor=officer(agencies[2]),
        contribution="Sở Y tế đã lấy mẫu nước: chỉ tiêu vi sinh đạt, độ đục vượt ngưỡng; đề nghị nhà máy súc rửa đường ống.",
    )  # fmt: skip
    complex_notice_send(
        petition=_fresh(market), notified_on=day(-2), new_target_on=day(150), actor=officer(construction),
        reason="Tranh chấp ki-ốt liên quan nhiều hộ, cần thanh tra toàn diện hồ sơ đấu giá.",
        target_reason="Kết luận thanh tra toàn diện dự kiến có sau 4 tháng.",
    )  # fmt: skip
    # The province adds a day off on the reply due date: the open replies' stored dates move
    # (timeline "hạn thay đổi do điều chỉnh lịch nghỉ"); the complex case, already answered, keeps its date.
    due = _fresh(road).reply_due_on
    if not CalendarDay.objects.filter(day=due).exists():
        calendar_day_save(
            calendar_day=CalendarDay(
                day=due, kind=CalendarDayKind.DAY_OFF, note="Nghỉ theo quyết định của UBND tỉnh (dữ liệu mẫu)"
            ),
            actor=users["admin"],
        )

    # --- A session where everything was clarified at the conference ------------------------------
    clarified = _session(
        organiser=party,
        chair=party.leaders.first(),
        held_on=day(-4),
        topic="Đối thoại với đoàn viên thanh niên về việc làm",
        petitions=[
            {
                "petitioner_name": "Đoàn viên Hà Văn Nam",
                "content": "Đề nghị thông tin về chương trình vay vốn tạo việc làm.",
                "clarified_at_conference": True,
                "conference_answer": "Đồng chí chủ trì đã giải thích điều kiện và thủ tục vay vốn tại hội nghị.",
            }
        ],
        staff=staff,
    )
    session_no_notice_record(
        session=clarified, actor=staff, reason="Các ý kiến đã được giải thích, làm rõ ngay tại hội nghị."
    )
