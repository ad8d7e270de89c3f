"""The petition's state machine: its statuses, the actions that move it, from which statuses each
action is allowed, where it leads, and the message that refuses it.

Services enforce it (``check``); views and templates ask it which actions to offer
(``allows``); nothing else compares statuses to decide what may happen.

    recorded ──clarify──▶ clarified (closed at the conference, no clock)
    recorded ──issue (the conclusion notice)──▶ assigned
    assigned ──reply──▶ replied
    assigned, forwarded ──forward──▶ forwarded (the competent unit answers now; again and again)
    assigned, forwarded, complex ──complex──▶ complex
    forwarded, complex ──reply──▶ replied
    replied ──assess: satisfied (accept)──▶ closed
    replied ──assess: not satisfied (reopen)──▶ reopened
    reopened ──request a supplementary reply──▶ supplementary ──supplement──▶ replied
    replied, reopened ──close (staff, with a reason)──▶ closed
    (any status before a reply) ──withdraw──▶ withdrawn
    replied / closed ──publish──▶ (same status; its result is shown on the public pages)
    (assigned, forwarded, complex, replied, closed) ──direct──▶ (unchanged: a head's direction)
    (while an answer is owed) coordinating units contribute (no status change)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PetitionStatus

S = PetitionStatus


class Action:
    """The actions on a petition (names used by services, views and templates)."""

    CLARIFY = "clarify"
    ASSIGN = "assign"  # choose the responsible unit before the notice
    ISSUE = "issue"  # the conclusion notice assigns it and starts its clock
    REPLY = "reply"
    FORWARD = "forward"
    COMPLEX = "complex"
    CONTRIBUTE = "contribute"  # a coordinating unit's contribution
    ASSESS = "assess"  # the Front's assessment of the latest reply: accept or reopen
    ACCEPT = "accept"  # satisfied: the case is closed
    REOPEN = "reopen"  # not satisfied: staff decide what follows
    REQUEST_SUPPLEMENTARY = "request_supplementary"
    SUPPLEMENT = "supplement"  # the supplementary reply
    CLOSE = "close"
    WITHDRAW = "withdraw"
    PUBLISH = "publish"  # make the result public (công khai); unpublishing is always allowed
    PROTECT = "protect"  # protect the petitioner's identity, or lift the protection
    DIRECT = "direct"  # a head's direction on a petition reported to them


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    # ``None``: the status does not change (e.g. choosing a unit before the notice).
    target: str | None
    # The refusal, with ``%(status)s`` for the current status' label.
    refusal: str
    # A more precise refusal from some statuses.
    refusal_from: dict[str, str] = field(default_factory=dict)


_BEFORE_NOTICE = frozenset({S.RECORDED})
_AWAITING_ANSWER = frozenset({S.ASSIGNED, S.COMPLEX, S.FORWARDED})
_ANSWERED = frozenset({S.REPLIED, S.REOPENED, S.SUPPLEMENTARY, S.CLOSED})
_ALREADY_ANSWERED = gettext_lazy("Kiến nghị này đã được trả lời bằng văn bản.")

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.CLARIFY,
            _BEFORE_NOTICE,
            S.CLARIFIED,
            gettext_lazy("Không thể đánh dấu đã làm rõ cho kiến nghị ở trạng thái “%(status)s”."),
        ),
        Transition(
            Action.ASSIGN, _BEFORE_NOTICE, None, gettext_lazy("Chỉ giao được kiến nghị chưa làm rõ tại hội nghị.")
        ),
        Transition(
            Action.ISSUE,
            _BEFORE_NOTICE,
            S.ASSIGNED,
            gettext_lazy("Kiến nghị ở trạng thái “%(status)s” không còn chờ thông báo kết luận."),
        ),
        Transition(
            Action.REPLY,
            _AWAITING_ANSWER,
            S.REPLIED,
            gettext_lazy("Không thể trả lời kiến nghị ở trạng thái “%(status)s”."),
            {
                S.REPLIED: _ALREADY_ANSWERED,
                S.REOPENED: gettext_lazy(
                    "Kiến nghị đã có văn bản trả lời; MTTQ không hài lòng và đang chờ cơ quan tổ chức quyết định."
                ),
                S.SUPPLEMENTARY: gettext_lazy("Kiến nghị đang chờ trả lời bổ sung: hãy ghi văn bản trả lời bổ sung."),
                S.CLOSED: gettext_lazy("Kiến nghị này đã được trả lời bằng văn bản và đã kết thúc."),
            },
        ),
        Transition(
            Action.FORWARD,
            frozenset({S.ASSIGNED, S.FORWARDED}),
            S.FORWARDED,
            gettext_lazy("Chỉ chuyển được kiến nghị đang chờ giải quyết; trạng thái hiện tại là “%(status)s”."),
        ),
        Transition(
            Action.COMPLEX,
            frozenset({S.ASSIGNED, S.FORWARDED, S.COMPLEX}),
            S.COMPLEX,
            gettext_lazy("Không thể gửi thông báo vụ việc phức tạp cho kiến nghị ở trạng thái “%(status)s”."),
        ),
        Transition(
            Action.CONTRIBUTE,
            _AWAITING_ANSWER | {S.SUPPLEMENTARY},
            None,
            gettext_lazy("Kiến nghị ở trạng thái “%(status)s” không còn chờ ý kiến phối hợp."),
        ),
        Transition(
            Action.ASSESS,
            frozenset({S.REPLIED}),
            None,
            gettext_lazy("Chỉ đánh giá được kiến nghị đã có văn bản trả lời và đang chờ đánh giá."),
            {
                S.CLOSED: gettext_lazy("Kiến nghị đã kết thúc: không đánh giá thêm."),
                S.REOPENED: gettext_lazy(
                    "Kiến nghị đã được đánh giá không hài lòng và đang chờ cơ quan tổ chức quyết định."
                ),
                S.SUPPLEMENTARY: gettext_lazy(
                    "Kiến nghị đang chờ trả lời bổ sung; đánh giá sau khi có văn bản bổ sung."
                ),
            },
        ),
        Transition(
            Action.ACCEPT,
            frozenset({S.REPLIED}),
            S.CLOSED,
            gettext_lazy("Chỉ đánh giá được kiến nghị đã có văn bản trả lời và đang chờ đánh giá."),
        ),
        Transition(
            Action.REOPEN,
            frozenset({S.REPLIED}),
            S.REOPENED,
            gettext_lazy("Chỉ đánh giá được kiến nghị đã có văn bản trả lời và đang chờ đánh giá."),
        ),
        Transition(
            Action.REQUEST_SUPPLEMENTARY,
            frozenset({S.REOPENED}),
            S.SUPPLEMENTARY,
            gettext_lazy(
                "Chỉ yêu cầu trả lời bổ sung khi MTTQ đánh giá không hài lòng; trạng thái hiện tại là “%(status)s”."
            ),
        ),
        Transition(
            Action.SUPPLEMENT,
            frozenset({S.SUPPLEMENTARY}),
            S.REPLIED,
            gettext_lazy("Kiến nghị ở trạng thái “%(status)s” không có yêu cầu trả lời bổ sung."),
        ),
        Transition(
            Action.CLOSE,
            frozenset({S.REPLIED, S.REOPENED}),
            S.CLOSED,
            gettext_lazy("Chỉ kết thúc được kiến nghị đã có văn bản trả lời và chưa kết thúc."),
            {S.SUPPLEMENTARY: gettext_lazy("Kiến nghị đang chờ trả lời bổ sung: chưa thể kết thúc.")},
        ),
        Transition(
            Action.PUBLISH,
            frozenset({S.REPLIED, S.CLOSED}),
            None,
            gettext_lazy("Chỉ công khai được kết quả của kiến nghị đã có văn bản trả lời."),
        ),
        Transition(
            Action.PROTECT,
            frozenset(S.values) - {S.WITHDRAWN},
            None,
            gettext_lazy("Kiến nghị đã thu hồi: không thay đổi được việc bảo vệ danh tính."),
        ),
        Transition(
            Action.DIRECT,
            _AWAITING_ANSWER | _ANSWERED,
            None,
            gettext_lazy(
                "Chỉ ghi ý kiến chỉ đạo cho kiến nghị đã giao đơn vị giải quyết; trạng thái hiện tại là “%(status)s”."
            ),
        ),
        Transition(
            Action.WITHDRAW,
            frozenset(S.values) - {S.WITHDRAWN, *_ANSWERED},
            S.WITHDRAWN,
            gettext_lazy("Không thể thu hồi kiến nghị đã có văn bản trả lời."),
            {S.WITHDRAWN: gettext_lazy("Kiến nghị này đã được thu hồi.")},
        ),
    )
}

# Statuses in which nothing is owed any more (no clock runs, nothing to offer but reading).
FINAL_STATUSES = frozenset({S.CLARIFIED, S.CLOSED, S.WITHDRAWN})
# Statuses in which the responsible unit still owes an answer (first answer or a supplementary one).
AWAITING_ANSWER = _AWAITING_ANSWER
OWES_ANSWER = _AWAITING_ANSWER | {S.SUPPLEMENTARY}


def allows(status: str, action: str) -> bool:
    """May ``action`` be taken on a petition in ``status``?"""
    return status in TRANSITIONS[action].sources


def refusal(status: str, action: str) -> str:
    """Why ``action`` is refused in ``status``, in the user's language."""
    transition = TRANSITIONS[action]
    message = transition.refusal_from.get(status, transition.refusal)
    return str(message) % {"status": S(status).label}


def check(status: str, action: str) -> None:
    """Raise the refusal as a ``ValidationError`` unless ``action`` is allowed in ``status``."""
    if not allows(status, action):
        raise ValidationError(refusal(status, action))


def target(status: str, action: str) -> str:
    """The status after ``action`` (checked)."""
    check(status, action)
    return TRANSITIONS[action].target or status


def status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else _("Không rõ")
