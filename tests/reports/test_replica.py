"""The report work on a real PostgreSQL streaming replica (``DATABASE_REPLICA_URL``; CI starts one
with ``pg_basebackup -R`` in ``scripts/test_services.sh``).

The report view tests of ``test_views.py`` run again here with committed data, each request
made once the replica has replayed the primary's writes: the dashboards, drill-downs, exports,
periodic reports and the Front's lists read from the replica and give the same answers. The
replica refuses every write, and the router never sends one there; a lagging replica is shown
as such, while a user who has just written reads the primary.
"""

import re
import time

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.replicas import PIN_COOKIE, ReplicaRouter, reads_from_replica
from petitions.models import Petition, SupervisionNote
from petitions.services import supervision_note_add
from reports import selectors
from tests import factories as f

from . import test_views
from .test_views import *  # noqa: F403 - the report view tests, collected again on the replica

# Without a replica the module is skipped by ``replica_db`` (failed when REQUIRE_SERVICES=1).
HAS_REPLICA = "replica" in settings.DATABASES
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"] if HAS_REPLICA else ["default"]),
]

YEAR = {"kind": "year", "year": "2026"}
# Tests of test_views.py whose pages all refuse (404) before reading any report data.
REFUSALS_ONLY = {"test_agency_officer_has_no_dashboard_and_no_monitor_pages", "test_unknown_figure_is_404"}


def _primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def wait_for_replica(timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    lsn = _primary_lsn()
    deadline = time.perf_counter() + timeout
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
        if time.perf_counter() > deadline:
            pytest.fail(f"the replica did not replay up to {lsn} within {timeout} s")
        time.sleep(0.02)


class CaughtUpClient(Client):
    """A browser whose every request comes after the replica has caught up (a replica a few
    milliseconds behind, not a paused one)."""

    def request(self, **request):
        wait_for_replica()
        return super().request(**request)


@pytest.fixture(autouse=True)
def replica_db(require_postgres):
    from tests.conftest import require_service

    require_service("PostgreSQL streaming replica (DATABASE_REPLICA_URL)", HAS_REPLICA)
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "DATABASE_REPLICA_URL must point to a streaming replica"
    yield connections["replica"]


@pytest.fixture(autouse=True)
def _reads_on_the_replica(request, replica_db):
    """Every test of the module: what reached the replica was only reads, and a test that opens
    report pages read them there."""
    with CaptureQueriesContext(replica_db) as replica_queries:
        yield
    name = request.node.originalname
    if name == "test_the_replica_refuses_every_write":  # it tries writes there on purpose
        return
    # A choice list is read through a server-side cursor ("DECLARE … CURSOR … FOR SELECT"): a read.
    statements = [
        "SELECT"
        if re.match(r"(?is)\s*DECLARE\s.*\sCURSOR\s.*\sFOR\s+SELECT\s", q["sql"])
        else q["sql"].lstrip().split(None, 1)[0].upper()
        for q in replica_queries.captured_queries
    ]
    assert set(statements) <= {"SELECT"}, statements
    if hasattr(test_views, name) and name not in REFUSALS_ONLY:
        assert statements, f"{name} read nothing from the replica"


@pytest.fixture
def login():
    """Overrides the reports' ``login``: each logged-in client waits for the replica."""

    def do(user):
        client = CaughtUpClient()
        client.force_login(user)
        return client

    return do


# --- the replica itself --------------------------------------------------------------------------


def test_the_replica_refuses_every_write(replica_db):
    petition = f.PetitionFactory()
    wait_for_replica()
    assert Petition.objects.using("replica").filter(pk=petition.pk).exists()
    with pytest.raises(DatabaseError, match="read-only"):
        Petition.objects.using("replica").filter(pk=petition.pk).update(content="sửa trên bản sao")
    with pytest.raises(DatabaseError, match="read-only"), replica_db.cursor() as cursor:
        cursor.execute("CREATE TABLE written_on_a_replica (id int)")
    petition.refresh_from_db()
    assert petition.content != "sửa trên bản sao"


def test_the_router_never_routes_a_write_to_the_replica(world):
    router = ReplicaRouter()
    with reads_from_replica():
        for model in apps.get_models():
            assert router.db_for_write(model) == "default"
            assert not router.allow_migrate("replica", model._meta.app_label, model._meta.model_name)
        wait_for_replica()
        petition = Petition.objects.select_related("session__organising_unit").get(pk=world.p_met.pk)
        assert petition._state.db == "replica"
        # A service writing on an object read from the replica writes on the primary.
        note = supervision_note_add(petition=petition, author=world.commune_front, text="Ghi chú khi đọc bản sao")
    assert note._state.db == "default"
    assert SupervisionNote.objects.using("default").filter(pk=note.pk).exists()


# --- the pages -----------------------------------------------------------------------------------


def test_dashboard_reads_its_figures_from_the_replica_and_says_how_fresh_they_are(world, login):
    client = login(world.board)
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse("reports:dashboard"), {"unit": world.province.pk, **YEAR})
    assert response.status_code == 200
    assert (
        response.context["figures"]
        == selectors.dashboard_data(world.board, world.province, response.context["period"]).figures
    )
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    assert "petitions_petition" in replica_sql and "dialogue_sessions_dialoguesession" in replica_sql
    assert "petitions_petition" not in primary_sql  # only who the user is and what they may see
    assert 'data-testid="replica-freshness"' in response.content.decode()
    assert "Số liệu đọc từ bản sao cơ sở dữ liệu" in response.content.decode()


def test_the_public_pages_read_from_the_replica(world):
    """The public pages are read-only report work too: without a login, from the replica."""
    client = CaughtUpClient()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        index = client.get(reverse("public:index"))
        session = client.get(reverse("public:session", args=[world.s_on_time.pk]))
    assert index.status_code == 200 and session.status_code == 200
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "dialogue_sessions_dialoguesession" in replica_sql


def _replay(paused: bool):
    with connections["replica"].cursor() as cursor:
        try:
            cursor.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")
        except DatabaseError as exc:  # not granted (scripts/test_services.sh grants it)
            pytest.skip(f"cannot pause the replica's replay: {exc}")


def test_a_lagging_replica_says_so_and_a_user_who_has_just_written_reads_the_primary(world, login):
    front = Client()
    front.force_login(world.commune_front)
    board = Client()
    board.force_login(world.commune_board)
    wait_for_replica()
    params = {"unit": world.commune_area.pk, **YEAR}
    before = board.get(reverse("reports:dashboard"), params).context["figures"]["petitions_received"]
    _replay(paused=True)
    try:
        # Recorded on the primary while the replica does not replay: the board still reads the
        # old figure, and is told the replica is behind.
        f.PetitionFactory(session=world.p_recorded.session)
        time.sleep(1.5)
        response = board.get(reverse("reports:dashboard"), params)
        assert response.context["figures"]["petitions_received"] == before
        assert "chậm khoảng" in response.content.decode()
        # The Front monitor writes (a supervision note through the web) and then reads the
        # primary: their own dashboard already counts the new petition.
        note = front.post(
            reverse("reports:monitor_note_add", args=[world.p_recorded.pk]), {"text": "Đề nghị đẩy nhanh tiến độ"}
        )
        assert note.status_code == 302 and PIN_COOKIE in note.cookies
        after_write = front.get(reverse("reports:dashboard"), params)
        assert after_write.context["figures"]["petitions_received"] == before + 1
        assert 'data-testid="replica-freshness"' not in after_write.content.decode()
    finally:
        _replay(paused=False)
    wait_for_replica()
    assert board.get(reverse("reports:dashboard"), params).context["figures"]["petitions_received"] == before + 1
