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


def test_the_demo_stamps_each_act_on_the_day_it_happened_and_reads_like_real_records(settings):
    """Issue 15: the timeline showed every event at seeding time, a classroom repair under
    "Thủ tục hành chính", and names such as "Trần Thị Hùng"."""
    from django.utils import timezone

    from demo.management.commands.seed_demo import TOPICS
    from demo.realism import MEN, PETITIONS, WOMEN
    from petitions.models import EventKind, PetitionEvent, PetitionOpening, ReplyAssessment, WrittenReply

    settings.DEBUG = True
    call_command("seed_demo", "--sessions", "30")
    today = timezone.localdate()

    def day_of(event):
        return timezone.localtime(event.at).date()

    # The province's dialogues seeded by the command itself (the topic modules stage their own).
    events = PetitionEvent.objects.select_related("petition__session").filter(petition__session__topic__in=TOPICS)
    recorded = events.filter(kind=EventKind.RECORDED)
    assert recorded.exists()
    assert all(day_of(e) == min(e.petition.session.held_on, today) for e in recorded)
    replies = {r.pk: r for r in WrittenReply.objects.filter(petition__session__topic__in=TOPICS)}
    replied = events.filter(kind=EventKind.REPLIED)
    assert replied.exists() and all(day_of(e) == replies[e.data["reply_id"]].replied_on for e in replied)
    assessments = {a.pk: a for a in ReplyAssessment.objects.filter(petition__session__topic__in=TOPICS)}
    assert all(
        day_of(e) == assessments[e.data["assessment_id"]].assessed_on for e in events.filter(kind=EventKind.ASSESSED)
    )
    # Months of work, not one moment; the history and the petitions' creation follow the same days.
    assert len({day_of(e) for e in events}) > 30
    assert all(
        timezone.localtime(p.created_at).date() == min(p.session.held_on, today)
        for p in Petition.objects.select_related("session").filter(session__topic__in=TOPICS)
    )
    assert {timezone.localtime(h.history_date).date() for h in Petition.history.all()} != {today}

    # Each petition is filed under the field its content is about.
    field_of = {content: field for content, field, _agency in PETITIONS}
    for content, field in Petition.objects.filter(session__topic__in=TOPICS).values_list("content", "field__name"):
        assert field_of[content] == field, content
    # Middle and given names agree on a gender.
    people = Petition.objects.filter(session__topic__in=TOPICS, petitioner_kind="person")
    for name in people.values_list("petitioner_name", flat=True):
        family, middle, given = name.split(" ", 2)
        assert (middle, given in MEN[1]) == ("Văn", True) or (middle, given in WOMEN[1]) == ("Thị", True), name

    # The demo agency has opened what it was given weeks ago; the latest assignments are new.
    assert PetitionOpening.objects.filter(opened_by__username="demo_agency").exists()


