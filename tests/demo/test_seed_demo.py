import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from petitions.models import Petition, PetitionStatus
from petitions.selectors import with_reply_states
from regulations.states import DeadlineState
from sessions.models import DialogueSession
from sessions.selectors import with_notice_state
from units.models import Membership

pytestmark = pytest.mark.django_db

DEMO_USERS = ["demo_staff", "demo_leader", "demo_agency", "demo_front", "demo_board", "demo_admin"]


def test_seed_demo_builds_every_state_and_the_demo_accounts(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--sessions", "30")
    User = get_user_model()
    for username in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password("demo")
        assert Membership.objects.filter(user=user).exists()
    reply_states = set(with_reply_states(Petition.objects.all()).values_list("reply_state", flat=True))
    assert set(DeadlineState.values) <= reply_states
    notice_states = set(with_notice_state(DialogueSession.objects.all()).values_list("notice_state", flat=True))
    assert {DeadlineState.OPEN, DeadlineState.DUE_SOON, DeadlineState.OVERDUE, DeadlineState.MET} <= notice_states
    assert Petition.objects.filter(assessment="unsatisfied").exists()
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert {
        PetitionStatus.RECORDED,
        PetitionStatus.CLARIFIED,
        PetitionStatus.ASSIGNED,
        PetitionStatus.REPLIED,
    } <= statuses

    # A second run changes nothing.
    count = Petition.objects.count()
    call_command("seed_demo")
    assert Petition.objects.count() == count


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()


def test_the_demo_tells_the_truth_about_2025(settings):
    """Hòa Bình's regulation before the merger, Phú Thọ's after it, each named by the
    explanations; the districts end on 30/6/2025 and owe nothing afterwards."""
    import datetime as dt

    from sessions.selectors import explain_notice_due
    from units.models import Reorganisation, Unit

    settings.DEBUG = True
    call_command("seed_demo", "--sessions", "30")
    merger = dt.date(2025, 7, 1)
    sessions = DialogueSession.objects.select_related("notice_regulation")
    assert {s.notice_regulation.number for s in sessions.filter(held_on__lt=merger)} == {"07-QC/TU"}
    assert {s.notice_regulation.number for s in sessions.filter(held_on__gte=merger)} == {"05-QC/TU"}
    before, after = sessions.filter(held_on__lt=merger).first(), sessions.filter(held_on__gte=merger).first()
    assert "Theo Quy chế số 07-QC/TU ngày 27/03/2019 của Ban Thường vụ Tỉnh ủy Hòa Bình: 10 ngày" in (
        explain_notice_due(before).as_text()
    )
    assert "Ban Thường vụ Tỉnh ủy Phú Thọ: 7 ngày làm việc" in explain_notice_due(after).as_text()
    assert Reorganisation.objects.get().applied_at is not None
    ended = Unit.objects.filter(active_to=merger - dt.timedelta(days=1), level="district")
    assert ended.count() == 9
    open_states = [PetitionStatus.RECORDED, PetitionStatus.ASSIGNED]
    assert not Petition.objects.filter(assigned_unit__in=ended, status__in=open_states).exists()
    assert not DialogueSession.objects.filter(
        organising_unit__in=ended, notice_issued_on__isnull=True, withdrawn_at__isnull=True
    ).exists()
    assert not Membership.objects.filter(unit__in=ended, is_active=True).exists()
