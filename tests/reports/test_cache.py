"""Cached dashboard figures are never stale: every service that changes what the dashboards
count gives its areas a new data version in its own transaction, and the figures are cached
under (unit, period, day, version)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions import services
from petitions.models import Petition
from reports import selectors
from reports.cache import cached_dashboard_data
from reports.periods import Period
from sessions import services as session_services
from tests import factories as f
from tests.screens import issue_notice
from units.models import DataVersion
from units.versions import data_version

pytestmark = pytest.mark.django_db
YEAR = {"kind": "year", "year": "2026"}


@pytest.fixture(autouse=True)
def _frozen_clock(settings):
    settings.REPORT_CUTOFF_DAY, settings.REPORT_CUTOFF_MONTH = 15, 12
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def board(province):
    user = f.UserFactory(username="board")
    f.MembershipFactory(user=user, unit=province.province, role="board")
    return user


@pytest.fixture
def front(province):
    user = f.UserFactory(username="front")
    f.MembershipFactory(user=user, unit=province.province, role="front")
    return user


@pytest.fixture
def session(province, staff_user):
    """A session of the province with two petitions, its notice issued (assigned to the agency)."""
    session = services.session_record_with_petitions(
        actor=staff_user,
        organising_unit=province.ubnd,
        kind="periodic",
        held_on=dt.date(2026, 3, 10),
        topic="Đối thoại về đất đai",
        place="Hội trường",
        petitions=[
            {"petitioner_name": "Ông Hà Văn Sơn", "content": "Đề nghị cấp giấy chứng nhận"},
            {"petitioner_name": "Bà Lò Thị Mai", "content": "Đề nghị sửa đường"},
        ],
    )
    issue_notice(session, unit=province.agency, actor=staff_user)
    return session


def _dashboard(client, user, unit):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard"), {"unit": unit.pk, **YEAR})
    assert response.status_code == 200
    counted = any("petitions_petition" in q["sql"] for q in queries.captured_queries)
    return response.context["figures"], counted


def _fresh(user, unit):
    return selectors.dashboard_data(user, unit, Period(kind="year", year=2026), dt.date(2026, 3, 20)).figures


def test_figures_are_counted_once_then_served_from_the_cache(client, board, province, session):
    first, counted = _dashboard(client, board, province.province)
    assert counted and first["petitions_received"] == 2
    again, counted = _dashboard(client, board, province.province)
    assert not counted, "the second dashboard counted the petitions again"
    assert again == first == _fresh(board, province.province)


def test_users_of_one_area_share_the_cached_figures(client, board, front, province, session):
    _dashboard(client, board, province.province)
    figures, counted = _dashboard(client, front, province.province)
    assert not counted and figures == _fresh(front, province.province)


def _reply(petition, agency_user):
    return services.reply_record(
        petition=Petition.objects.get(pk=petition.pk),
        replied_on=dt.date(2026, 3, 18),
        number="12/SNN",
        summary="Đã giải quyết",
        actor=agency_user,
    )


WRITES = {
    "a petition recorded": lambda t: services.petition_record(
        session=f.DialogueSessionFactory(organising_unit=t.province.commune, held_on=dt.date(2026, 3, 12)),
        actor=t.staff_user,
        petitioner_name="Ông Đinh Văn Tú",
        content="Đề nghị làm cầu",
    ),
    "a reply recorded": lambda t: _reply(t.petitions[0], t.agency_user),
    "a petition forwarded": lambda t: services.petition_forward(
        petition=Petition.objects.get(pk=t.petitions[0].pk),
        to_unit=t.province.ubnd,
        reason="Thẩm quyền của UBND tỉnh",
        forwarded_on=dt.date(2026, 3, 18),
        actor=t.agency_user,
    ),
    "a complex-case notice": lambda t: services.complex_notice_send(
        petition=Petition.objects.get(pk=t.petitions[0].pk),
        notified_on=dt.date(2026, 3, 18),
        new_target_on=dt.date(2026, 6, 30),
        reason="Cần xác minh",
        target_reason="Chờ kết quả đo đạc",
        actor=t.agency_user,
    ),
    "a petition withdrawn": lambda t: services.petition_withdraw(
        petition=t.petitions[0], reason="Nhập nhầm", actor=t.staff_user
    ),
    "a reply assessed": lambda t: services.reply_assess(
        reply=_reply(t.petitions[0], t.agency_user),
        assessor=t.front,
        result="unsatisfied",
        reason="Chưa thỏa đáng",
        assessed_on=dt.date(2026, 3, 19),
    ),
    "a session recorded": lambda t: session_services.session_record(
        organising_unit=t.province.commune,
        kind="ad_hoc",
        held_on=dt.date(2026, 3, 19),
        topic="Đối thoại đột xuất",
        place="Nhà văn hóa",
        actor=t.staff_user,
    ),
    "a session's notice issued": lambda t: issue_notice(
        services.session_record_with_petitions(
            actor=t.staff_user,
            organising_unit=t.province.commune,
            kind="periodic",
            held_on=dt.date(2026, 3, 12),
            topic="Đối thoại xã",
            place="UBND xã",
            petitions=[{"petitioner_name": "Bà Hà Thị Lan", "content": "Đề nghị hỗ trợ giống"}],
        ),
        unit=t.province.commune,
        actor=t.staff_user,
        number=2,
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_gives_a_new_version_and_the_next_dashboard_counts_again(
    client, board, front, province, staff_user, agency_user, session, write
):
    class T:
        pass

    t = T()
    t.province, t.staff_user, t.agency_user, t.front = province, staff_user, agency_user, front
    t.petitions = list(session.petitions.order_by("pk"))
    before, _ = _dashboard(client, board, province.province)
    version = data_version(province.province)
    WRITES[write](t)
    assert data_version(province.province) != version
    after, counted = _dashboard(client, board, province.province)
    assert counted and after == _fresh(board, province.province)
    assert after != before


def test_a_write_in_another_province_keeps_this_provinces_figures_cached(client, board, province, staff_user, session):
    _dashboard(client, board, province.province)
    version = data_version(province.province)
    services.petition_record(
        session=f.DialogueSessionFactory(organising_unit=province.other_ubnd),
        actor=staff_user,
        petitioner_name="Ông Phú Thọ",
        content="Tỉnh khác",
    )
    assert data_version(province.province) == version
    assert data_version(province.other_province) is not None
    _, counted = _dashboard(client, board, province.province)
    assert not counted


def test_a_petition_assigned_to_another_provinces_unit_changes_both_areas(province, staff_user, session):
    petition = services.petition_record(
        session=f.DialogueSessionFactory(organising_unit=province.other_ubnd, held_on=dt.date(2026, 3, 11)),
        actor=staff_user,
        petitioner_name="Ông Phú Thọ",
        content="Liên tỉnh",
    )
    versions = data_version(province.province), data_version(province.other_province)
    services.petition_assign(petition=petition, unit=province.agency, actor=staff_user)
    assert data_version(province.province) != versions[0]
    assert data_version(province.other_province) != versions[1]


def test_the_next_day_counts_again(client, board, province, session):
    _dashboard(client, board, province.province)
    with time_machine.travel(dt.datetime(2026, 3, 21, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        _, counted = _dashboard(client, board, province.province)
    assert counted


def test_a_row_saved_outside_the_services_still_changes_its_area(client, board, province, session):
    """The safety net (``units.versions``): any saved row of the counted apps changes the areas
    of its units, so a service written later, a factory or a shell cannot leave a stale figure."""
    before, _ = _dashboard(client, board, province.province)
    version = data_version(province.province)
    f.PetitionFactory(session=session)
    assert data_version(province.province) != version
    after, counted = _dashboard(client, board, province.province)
    assert counted and after["petitions_received"] == before["petitions_received"] + 1


def test_a_new_annual_plan_changes_its_area(province, staff_user, session):
    version = data_version(province.province)
    session_services.plan_create(unit=province.ubnd, year=2026, actor=staff_user)
    assert data_version(province.province) != version


def test_an_area_without_a_version_is_not_cached(client, board, province):
    f.PetitionFactory(session=f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=dt.date(2026, 3, 10)))
    DataVersion.objects.all().delete()  # e.g. rows loaded in bulk, as the benchmark's dataset
    assert data_version(province.province) is None
    _dashboard(client, board, province.province)
    _, counted = _dashboard(client, board, province.province)
    assert counted


def test_an_administrators_edit_changes_every_area(admin_client, province, staff_user, session):
    versions = data_version(province.province)
    unit = province.agency
    response = admin_client.post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {
            "name": "Sở Nông nghiệp và Môi trường (mới)",
            "short_name": "",
            "kind": unit.kind_id,
            "level": unit.level,
            "parent": unit.parent_id,
            "symbol": unit.symbol,
            "place_name": "",
            "active_from": "",
            "active_to": "",
            "email": "",
            "leaders-TOTAL_FORMS": "0",
            "leaders-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert data_version(province.province) != versions


def test_the_periodic_report_uses_the_same_cached_figures(client, board, province, session):
    period = Period(kind="year", year=2026)
    cached = cached_dashboard_data(board, province.province, period, dt.date(2026, 3, 20))
    client.force_login(board)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:periodic", args=["xlsx"]), {"unit": province.province.pk, **YEAR})
    assert response.status_code == 200
    grouped = [q for q in queries.captured_queries if "GROUP BY" in q["sql"] and "petitions_petition" in q["sql"]]
    assert not grouped, "the periodic report counted the figures again"
    assert cached.figures["petitions_received"] == 2


# --- list counts ----------------------------------------------------------------------------------


def _listed_count(client, user, name="petitions:list", **params):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
    counted = any(
        q["sql"].startswith("SELECT COUNT(*)") and "petitions_petition" in q["sql"] for q in queries.captured_queries
    )
    return response.context["page"].paginator.count, counted


def test_a_list_count_is_cached_until_a_write_changes_the_area(client, staff_user, province, session):
    assert _listed_count(client, staff_user) == (2, True)
    assert _listed_count(client, staff_user) == (2, False)
    assert _listed_count(client, staff_user, q="cap giay") == (1, True)
    services.petition_record(
        session=f.DialogueSessionFactory(organising_unit=province.commune, held_on=dt.date(2026, 3, 12)),
        actor=staff_user,
        petitioner_name="Ông Đinh Văn Tú",
        content="Đề nghị cấp giấy phép",
    )
    assert _listed_count(client, staff_user) == (3, True)
    assert _listed_count(client, staff_user, q="cap giay") == (2, True)


def test_an_agencys_list_count_follows_a_petition_forwarded_to_it(client, staff_user, agency_user, province, session):
    other_agency = f.UnitFactory(name="Sở Xây dựng", parent=province.ubnd, level="province")
    builder = f.UserFactory(username="builder")
    f.MembershipFactory(user=builder, unit=other_agency, role="agency")
    assert _listed_count(client, builder)[0] == 0
    services.petition_forward(
        petition=Petition.objects.get(pk=session.petitions.order_by("pk").first().pk),
        to_unit=other_agency,
        reason="Thuộc thẩm quyền Sở Xây dựng",
        forwarded_on=dt.date(2026, 3, 18),
        actor=agency_user,
    )
    assert _listed_count(client, builder) == (1, True)
