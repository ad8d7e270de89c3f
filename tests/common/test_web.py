"""The client's address behind the reverse proxy (``common.web.client_ip``), for the monitoring
allow-list and login throttling."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from common.web import address_in, client_ip
from tests import factories as f


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_direct_connections_are_their_own_address():
    assert client_ip(request(REMOTE_ADDR="203.0.113.5")) == "203.0.113.5"


def test_the_proxy_passes_the_clients_address():
    assert client_ip(request(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.2")) == "198.51.100.2"


def test_a_client_that_is_not_the_proxy_cannot_choose_its_address():
    assert client_ip(request(REMOTE_ADDR="203.0.113.5", HTTP_X_REAL_IP="127.0.0.1")) == "203.0.113.5"


@pytest.mark.parametrize(
    ("address", "networks", "inside"),
    [
        ("10.1.2.3", ["10.0.0.0/8"], True),
        ("10.1.2.3", ["10.1.2.3"], True),
        ("11.1.2.3", ["10.0.0.0/8"], False),
        ("::1", ["127.0.0.1", "::1"], True),
        ("không phải địa chỉ", ["0.0.0.0/0"], False),
        ("10.1.2.3", ["sai", "10.0.0.0/8"], True),
    ],
)
def test_address_in(address, networks, inside):
    assert address_in(address, networks) is inside


@pytest.mark.django_db
def test_login_throttling_behind_the_proxy_locks_the_client_not_everybody(client):
    f.UserFactory(username="canbo", password="Mat-khau-dung-2026")
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.66"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "canbo", "password": "sai"}, **attacker)
    assert client.post(reverse("login"), {"username": "canbo", "password": "sai"}, **attacker).status_code == 429
    # The real user, through the same proxy from another address, still logs in.
    response = client.post(
        reverse("login"),
        {"username": "canbo", "password": "Mat-khau-dung-2026"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="198.51.100.7",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_counted_paginator_reads_a_page_by_its_ids_in_the_lists_order(django_assert_num_queries):
    from common.web import CountedPaginator
    from units.models import Unit

    for i in range(7):
        f.UnitFactory(name=f"Đơn vị {i}")
    qs = Unit.objects.select_related("kind").order_by("-name", "pk")
    expected = list(qs)
    paginator = CountedPaginator(qs, 3, count=lambda: len(expected), orphans=1)
    with django_assert_num_queries(2):  # the page's ids in order, then their rows
        first = paginator.page(1)
        assert [u.pk for u in first] == [u.pk for u in expected[:3]]
    last = paginator.page(paginator.num_pages)
    assert [u.pk for u in last] == [u.pk for u in expected[3:]]  # the orphan joins the last page
    assert last[0].kind.pk == expected[3].kind.pk  # the page keeps the list's select_related
    assert paginator.num_pages == 2 and paginator.count == 7


@pytest.mark.django_db
def test_the_counted_paginator_can_read_a_page_in_one_query(django_assert_num_queries):
    from common.web import CountedPaginator
    from units.models import Unit

    for i in range(7):
        f.UnitFactory(name=f"Đơn vị {i}")
    qs = Unit.objects.select_related("kind").order_by("-name", "pk")
    expected = list(qs)
    paginator = CountedPaginator(qs.all(), 3, count=lambda: len(expected), by_ids=False)
    pages = []
    for number in paginator.page_range:
        with django_assert_num_queries(1):  # the page's rows, in the list's order
            pages.append([(u.pk, u.kind.pk) for u in paginator.page(number)])
    assert pages == [[(u.pk, u.kind.pk) for u in expected[i : i + 3]] for i in (0, 3, 6)]
