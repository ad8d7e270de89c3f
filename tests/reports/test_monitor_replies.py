"""The Front's list of replies: the count and the unit filter's choices are cached under the
area's data versions, and a reply written in the area shows at once; the page is the newest
replies first."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions.models import WrittenReply
from units.versions import data_changed

from .conftest import reply_to


def _get(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:monitor_replies"), params)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


@pytest.fixture
def versioned(world):
    cache.clear()
    data_changed(world.province, world.other_province)  # the areas have a data version
    return world


def test_count_and_unit_choices_are_read_once_then_a_new_reply_in_the_area_shows_at_once(versioned, login):
    t = versioned
    client = login(t.front)
    first, cold = _get(client)
    second, warm = _get(client)
    assert warm == cold - 2  # neither the count nor the units that replied are read again
    assert first.context["page"].paginator.count == second.context["page"].paginator.count == 3
    choices = {u.pk for u in second.context["filter"].form.fields["unit"].queryset}
    assert choices == {t.agency.pk, t.commune.pk}

    new = reply_to(t.p_open, dt.date(2026, 3, 19), number="09/UBND")  # saved: the area's version changes
    third, again = _get(client)
    assert again == cold
    page = third.context["page"]
    assert page.paginator.count == 4 and page.object_list[0].pk == new.pk
    assert {u.pk for u in third.context["filter"].form.fields["unit"].queryset} == {
        t.agency.pk,
        t.commune.pk,
        t.ubnd.pk,
    }


def test_the_page_is_the_areas_replies_newest_first_and_a_filter_keeps_its_own_count(versioned, login):
    t = versioned
    client = login(t.front)
    response, _ = _get(client)
    expected = list(
        WrittenReply.objects.filter(pk__in=[t.r_met.pk, t.r_late.pk, t.r_satisfied.pk]).order_by("-replied_on", "-id")
    )
    assert [r.pk for r in response.context["page"].object_list] == [r.pk for r in expected]
    filtered, _ = _get(client, unit=str(t.agency.pk))
    assert filtered.context["page"].paginator.count == 2
    assert [r.pk for r in filtered.context["page"].object_list] == [t.r_late.pk, t.r_met.pk]
    assert _get(client)[0].context["page"].paginator.count == 3
