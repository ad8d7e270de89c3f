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
