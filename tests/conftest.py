import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _using_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def require_service(name: str, available: bool) -> None:
    """Skip a test whose real service is missing, except in CI where it must be there."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{name} not available")


@pytest.fixture
def require_postgres():
    require_service("PostgreSQL", _using_postgres())


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The public pages and the lookup's rate limit live in Django's cache: every test starts
    with it empty (ids repeat between tests, a cached page must not)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pdf_upload():
    def make(name="van-ban.pdf"):
        return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")

    return make


@pytest.fixture
def province(db):
    """A small tree: province area → People's Committee, party committee, an agency, and a
    commune area with its People's Committee. Returns a namespace of units."""
    area = f.AreaKindFactory()
    province = f.UnitFactory(name="Tỉnh Hòa Bình", kind=area, level="province", symbol="", place_name="Hòa Bình")
    ubnd = f.UnitFactory(name="UBND tỉnh Hòa Bình", parent=province, level="province", symbol="UBND")
    party = f.UnitFactory(
        name="Tỉnh ủy Hòa Bình", parent=province, level="province", symbol="TU", kind=f.PartyKindFactory()
    )
    agency = f.UnitFactory(
        name="Sở Nông nghiệp và Môi trường", parent=ubnd, level="province", symbol="SNNMT", kind=f.AgencyKindFactory()
    )
    commune_area = f.UnitFactory(name="Xã Tân Lạc", parent=province, kind=area, symbol="", place_name="Tân Lạc")
    commune = f.UnitFactory(name="UBND xã Tân Lạc", parent=commune_area, symbol="UBND", place_name="Tân Lạc")
    other_province = f.UnitFactory(name="Tỉnh Phú Thọ", kind=area, level="province", symbol="")
    other_ubnd = f.UnitFactory(name="UBND tỉnh Phú Thọ", parent=other_province, level="province")

    class Tree:
        pass

    tree = Tree()
    tree.__dict__.update(locals())
    return tree


@pytest.fixture
def staff_user(province):
    user = f.UserFactory(username="staff")
    f.MembershipFactory(user=user, unit=province.province, role="staff")
    return user


@pytest.fixture
def agency_user(province):
    user = f.UserFactory(username="agency")
    f.MembershipFactory(user=user, unit=province.agency, role="agency")
    return user


@pytest.fixture
def today():
    return dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (dashboard figures) lives in the process: each test starts with it empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reads_on_the_primary(request, settings):
    """Tests run in a transaction the streaming replica never sees: report views read from the
    primary, except in the tests marked ``replica`` (committed data, ``tests/reports/test_replica.py``)."""
    if request.node.get_closest_marker("replica") is None:
        settings.REPLICA_READS = False


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Every test starts in the portal's language; a test that switches language cannot leak it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
