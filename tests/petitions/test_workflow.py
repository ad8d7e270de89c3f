"""The petition's state machine: one table of statuses, actions, targets and refusals."""

import pytest
from django.core.exceptions import ValidationError

from petitions import workflow
from petitions.models import PetitionStatus as S
from petitions.workflow import TRANSITIONS, Action


def test_every_action_has_sources_a_known_target_and_a_refusal():
    for action, transition in TRANSITIONS.items():
        assert transition.action == action
        assert transition.sources and transition.sources <= set(S.values)
        assert transition.target is None or transition.target in S.values
        assert "%(status)s" in str(transition.refusal) or str(transition.refusal)


@pytest.mark.parametrize(
    "status, action, target",
    [
        (S.RECORDED, Action.CLARIFY, S.CLARIFIED),
        (S.RECORDED, Action.ISSUE, S.ASSIGNED),
        (S.RECORDED, Action.ASSIGN, S.RECORDED),
        (S.ASSIGNED, Action.REPLY, S.REPLIED),
        (S.FORWARDED, Action.REPLY, S.REPLIED),
        (S.COMPLEX, Action.REPLY, S.REPLIED),
        (S.ASSIGNED, Action.FORWARD, S.FORWARDED),
        (S.FORWARDED, Action.FORWARD, S.FORWARDED),
        (S.ASSIGNED, Action.COMPLEX, S.COMPLEX),
        (S.COMPLEX, Action.COMPLEX, S.COMPLEX),
        (S.REPLIED, Action.CLOSE, S.CLOSED),
        (S.REPLIED, Action.ASSESS, S.REPLIED),
        (S.ASSIGNED, Action.WITHDRAW, S.WITHDRAWN),
    ],
)
def test_allowed_transitions_lead_where_the_regulation_says(status, action, target):
    assert workflow.allows(status, action)
    assert workflow.target(status, action) == target


@pytest.mark.parametrize(
    "status, action, message",
    [
        (S.REPLIED, Action.REPLY, "Kiến nghị này đã được trả lời bằng văn bản."),
        (S.CLOSED, Action.REPLY, "Kiến nghị này đã được trả lời bằng văn bản và đã kết thúc."),
        (S.CLARIFIED, Action.REPLY, "Không thể trả lời kiến nghị ở trạng thái “Đã làm rõ tại hội nghị”."),
        (S.REPLIED, Action.WITHDRAW, "Không thể thu hồi kiến nghị đã có văn bản trả lời."),
        (S.WITHDRAWN, Action.WITHDRAW, "Kiến nghị này đã được thu hồi."),
        (S.ASSIGNED, Action.ASSESS, "Chỉ đánh giá được kiến nghị đã có văn bản trả lời và đang chờ đánh giá."),
        (S.CLOSED, Action.ASSESS, "Kiến nghị đã kết thúc: không đánh giá thêm."),
        (S.CLOSED, Action.CLOSE, "Chỉ kết thúc được kiến nghị đã có văn bản trả lời và chưa kết thúc."),
        (
            S.COMPLEX,
            Action.FORWARD,
            "Chỉ chuyển được kiến nghị đang chờ giải quyết; trạng thái hiện tại là “Đã thông báo vụ việc phức tạp”.",
        ),
    ],
)
def test_refused_transitions_say_why_in_vietnamese(status, action, message):
    assert not workflow.allows(status, action)
    with pytest.raises(ValidationError) as exc:
        workflow.check(status, action)
    assert exc.value.messages == [message]


def test_a_withdrawn_petition_allows_nothing_and_a_clarified_one_only_withdrawal_or_protection():
    assert not any(workflow.allows(S.WITHDRAWN, action) for action in TRANSITIONS)
    assert {a for a in TRANSITIONS if workflow.allows(S.CLARIFIED, a)} == {Action.WITHDRAW, Action.PROTECT}
