"""The Front's list of replies searches and scopes on the reply's own row: one normalised search
column (the reply's number and summary with its petition's search columns) and copies of the
petition's session and units, kept in step whenever the petition changes (issue 16)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions import services
from petitions.models import Petition, WrittenReply
from petitions.search import replies_follow
from petitions.selectors import replies_monitored_by, search_petitions
from tests import factories as f

from .conftest import make_user, reply_to

pytestmark = pytest.mark.django_db


def _found(client, q, **params):
    response = client.get(reverse("reports:monitor_replies"), {"q": q, **params})
    assert response.status_code == 200
    return {reply.pk for reply in response.context["page"]}


@pytest.fixture
def slide(world):
    """A reply in the area to a petition about a landslide, raised by a named petitioner."""
    t = world
    petition = f.PetitionFactory(
        session=t.s_late,
        assigned_unit=t.ubnd,
        responsible_unit=t.ubnd,
        status="assigned",
        assigned_on=dt.date(2026, 2, 27),
        petitioner_name="Hoàng Văn Thụ",
        content="Đề nghị khắc phục điểm sạt lở taluy dương trên đường vào bản Mường",
    )
    reply = reply_to(petition, dt.date(2026, 3, 18), number="914/UBND-TNMT")
    return petition, reply


def test_a_reply_keeps_its_number_summary_and_petitions_words_without_diacritics_and_its_units(world, slide):
    petition, reply = slide
    reply.refresh_from_db()
    assert reply.search_text.startswith("914/ubnd-tnmt da giai quyet xong.")
    assert "sat lo taluy duong" in reply.search_text and "hoang van thu" in reply.search_text
    assert (reply.petition_session_id, reply.petition_assigned_unit_id, reply.petition_responsible_unit_id) == (
        petition.session_id,
        world.ubnd.pk,
        world.ubnd.pk,
    )
    # Not part of the reply's audit history: copies, not what anyone wrote.
    historical = {field.name for field in WrittenReply.history.model._meta.fields}
    assert not historical & {"search_text", "petition_session", "petition_assigned_unit", "petition_responsible_unit"}


def test_the_front_finds_a_reply_by_its_number_its_petitions_words_or_both_mixed(world, login, slide):
    _, reply = slide
    client = login(world.front)
    assert _found(client, "sat lo") == {reply.pk}
    assert _found(client, "SẠT LỞ taluy") == {reply.pk}
    assert _found(client, "914/ubnd") == {reply.pk}
    assert _found(client, "914/UBND sạt lở") == {reply.pk}  # one word in the reply, one in the petition
    assert _found(client, "Hoàng Thụ") == {reply.pk}  # the petitioner, word by word
    assert _found(client, "sat lo song") == set()  # every word must occur
    assert _found(client, "02/SNN") == {world.r_late.pk}
    # The other province's Front does not find it.
    foreign_front = make_user("foreign_front", world.other_province, "front")
    assert _found(login(foreign_front), "sat lo") == set()


def test_protecting_the_petitioner_after_the_reply_takes_the_name_out_of_the_replys_search(world, login, slide):
    petition, reply = slide
    client = login(world.front)
    assert _found(client, "Hoang Van Thu") == {reply.pk}
    organiser_staff = make_user("party_staff", petition.session.organising_unit, "staff")
    services.petition_protect(petition=petition, protected=True, actor=organiser_staff)
    reply.refresh_from_db()
    assert "hoang" not in reply.search_text and "sat lo" in reply.search_text
    assert _found(client, "Hoang Van Thu") == set()
    assert _found(client, "sat lo") == {reply.pk}


def test_a_reorganisation_moves_the_replys_area_with_its_petition(world, login):
    """A petition awaiting a supplementary reply passes to the successor of its responsible unit:
    its first reply follows into the successor's area, where that area's Front sees it."""
    t = world
    successor_area = f.UnitFactory(name="Xã Mường Bi mới", parent=t.other_province, level="commune")
    successor = f.UnitFactory(name="UBND xã Mường Bi mới", parent=successor_area, level="commune")
    petition = Petition.objects.get(pk=t.p_met.pk)
    petition.status = "supplementary"
    petition.responsible_unit = t.agency  # as the notice leaves it
    petition.save(update_fields=["status", "responsible_unit", "updated_at"])
    reply = WrittenReply.objects.get(pk=t.r_met.pk)
    assert reply.petition_responsible_unit_id == t.agency.pk
    foreign_front = make_user("foreign_front", t.other_province, "front")
    assert reply.pk not in {r.pk for r in replies_monitored_by(foreign_front)}

    services.petitions_succeed(predecessor=t.agency, successor=successor, on=dt.date(2026, 3, 19))
    reply.refresh_from_db()
    assert reply.petition_responsible_unit_id == successor.pk
    assert "ubnd xa muong bi moi" in reply.search_text  # the responsible unit is searched
    assert reply.pk in {r.pk for r in replies_monitored_by(foreign_front)}
    # So does the other reply whose petition is still in the cycle with the agency (not assessed).
    moved = set(WrittenReply.objects.filter(petition__responsible_unit=successor).values_list("pk", flat=True))
    assert moved == {reply.pk, t.r_late.pk}
    assert _found(login(foreign_front), "muong bi moi") == moved
    # The province's Front keeps them too: they were raised at its area's session.
    assert _found(login(t.front), "muong bi moi") == moved


def test_renaming_a_unit_then_the_refresh_command_rewrites_the_replies_too(world, login, slide):
    petition, reply = slide
    world.ubnd.name = "Ủy ban nhân dân tỉnh Phú Thọ"
    world.ubnd.save()
    call_command("petitions_search_refresh", verbosity=0)
    reply.refresh_from_db()
    assert "uy ban nhan dan tinh phu tho" in reply.search_text
    assert _found(login(world.front), "phu tho sat lo") == {reply.pk}


def test_the_fill_rewrites_every_replys_copies_in_batches(world, slide, monkeypatch):
    """What migration 0025 runs: every reply, a batch at a time, from its petition."""
    monkeypatch.setattr("petitions.search.REFRESH_BATCH", 2)
    WrittenReply.objects.update(
        search_text="", petition_session=None, petition_assigned_unit=None, petition_responsible_unit=None
    )
    assert replies_follow(WrittenReply) == WrittenReply.objects.count() == 4
    for reply in WrittenReply.objects.select_related("petition"):
        assert reply.petition_session_id == reply.petition.session_id
        assert reply.petition_assigned_unit_id == reply.petition.assigned_unit_id
        assert reply.petition.search_text in reply.search_text and reply.number.lower() in reply.search_text
    assert replies_follow(WrittenReply, []) == 0


def test_a_petition_saved_without_searched_fields_does_not_touch_its_replies(world, slide):
    petition, _ = slide
    petition.assessment = "satisfied"
    with CaptureQueriesContext(connection) as ctx:
        petition.save(update_fields=["assessment", "updated_at"])
    assert not [q for q in ctx.captured_queries if "writtenreply" in q["sql"]]
    petition.content = "Đề nghị khắc phục điểm sạt lở"
    with CaptureQueriesContext(connection) as ctx:
        petition.save(update_fields=["content", "updated_at"])
    assert [q for q in ctx.captured_queries if q["sql"].startswith('UPDATE "petitions_writtenreply"')]


def test_the_fronts_petition_search_has_no_branch_on_the_raw_name(world):
    """Only those who may see a protected petitioner get the search branch on the raw name: for
    the Front it would be empty, and an OR with a branch no index serves keeps PostgreSQL off the
    search index (a 0.45 s date walk at 1,000,000 petitions instead of 0.06 s)."""
    front_where = str(search_petitions(Petition.objects.all(), "sat lo", world.front).query).split(" WHERE ")[1]
    assert "petitioner_name" not in front_where and "search_text" in front_where
    staff = make_user("ubnd_staff", world.ubnd, "staff")
    staff_where = str(search_petitions(Petition.objects.all(), "sat lo", staff).query).split(" WHERE ")[1]
    assert "petitioner_name" in staff_where  # staff may see protected petitioners of their sessions


def test_the_replies_search_column_has_its_trigram_index_on_postgres(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'reply_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower() and "gin_trgm_ops" in definition and "search_text" in definition
