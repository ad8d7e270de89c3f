"""Petition search without diacritics: the normalised columns, kept in step by the services, the
data migration's refresh, word-by-word matching on every petition list, and (on PostgreSQL) the
trigram indexes that make it fast at national scale."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from petitions import search, services
from petitions.models import Petition
from tests import factories as f
from tests.screens import issue_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def landslide(province, staff_user):
    """Three petitions of one session: a landslide, a road, and one from another province."""
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=dt.date(2026, 3, 10))
    slide = services.petition_record(
        session=session,
        actor=staff_user,
        petitioner_name="Nguyễn Thị Hoa",
        content="Đề nghị khắc phục điểm sạt lở taluy dương trên đường vào bản",
    )
    road = services.petition_record(
        session=session,
        actor=staff_user,
        petitioner_name="Đặng Văn Lở",
        content="Đề nghị sửa chữa đường liên thôn",
    )
    other_session = f.DialogueSessionFactory(organising_unit=province.other_ubnd, held_on=dt.date(2026, 3, 10))
    foreign = services.petition_record(
        session=other_session, actor=staff_user, petitioner_name="Nguyễn Thị Hoa", content="Sạt lở bờ sông"
    )
    return slide, road, foreign


def _listed(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return [row.pk for row in response.context["page"]]


def test_search_without_diacritics_finds_the_petition_with_them(client, staff_user, landslide):
    slide, road, foreign = landslide
    client.force_login(staff_user)
    assert _listed(client, "petitions:list", q="sat lo") == [slide.pk]
    assert _listed(client, "petitions:list", q="sạt lở") == [slide.pk]
    assert _listed(client, "petitions:list", q="SAT  LO taluy") == [slide.pk]


def test_search_finds_petitioner_names_without_diacritics(client, staff_user, landslide):
    slide, road, foreign = landslide
    client.force_login(staff_user)
    assert _listed(client, "petitions:list", q="nguyen thi hoa") == [slide.pk]
    assert set(_listed(client, "petitions:list", q="dang van")) == {road.pk}


def test_every_word_must_occur_somewhere_content_or_name(client, staff_user, landslide):
    slide, road, foreign = landslide
    client.force_login(staff_user)
    # "lo" is in the landslide's content and in the road petitioner's name: both match.
    assert set(_listed(client, "petitions:list", q="lo")) == {slide.pk, road.pk}
    # "hoa" (name) and "taluy" (content) both occur in the landslide petition only.
    assert _listed(client, "petitions:list", q="hoa taluy") == [slide.pk]
    assert _listed(client, "petitions:list", q="hoa song") == []


def test_search_finds_the_field_and_the_responsible_unit(client, staff_user, province, landslide):
    slide, road, foreign = landslide
    client.force_login(staff_user)
    services.petition_update(petition=road, actor=staff_user, field=f.FieldFactory(name="Giao thông nông thôn"))
    services.petition_assign(petition=road, unit=province.agency, actor=staff_user)
    assert _listed(client, "petitions:list", q="so nong nghiep") == [road.pk]
    assert _listed(client, "petitions:list", q="giao thong") == [road.pk]


@pytest.mark.parametrize("q", ["\x00", "sat\x00lo", "\u202e\u200f", "🙂", "   ", "a" * 5000])
def test_odd_searches_answer_without_error(client, staff_user, landslide, q):
    client.force_login(staff_user)
    assert client.get(reverse("petitions:list"), {"q": q}).status_code == 200
    assert client.get(reverse("reports:monitor_petitions"), {"q": q}).status_code in (200, 404)


def test_search_words_are_normalised_and_capped():
    assert search.search_words(" Sạt  LỞ\x00đất ") == ["sat", "lo", "dat"]
    assert len(search.search_words(" ".join(f"w{i}" for i in range(20)))) == search.MAX_WORDS
    assert search.search_q("   ") is None


# --- the columns follow every change of what they are built from -------------------------------


def test_services_keep_the_columns_in_step(province, staff_user):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=dt.date(2026, 3, 10))
    petition = services.petition_record(
        session=session, actor=staff_user, petitioner_name="Lò Văn Sáng", content="Đề nghị cấp nước sạch"
    )
    assert (petition.search_text, petition.petitioner_search) == ("de nghi cap nuoc sach", "lo van sang")
    services.petition_update(
        petition=petition, actor=staff_user, content="Đề nghị sửa kênh mương", petitioner_name="Hà Thị Mơ"
    )
    petition.refresh_from_db()
    assert petition.search_text.startswith("de nghi sua kenh muong")
    assert petition.petitioner_search == "ha thi mo"

    services.petition_assign(petition=petition, unit=province.agency, actor=staff_user)
    petition.refresh_from_db()
    assert petition.search_text.endswith("so nong nghiep va moi truong")

    issue_notice(session, unit=province.commune, actor=staff_user)
    petition.refresh_from_db()
    assert petition.assigned_unit == province.commune
    assert petition.search_text.endswith("ubnd xa tan lac")
    assert "nong nghiep" not in petition.search_text


def test_clarifying_drops_the_unit_from_the_column(province, staff_user):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=dt.date(2026, 3, 10))
    petition = services.petition_record(
        session=session,
        actor=staff_user,
        petitioner_name="Lò Văn Sáng",
        content="Hỏi về chế độ",
        assigned_unit=province.agency,
    )
    assert "so nong nghiep" in petition.search_text
    services.petition_clarify(petition=petition, answer="Đã giải thích", actor=staff_user)
    petition.refresh_from_db()
    assert "so nong nghiep" not in petition.search_text


def test_a_save_of_other_fields_leaves_the_columns_alone(province):
    petition = f.PetitionFactory(session__organising_unit=province.ubnd)
    Petition.objects.filter(pk=petition.pk).update(search_text="stale")
    petition = Petition.objects.get(pk=petition.pk)
    petition.assessment = "satisfied"
    petition.save(update_fields=["assessment", "updated_at"])
    petition.refresh_from_db()
    assert petition.search_text == "stale"


def test_refresh_fills_every_row_in_batches_after_a_rename(province, staff_user, monkeypatch):
    """What the data migration and ``petitions_search_refresh`` do: every row, batch by batch."""
    monkeypatch.setattr(search, "REFRESH_BATCH", 2)
    session = f.DialogueSessionFactory(organising_unit=province.ubnd)
    petitions = [f.PetitionFactory(session=session, assigned_unit=province.agency) for _ in range(5)]
    Petition.objects.update(search_text="", petitioner_search="")
    province.agency.name = "Sở Nông nghiệp, Môi trường và Khuyến nông"
    province.agency.save()
    call_command("petitions_search_refresh", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for petition in petitions:
        petition.refresh_from_db()
        assert petition.search_text.endswith("khuyen nong")
        assert petition.petitioner_search == search.normalise_search(petition.petitioner_name)


def test_renaming_a_field_in_the_admin_rewrites_its_petitions_search(admin_client, province, staff_user):
    field = f.FieldFactory(name="Đất đai")
    session = f.DialogueSessionFactory(organising_unit=province.ubnd)
    petition = services.petition_record(
        session=session, actor=staff_user, petitioner_name="Ông A", content="Đề nghị cấp sổ", field=field
    )
    other = services.petition_record(session=session, actor=staff_user, petitioner_name="Ông B", content="Khác")
    response = admin_client.post(
        reverse("admin:petitions_field_change", args=[field.pk]), {"name": "Đất đai, địa chính", "is_active": "on"}
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    other.refresh_from_db()
    assert petition.search_text.endswith("dat dai, dia chinh") and "dia chinh" not in other.search_text


# --- the Front's lists ---------------------------------------------------------------------------


def test_front_lists_search_without_diacritics(client, province, staff_user, agency_user, landslide, pdf_upload):
    slide, road, foreign = landslide
    front = f.UserFactory(username="front")
    f.MembershipFactory(user=front, unit=province.province, role="front")
    session = slide.session
    issue_notice(session, unit=province.agency, actor=staff_user)
    for petition in (slide, road):
        services.reply_record(
            petition=Petition.objects.get(pk=petition.pk),
            replied_on=dt.date(2026, 3, 18),
            number=f"{petition.pk}/SNN",
            summary="Đã xử lý",
            actor=agency_user,
        )
    client.force_login(front)
    assert _listed(client, "reports:monitor_petitions", q="sat lo") == [slide.pk]
    replies = client.get(reverse("reports:monitor_replies"), {"q": "dang van lo"}).context["page"]
    assert [r.petition_id for r in replies] == [road.pk]


# --- PostgreSQL: the trigram indexes exist and serve the search ----------------------------------


def test_trigram_indexes_serve_substring_search_on_postgres(require_postgres, landslide):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'petitions_petition' AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        indexes = dict(cursor.fetchall())
        assert set(indexes) == {"petition_search_trgm", "petition_petitioner_trgm"}
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'session_search_trgm'")
        assert cursor.fetchone(), "the sessions' search column has its trigram index too"
        qs = search.filter_search(Petition.objects.all(), "taluy duong")
        sql, params = qs.order_by().query.sql_with_params()
        # a tiny table: forbid the sequential and the primary-key walks (GIN serves bitmap scans only)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "petition_search_trgm" in plan and "petition_petitioner_trgm" in plan, plan
    assert list(qs) == [landslide[0]]


def test_the_agency_queue_searches_without_diacritics(client, province, staff_user, agency_user, landslide):
    slide, road, _foreign = landslide
    issue_notice(slide.session, unit=province.agency, actor=staff_user)
    client.force_login(agency_user)
    page = client.get(reverse("petitions:inbox"), {"q": "sat lo taluy", "tab": "tat-ca"}).context["page"]
    assert [p.pk for p in page] == [slide.pk]
    page = client.get(reverse("petitions:inbox"), {"q": "dang van lo", "tab": "tat-ca"}).context["page"]
    assert [p.pk for p in page] == [road.pk]
