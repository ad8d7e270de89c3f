"""The replica router's decisions (no replica needed: the database is pretended): reads inside
``reads_from_replica`` go to the replica, writes, migrations and access decisions never do, and a
user who has just written reads from the primary. The real streaming replica is exercised in
``tests/reports/test_replica.py``."""

import threading

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory

from common import replicas
from common.replicas import PIN_COOKIE, PrimaryAfterWriteMiddleware, ReplicaRouter, primary_only, reads_from_replica
from notifications.models import Notification
from petitions.models import Petition, WrittenReply
from sessions.models import DialogueSession
from units.models import Membership, Unit

router = ReplicaRouter()


@pytest.fixture
def replica(monkeypatch, settings):
    """A replica is configured (reads are on, as in production)."""
    settings.REPLICA_READS = True
    monkeypatch.setattr(replicas, "has_replica", lambda: True)


def test_reads_go_to_the_replica_only_inside_reads_from_replica(replica):
    assert router.db_for_read(Petition) == "default"
    with reads_from_replica():
        assert router.db_for_read(Petition) == "replica"
        assert router.db_for_read(WrittenReply) == "replica"
        assert router.db_for_read(DialogueSession) == "replica"
    assert router.db_for_read(Petition) == "default"


def test_reads_that_decide_access_stay_on_the_primary(replica):
    with reads_from_replica():
        for model in (get_user_model(), Membership, Unit, Notification):
            assert router.db_for_read(model) == "default", model


def test_the_data_version_is_read_with_the_figures_it_versions(replica):
    from units.models import DataVersion

    with reads_from_replica():
        assert router.db_for_read(DataVersion) == "replica"
    assert router.db_for_read(DataVersion) == "default"


def test_a_write_is_never_routed_to_the_replica(replica):
    with reads_from_replica():
        for model in apps.get_models():
            assert router.db_for_write(model) == "default", model
            assert not router.allow_migrate("replica", model._meta.app_label, model._meta.model_name)
    assert router.allow_migrate("default", "petitions", "petition")


def test_primary_only_inside_reads_from_replica_reads_the_primary(replica):
    with reads_from_replica():
        with primary_only():
            assert router.db_for_read(Petition) == "default"
        assert router.db_for_read(Petition) == "replica"


@pytest.fixture
def no_replica(settings):
    """As if ``DATABASE_REPLICA_URL`` were not set (CI sets it for the whole run)."""
    settings.DATABASES = {alias: db for alias, db in settings.DATABASES.items() if alias != "replica"}


def test_without_a_replica_every_read_is_on_the_primary(no_replica):
    assert not replicas.has_replica()
    with reads_from_replica():
        assert router.db_for_read(Petition) == "default"


def test_reads_stay_on_the_primary_when_replica_reads_are_switched_off(replica, settings):
    settings.REPLICA_READS = False
    with reads_from_replica():
        assert router.db_for_read(Petition) == "default"


def test_the_decorator_is_per_call_and_per_thread(replica):
    seen = {}

    @reads_from_replica
    def view(name, barrier):
        barrier.wait()
        seen[name] = router.db_for_read(Petition)
        barrier.wait()

    barrier = threading.Barrier(2)
    other = threading.Thread(target=view, args=("thread", barrier))
    other.start()
    view("main", barrier)
    other.join()
    assert seen == {"main": "replica", "thread": "replica"}
    assert router.db_for_read(Petition) == "default"


def _through_middleware(request, seen):
    def view(request):
        with reads_from_replica():
            seen.append(router.db_for_read(Petition))
        return HttpResponse("ok")

    return PrimaryAfterWriteMiddleware(view)(request)


def test_a_user_who_has_just_written_reads_the_primary(replica, settings):
    settings.REPLICA_PIN_SECONDS = 15
    factory, seen = RequestFactory(), []
    response = _through_middleware(factory.post("/kien-nghi/1/tra-loi/"), seen)
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 15 and cookie["httponly"]
    # The next page of that user reads the primary; another user's reads the replica.
    pinned = factory.get("/bao-cao/")
    pinned.COOKIES[PIN_COOKIE] = cookie.value
    _through_middleware(pinned, seen)
    _through_middleware(factory.get("/bao-cao/"), seen)
    expired = factory.get("/bao-cao/")
    expired.COOKIES[PIN_COOKIE] = "1000"  # long past
    _through_middleware(expired, seen)
    forged = factory.get("/bao-cao/")
    forged.COOKIES[PIN_COOKIE] = "not a number"
    _through_middleware(forged, seen)
    # The POST itself, then the pinned GET, read the primary.
    assert seen == ["default", "default", "replica", "replica", "replica"]
    assert PIN_COOKIE not in _through_middleware(factory.get("/bao-cao/"), []).cookies


def test_no_pin_cookie_without_a_replica(no_replica):
    response = _through_middleware(RequestFactory().post("/kien-nghi/1/tra-loi/"), [])
    assert PIN_COOKIE not in response.cookies
