"""Every dashboard and list page runs the same number of SQL queries with 10 and with 1,000
petitions: aggregation happens in the database."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions.models import Field, Petition, PetitionStatus, WrittenReply
from petitions.search import replies_follow
from sessions.models import DialogueSession

from .conftest import make_user

MAX_QUERIES = 20
PARAMS = {"kind": "year", "year": "2026"}


def _grow(t, n_sessions: int, n_petitions: int):
    """Bulk-create sessions and petitions spread over units, fields, months and states."""
    units = [t.ubnd, t.party, t.commune, t.agency]
    fields = [Field.objects.get_or_create(name=name)[0] for name in ("Đất đai", "Môi trường", "Giao thông")]
    sessions = DialogueSession.objects.bulk_create(
        DialogueSession(
            organising_unit=units[i % 3],
            kind="periodic" if i % 4 else "ad_hoc",
            held_on=dt.date(2026, 1 + i % 3, 1 + i % 27),
            notice_due_on=dt.date(2026, 1 + i % 3, 1 + i % 27) + dt.timedelta(days=10),
            notice_issued_on=None
            if i % 3 == 0
            else dt.date(2026, 1 + i % 3, 1 + i % 27) + dt.timedelta(days=5 + i % 10),
            place="Hội trường",
            topic=f"Đối thoại {i}",
        )
        for i in range(n_sessions)
    )
    statuses = itertools.cycle(
        [
            PetitionStatus.RECORDED,
            PetitionStatus.CLARIFIED,
            PetitionStatus.ASSIGNED,
            PetitionStatus.REPLIED,
            PetitionStatus.COMPLEX,
        ]
    )
    petitions = []
    for i in range(n_petitions):
        status = next(statuses)
        session = sessions[(i + 1) % len(sessions)]
        assigned = status not in (PetitionStatus.RECORDED, PetitionStatus.CLARIFIED)
        notice = session.held_on + dt.timedelta(days=5)
        petitions.append(
            Petition(
                session=session,
                petitioner_name=f"Ông Đinh Văn {i}",
                content=f"Kiến nghị {i}",
                field=fields[i % 3] if i % 7 else None,
                status=status,
                clarified_at_conference=status == PetitionStatus.CLARIFIED,
                assigned_unit=units[i % 4] if assigned else None,
                assigned_on=notice if assigned else None,
                reply_due_on=notice + dt.timedelta(days=30) if assigned else None,
                responded_on=notice + dt.timedelta(days=i % 50)
                if status in (PetitionStatus.REPLIED, PetitionStatus.COMPLEX)
                else None,
                final_replied_on=notice + dt.timedelta(days=i % 50) if status == PetitionStatus.REPLIED else None,
                complex_target_on=notice + dt.timedelta(days=60) if status == PetitionStatus.COMPLEX else None,
                assessment=["", "satisfied", "unsatisfied"][i % 3] if status == PetitionStatus.REPLIED else "",
            )
        )
    created = Petition.objects.bulk_create(petitions)
    WrittenReply.objects.bulk_create(
        WrittenReply(
            petition=p, unit=p.assigned_unit, replied_on=p.final_replied_on, number=f"{p.pk}/TL", summary="Trả lời"
        )
        for p in created
        if p.status == PetitionStatus.REPLIED
    )
    replies_follow(WrittenReply, [p.pk for p in created])  # bulk_create skips the reply's save
    return created


@pytest.fixture
def users(province):
    return {
        "board": make_user("board", province.province, "board"),
        "front": make_user("front", province.province, "front"),
    }


def _pages(t):
    unit = {"unit": str(t.province.pk), **PARAMS}
    petition = Petition.objects.filter(status=PetitionStatus.REPLIED).order_by("pk").first()
    reply = WrittenReply.objects.order_by("pk").first()
    return [
        ("board", reverse("reports:dashboard"), unit),
        ("board", reverse("reports:dashboard"), {**unit, "format": "xlsx"}),
        ("board", reverse("reports:dashboard"), {**unit, "sort": "-on_time_rate"}),
        ("board", reverse("reports:figure", args=["petitions_received"]), unit),
        ("board", reverse("reports:figure", args=["petitions_overdue"]), {**unit, "by_unit": str(t.agency.pk)}),
        ("board", reverse("reports:figure", args=["petitions_received"]), {**unit, "field": "none"}),
        ("board", reverse("reports:figure", args=["petitions_unsatisfied"]), {**unit, "format": "xlsx"}),
        ("board", reverse("reports:figure", args=["sessions_held"]), unit),
        ("board", reverse("reports:figure", args=["notices_overdue"]), {**unit, "format": "xlsx"}),
        ("board", reverse("reports:figure", args=["r1_missing"]), unit),
        ("board", reverse("reports:periodic", args=["docx"]), unit),
        ("board", reverse("reports:periodic", args=["xlsx"]), unit),
        ("front", reverse("reports:monitor_sessions"), {}),
        ("front", reverse("reports:monitor_sessions"), {"format": "xlsx"}),
        ("front", reverse("reports:monitor_petitions"), {}),
        ("front", reverse("reports:monitor_petitions"), {"assessment": "none", "format": "xlsx"}),
        ("front", reverse("reports:monitor_replies"), {}),
        ("front", reverse("reports:monitor_replies"), {"format": "xlsx"}),
        ("front", reverse("reports:monitor_petition", args=[petition.pk]), {}),
        ("front", reverse("reports:monitor_assess", args=[reply.pk]), {}),
    ]


def _count_queries(client, users, pages):
    from django.core.cache import cache

    cache.clear()  # rows bulk-created outside the services change no data version: count afresh
    counts = []
    for role, url, params in pages:
        client.force_login(users[role])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        counts.append(len(ctx.captured_queries))
    return counts


def test_every_page_runs_the_same_queries_with_10_and_1000_petitions(
    client, province, users, frozen_today, django_assert_max_num_queries
):
    _grow(province, 5, 10)
    pages = _pages(province)
    small = _count_queries(client, users, pages)
    _grow(province, 100, 990)
    assert Petition.objects.count() == 1000
    large = _count_queries(client, users, pages)
    assert small == large, list(zip([p[1] for p in pages], small, large))
    for (role, url, params), _count in zip(pages, large):
        client.force_login(users[role])
        with django_assert_max_num_queries(MAX_QUERIES):
            client.get(url, params)
