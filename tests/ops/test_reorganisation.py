"""Reorganisation with successors: on its effective date every open obligation of an ended unit
passes to its successor with a timeline event, closed history stays the old unit's, the old
unit's memberships end, the successor's people are told, and a second run changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.engine import deadlines_enforce
from notifications.events import events_dispatch
from notifications.models import Notification
from ops.reorganisation import reorganisation_apply
from petitions.models import EventKind, Petition, PetitionEvent, PetitionStatus
from petitions.selectors import petitions_visible_to
from reports import services as report_services
from reports.models import ReportDue
from sessions.models import ConclusionItem, SessionEvent, SessionEventKind
from sessions.selectors import sessions_visible_to
from tests import factories as f
from units.models import Membership, Reorganisation
from units.services import reorganisation_record

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 7, 1)


def _at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.timezone(dt.timedelta(hours=7))))


@pytest.fixture
def world(province):
    """A district People's Committee that ends on 30/6/2025, succeeded by the commune's, with
    open and met obligations of every kind, and the people of both."""
    district_area = f.UnitFactory(name="Huyện Tân Lạc", parent=province.province, kind=province.area, level="district")
    old = f.UnitFactory(name="UBND huyện Tân Lạc", parent=district_area, level="district")
    new = province.commune

    class W:
        pass

    w = W()
    w.old, w.new, w.district_area = old, new, district_area
    w.old_staff = f.UserFactory(username="old_staff")
    w.old_membership = f.MembershipFactory(user=w.old_staff, unit=district_area, role="staff")
    w.old_officer = f.UserFactory(username="old_officer")
    f.MembershipFactory(user=w.old_officer, unit=old, role="agency")
    w.new_staff = f.UserFactory(username="new_staff")
    f.MembershipFactory(user=w.new_staff, unit=province.commune_area, role="staff")
    w.new_officer = f.UserFactory(username="new_officer")
    f.MembershipFactory(user=w.new_officer, unit=new, role="agency")
    # A session still awaiting its notice, and one whose notice was issued.
    w.s_open = f.DialogueSessionFactory(organising_unit=old, held_on=dt.date(2025, 6, 27))
    w.s_done = f.DialogueSessionFactory(
        organising_unit=old, held_on=dt.date(2025, 6, 2), notice_issued_on=dt.date(2025, 6, 9)
    )
    # Petitions given to the old unit: one awaiting its reply, one closed (history).
    w.p_open = f.PetitionFactory(
        session=w.s_done, status=PetitionStatus.ASSIGNED, assigned_unit=old, responsible_unit=old,
        assigned_on=dt.date(2025, 6, 9), reply_due_on=dt.date(2025, 7, 9),
    )  # fmt: skip
    w.p_closed = f.PetitionFactory(
        session=w.s_done, status=PetitionStatus.CLOSED, assigned_unit=old, responsible_unit=old,
        assigned_on=dt.date(2025, 6, 9), reply_due_on=dt.date(2025, 7, 9), responded_on=dt.date(2025, 6, 20),
    )  # fmt: skip
    w.p_other = f.PetitionFactory(
        session=w.s_done, status=PetitionStatus.ASSIGNED, assigned_unit=province.agency,
        responsible_unit=province.agency, assigned_on=dt.date(2025, 6, 9), reply_due_on=dt.date(2025, 7, 9),
    )  # fmt: skip
    w.item_open = ConclusionItem.objects.create(session=w.s_done, text="Sửa đường liên xã", responsible_unit=old)
    w.item_done = ConclusionItem.objects.create(
        session=w.s_done, text="Nạo vét kênh", responsible_unit=old, done_on=dt.date(2025, 6, 20)
    )
    with _at(dt.date(2025, 6, 20)):
        w.reorganisation = reorganisation_record(
            name="Kết thúc hoạt động cấp huyện",
            effective_on=DAY,
            steps=[(old, new), (district_area, province.commune_area)],
        )
    return w


def test_the_reorganisation_moves_exactly_the_open_obligations(world, province):
    w = world
    with _at(DAY):
        counts = reorganisation_apply(reorganisation=w.reorganisation)
    for obj in (w.s_open, w.s_done, w.p_open, w.p_closed, w.p_other, w.item_open, w.item_done):
        obj.refresh_from_db()
    assert w.s_open.organising_unit_id == w.new.pk  # its notice is still owed
    assert w.s_done.organising_unit_id == w.old.pk  # met: history
    assert (w.p_open.assigned_unit_id, w.p_open.responsible_unit_id) == (w.new.pk, w.new.pk)
    assert w.p_open.reply_due_on == dt.date(2025, 7, 9)  # the clock keeps its dates
    assert (w.p_closed.assigned_unit_id, w.p_closed.responsible_unit_id) == (w.old.pk, w.old.pk)
    assert w.p_other.assigned_unit_id == province.agency.pk
    assert w.item_open.responsible_unit_id == w.new.pk and w.item_done.responsible_unit_id == w.old.pk
    assert counts["sessions"] == 1 and counts["petitions"] == 1 and counts["items"] == 1
    # One timeline event on each thing moved, none on the rest.
    assert list(PetitionEvent.objects.filter(kind=EventKind.SUCCEEDED).values_list("petition_id", flat=True)) == [
        w.p_open.pk
    ]
    assert SessionEvent.objects.filter(kind=SessionEventKind.SUCCEEDED).count() == 2  # the notice, the item
    # The old unit ends the day before; its memberships end with it.
    w.old.refresh_from_db()
    assert w.old.active_to == dt.date(2025, 6, 30)
    w.old_membership.refresh_from_db()
    assert not w.old_membership.is_active
    assert Membership.objects.filter(unit=w.new, is_active=True).exists()
    w.reorganisation.refresh_from_db()
    assert w.reorganisation.applied_at is not None


def test_applying_again_changes_nothing(world):
    with _at(DAY):
        reorganisation_apply(reorganisation=world.reorganisation)
        events = PetitionEvent.objects.count(), SessionEvent.objects.count()
        again = reorganisation_apply(reorganisation=world.reorganisation)
    assert not any(again.values())
    assert (PetitionEvent.objects.count(), SessionEvent.objects.count()) == events


def test_the_daily_job_applies_it_on_its_date_and_not_before(world):
    with _at(DAY - dt.timedelta(days=1)):
        deadlines_enforce(today=DAY - dt.timedelta(days=1))
    world.p_open.refresh_from_db()
    assert world.p_open.assigned_unit_id == world.old.pk
    assert Reorganisation.objects.get().applied_at is None
    with _at(DAY):
        deadlines_enforce(today=DAY)
    world.p_open.refresh_from_db()
    assert world.p_open.assigned_unit_id == world.new.pk


def test_the_successors_people_are_told_what_moved_to_them(world):
    with _at(DAY):
        reorganisation_apply(reorganisation=world.reorganisation)
        events_dispatch()
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"new_officer", "new_staff"} <= told
    assert not told & {"old_staff", "old_officer"}


def test_successors_staff_see_what_moved_to_them_not_the_old_units_history(world, client):
    with _at(DAY):
        reorganisation_apply(reorganisation=world.reorganisation)
    visible = set(petitions_visible_to(world.new_officer).values_list("pk", flat=True))
    assert world.p_open.pk in visible and world.p_closed.pk not in visible
    sessions = set(sessions_visible_to(world.new_staff).values_list("pk", flat=True))
    assert world.s_open.pk in sessions
    client.force_login(world.new_officer)
    assert client.get(reverse("petitions:detail", args=[world.p_open.pk])).status_code == 200
    assert client.get(reverse("petitions:detail", args=[world.p_closed.pk])).status_code == 404
    # The ended unit's people no longer see anything through it.
    assert not petitions_visible_to(world.old_officer).filter(pk=world.p_closed.pk).exists()


def test_reports_still_owed_move_or_merge_into_the_successors_never_counted_twice(province, world):
    with _at(dt.date(2025, 6, 20)):
        report_services.calendar_create_default(unit=province.province, starts_on=dt.date(2025, 1, 1))
        report_services.rounds_open(dt.date(2025, 6, 20))
    owed_by_old = ReportDue.objects.filter(unit=world.old)
    assert owed_by_old.exists()
    round_ids = set(owed_by_old.values_list("round_id", flat=True))
    with _at(DAY):
        reorganisation_apply(reorganisation=world.reorganisation)
    # The commune already owed the same rounds: the district's dues are covered by the commune's.
    for due in ReportDue.objects.filter(round_id__in=round_ids, unit=world.old):
        assert due.merged_into is not None and due.merged_into.unit_id == world.new.pk
    from reports.obligations import reports_owed

    assert not reports_owed(DAY).filter(unit=world.old).exists()


def test_a_bad_reorganisation_is_refused_and_nothing_is_written(province, world):
    before = Reorganisation.objects.count()
    ended = f.UnitFactory(name="UBND xã đã giải thể", parent=province.commune_area, active_to=dt.date(2025, 6, 30))
    with pytest.raises(ValidationError, match="không hoạt động vào ngày"):
        reorganisation_record(name="Sai", effective_on=DAY, steps=[(province.agency, ended)])
    with pytest.raises(ValidationError, match="đã có đơn vị kế thừa"):
        reorganisation_record(name="Lặp", effective_on=DAY, steps=[(world.old, province.ubnd)])
    with pytest.raises(ValidationError, match="phải khác"):
        reorganisation_record(name="Chính nó", effective_on=DAY, steps=[(province.agency, province.agency)])
    assert Reorganisation.objects.count() == before
    assert Petition.objects.filter(assigned_unit=world.old, status=PetitionStatus.ASSIGNED).exists()
