"""The agency's work queue (issue 15): tabs with counts, the "mới" mark until someone of the unit
opens the petition, new assignments never hidden on page 2, filters and sort."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from petitions.models import PetitionOpening
from petitions.selectors import QueueTab, agency_queue
from tests import factories as f
from tests.screens import issue_notice, make_session

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agency(client, agency_user):
    client.force_login(agency_user)
    return client


def _counts(user):
    return agency_queue(user).counts()


def test_the_tabs_count_what_waits_on_the_unit_and_what_is_new(province, staff_user, agency_user):
    session, petitions = make_session(province.ubnd, petitions=3)
    issue_notice(session, unit=province.agency, actor=staff_user)
    other, _ = make_session(province.ubnd, topic="Giao cho xã", petitions=2)
    issue_notice(other, unit=province.commune, actor=staff_user, number=2)
    counts = _counts(agency_user)
    assert counts[QueueTab.OPEN] == 3 and counts[QueueTab.NEW] == 3 and counts[QueueTab.ALL] == 3
    assert counts[QueueTab.OVERDUE] == 0 and counts[QueueTab.WAITING_FRONT] == 0


def test_a_petition_stays_new_until_someone_of_the_unit_opens_it(province, staff_user, agency_user, agency):
    session, petitions = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    # Staff of the organising unit opening it does not take the mark away.
    staff_client = type(agency)()
    staff_client.force_login(staff_user)
    assert staff_client.get(reverse("petitions:detail", args=[petitions[0].pk])).status_code == 200
    assert _counts(agency_user)[QueueTab.NEW] == 2
    colleague = f.UserFactory(username="colleague")
    f.MembershipFactory(user=colleague, unit=province.agency, role="agency")
    assert agency.get(reverse("petitions:detail", args=[petitions[0].pk])).status_code == 200
    # Opened once for the unit: no longer new for anyone of it; a second opening adds nothing.
    assert _counts(colleague)[QueueTab.NEW] == 1
    agency.get(reverse("petitions:detail", args=[petitions[0].pk]))
    assert PetitionOpening.objects.filter(petition=petitions[0]).count() == 1
    response = agency.get(reverse("petitions:inbox"), {"tab": QueueTab.NEW})
    assert [p.pk for p in response.context["page"]] == [petitions[1].pk]
    assert response.context["new_count"] == 1


def test_new_assignments_come_first_so_they_are_never_on_page_two(province, staff_user, agency, agency_user):
    for i in range(3):
        session, _ = make_session(province.ubnd, topic=f"Cũ {i}", petitions=20)
        issue_notice(session, unit=province.agency, actor=staff_user, number=i + 1)
    for petition in agency_queue(agency_user).rows:
        PetitionOpening.objects.create(petition=petition, unit=province.agency, opened_by=agency_user)
    fresh_session, fresh = make_session(province.ubnd, topic="Mới giao", petitions=1)
    issue_notice(fresh_session, unit=province.agency, actor=staff_user, number=9)
    response = agency.get(reverse("petitions:inbox"))
    assert response.context["page"].paginator.count == 61
    first_page = [p.pk for p in response.context["page"]]
    assert first_page[0] == fresh[0].pk
    assert 'data-testid="new-alert"' in response.content.decode()


def test_the_queue_filters_by_session_and_searches_the_content(province, staff_user, agency):
    session, petitions = make_session(province.ubnd, petitions=2)
    issue_notice(session, unit=province.agency, actor=staff_user)
    other, _ = make_session(province.ubnd, topic="Khác", petitions=2)
    issue_notice(other, unit=province.agency, actor=staff_user, number=2)
    response = agency.get(reverse("petitions:inbox"), {"session": session.pk, "tab": QueueTab.ALL})
    assert {p.pk for p in response.context["page"]} == {p.pk for p in petitions}
    words = petitions[0].content.split()[:2]
    response = agency.get(reverse("petitions:inbox"), {"q": " ".join(words), "tab": QueueTab.ALL})
    assert petitions[0].pk in {p.pk for p in response.context["page"]}
    response = agency.get(reverse("petitions:inbox"), {"q": "không-có-từ-này", "tab": QueueTab.ALL})
    assert response.context["page"].paginator.count == 0


def test_a_bad_tab_or_sort_falls_back_to_the_default_view(province, staff_user, agency):
    session, petitions = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    response = agency.get(reverse("petitions:inbox"), {"tab": "khong-co", "sort": "drop table"})
    assert response.status_code == 200 and response.context["tab"] == QueueTab.OPEN
    assert response.context["page"].paginator.count == 2


def test_the_tab_counts_and_organiser_choices_are_read_once_then_an_opening_or_assignment_shows_at_once(
    province, staff_user, agency, agency_user
):
    """Cached under the areas' data versions (``units.versions.AreaCache``): the queue's tab
    counts (one aggregate of the whole queue) and the units whose sessions gave it petitions; an
    opening or a new assignment changes a version in its transaction, so it shows at once."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from units.versions import data_changed

    session, petitions = make_session(province.ubnd, petitions=2)
    issue_notice(session, unit=province.agency, actor=staff_user)
    cache.clear()
    data_changed(province.province, province.agency)  # the areas have a data version

    def inbox():
        with CaptureQueriesContext(connection) as ctx:
            response = agency.get(reverse("petitions:inbox"))
        assert response.status_code == 200
        return response, len(ctx.captured_queries)

    first, cold = inbox()
    second, warm = inbox()
    # Not read again: the tab counts, the organisers, the recent sessions and the page's count.
    assert warm == cold - 4
    assert first.context["new_count"] == second.context["new_count"] == 2
    organisers = {u.pk for u in second.context["filter"].form.fields["organising_unit"].queryset}
    assert organisers == {province.ubnd.pk}

    assert agency.get(reverse("petitions:detail", args=[petitions[0].pk])).status_code == 200  # opened
    third, _ = inbox()
    assert third.context["new_count"] == 1
    home = agency.get(reverse("home"))  # the home page's tabs share the cached counts
    assert {v: c for v, _l, c in home.context["agency"]["tabs"]}[QueueTab.NEW] == 1
    other, _ = make_session(province.party, topic="Giao thêm", petitions=1)
    issue_notice(other, unit=province.agency, actor=staff_user, number=2)
    fourth, again = inbox()
    assert again == cold
    assert fourth.context["new_count"] == 2 and {v: c for v, _l, c in fourth.context["tabs"]}[QueueTab.ALL] == 3
    assert {u.pk for u in fourth.context["filter"].form.fields["organising_unit"].queryset} == {
        province.ubnd.pk,
        province.party.pk,
    }