def test_the_demo_tells_the_truth_about_2025(settings):
    """Hòa Bình's regulation before the merger, Phú Thọ's after it, each named by the
    explanations; the districts end on 30/6/2025 and owe nothing afterwards."""
    import datetime as dt

    from django.db.models import F
    from django.utils import timezone

    from petitions.models import EventKind, PetitionEvent, PetitionOpening, WrittenReply
    from sessions.models import ConclusionItem, ConclusionNotice
    from sessions.selectors import explain_notice_due
    from units.models import Reorganisation, Unit

    FINISHED = [PetitionStatus.REPLIED, PetitionStatus.CLOSED, PetitionStatus.WITHDRAWN, PetitionStatus.CLARIFIED]

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
    assert not Reorganisation.objects.filter(applied_at__isnull=True).exists()
    assert Reorganisation.objects.count() == 2
    last_day = merger - dt.timedelta(days=1)
    assert Unit.objects.filter(active_to=last_day, level="district").count() == 9
    # Hòa Bình's provincial bodies end on 30/6/2025 and Phú Thọ's begin the next day: no unit of
    # the old province is in office afterwards, and the communes belong to the new province.
    old, new = Unit.objects.get(name="Tỉnh Hòa Bình"), Unit.objects.get(name="Tỉnh Phú Thọ")
    assert old.active_to == last_day and new.active_from == merger and new.active_to is None
    assert not Unit.objects.filter(path__startswith=old.path).exclude(active_to__lte=last_day).exists()
    assert set(Unit.objects.filter(level="commune", kind__code="area").values_list("parent", flat=True)) == {new.pk}
    assert {s.successor.name for s in old.succession.reorganisation.steps.select_related("successor")} >= {
        "Tỉnh Phú Thọ", "Tỉnh ủy Phú Thọ", "UBND tỉnh Phú Thọ", "Ủy ban MTTQ Việt Nam tỉnh Phú Thọ",
    }  # fmt: skip
    ended = Unit.objects.filter(active_to=last_day)
    # Nothing is still owed by an ended unit, and no ended unit acted after its last day.
    open_states = [PetitionStatus.RECORDED, PetitionStatus.ASSIGNED]
    assert not Petition.objects.filter(assigned_unit__in=ended, status__in=open_states).exists()
    assert not Petition.objects.filter(responsible_unit__in=ended).exclude(status__in=FINISHED).exists()
    assert not DialogueSession.objects.filter(
        organising_unit__in=ended, notice_issued_on__isnull=True, withdrawn_at__isnull=True
    ).exists()
    assert not WrittenReply.objects.filter(unit__in=ended, replied_on__gte=merger).exists()
    assert not ConclusionNotice.objects.filter(issuing_unit__in=ended, issued_on__gte=merger).exists()
    assert not ConclusionItem.objects.filter(
        responsible_unit__in=ended, done_on__isnull=True, withdrawn_at__isnull=True
    ).exists()
    assert not Membership.objects.filter(unit__in=ended, is_active=True).exists()
    # Nor did a unit act before it began (a session that passed to a successor keeps its day).
    early = DialogueSession.objects.filter(held_on__lt=F("organising_unit__active_from"))
    assert not early.exclude(events__kind="succeeded").exists()
    assert not ConclusionNotice.objects.filter(issued_on__lt=F("issuing_unit__active_from")).exists()
    assert not WrittenReply.objects.filter(replied_on__lt=F("unit__active_from")).exists()
    openings = PetitionOpening.objects.filter(unit__active_from__isnull=False).select_related("unit")
    assert openings.exists()  # the demo agency opened what passed to it, once it took over
    assert all(timezone.localtime(o.opened_at).date() >= o.unit.active_from for o in openings)
    # What the successors took over, they answered or still owe, under the regulation the
    # clock started with; the demo accounts now work for Phú Thọ.
    moved = Petition.objects.filter(events__kind=EventKind.SUCCEEDED).distinct()
    # Applied as by the daily job of 1/7/2025: the timeline says so.
    handed_over = PetitionEvent.objects.filter(kind=EventKind.SUCCEEDED)
    assert {timezone.localtime(e.at).date() for e in handed_over} == {merger}
    assert moved.filter(status__in=FINISHED).exists() and moved.exclude(status__in=FINISHED).exists()
    assert set(moved.values_list("reply_regulation__number", flat=True)) == {"07-QC/TU"}
    for username in DEMO_USERS:
        units = Membership.objects.filter(user__username=username, is_active=True).values_list("unit__path", flat=True)
        assert units and all(path.startswith(new.path) for path in units), username
    # The districts' planned dialogues still to hold passed to their communes' plans; what was
    # held, missed or cancelled stays in the districts' plans.
    from sessions.models import PlannedDialogue

    held = DialogueSession.objects.filter(planned_item__isnull=False, withdrawn_at__isnull=True)
    assert not (
        PlannedDialogue.objects.filter(plan__unit__in=ended, withdrawn_at__isnull=True, expected_by__gte=merger)
        .exclude(pk__in=held.values("planned_item"))
        .exists()
    )
    # A unit begun on 1/7/2025 issued its own 2025 plan after it began, due 30 days from then
    # (a plan created to carry a predecessor's document keeps that document's dates).
    from sessions.models import DialoguePlan

    own = DialoguePlan.objects.filter(unit__active_from=merger, year=2025).exclude(items__moved_from__isnull=False)
    assert own.exists() and not own.filter(issued_on__lt=F("unit__active_from")).exists()
    assert set(own.values_list("due_on", flat=True)) == {dt.date(2025, 7, 31)}
    moved = PlannedDialogue.objects.filter(moved_from__in=ended).select_related("plan__unit")
    # The districts planned dialogues after June (demo/plan_succession.py): they moved.
    assert moved.count() > 0
    assert all(item.plan.unit.active_to is None and item.moved_on == merger for item in moved)
    from notifications.models import Notification, ObligationKind

    told = Notification.objects.filter(obligation=ObligationKind.SUCCESSION)
    assert told.filter(title__contains="cuộc đối thoại dự kiến").exists()
