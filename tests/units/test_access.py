"""The one access module: a user's ``Scope`` answers every question of access."""

import pytest

from tests import factories as f
from units.access import Scope, scope_of
from units.models import Role

pytestmark = pytest.mark.django_db


def test_an_administrator_sees_everything_and_holds_every_role(province):
    admin = f.UserFactory(username="root", is_superuser=True)
    scope = scope_of(admin)
    assert scope.is_admin and scope.paths() is None
    assert scope.can_record_sessions and scope.is_agency and scope.can_monitor and scope.can_see_dashboards
    assert scope.covers(province.other_ubnd)


def test_the_admin_role_on_a_unit_is_an_administrator(province):
    user = f.UserFactory(username="quantri")
    f.MembershipFactory(user=user, unit=province.province, role=Role.ADMIN)
    assert scope_of(user).is_admin and scope_of(user).paths() is None


def test_subtrees_per_role_come_from_the_active_memberships(province, staff_user):
    f.MembershipFactory(user=staff_user, unit=province.agency, role=Role.AGENCY)
    f.MembershipFactory(user=staff_user, unit=province.commune_area, role=Role.FRONT, is_active=False)
    scope = Scope(staff_user)
    assert scope.staff_paths == [province.province.path]
    assert scope.agency_paths == [province.agency.path]
    assert scope.front_paths == []  # the inactive membership counts for nothing
    assert scope.covers(province.commune, {Role.STAFF}) and not scope.covers(province.other_ubnd)
    assert not scope.can_monitor and scope.is_agency and scope.can_record_sessions


def test_a_front_monitor_acts_for_its_organisation_inside_its_area_only(province):
    monitor = f.UserFactory(username="mttq")
    f.MembershipFactory(user=monitor, unit=province.commune_area, role=Role.FRONT, organisation=province.commune)
    scope = scope_of(monitor)
    assert scope.front_organisation_for([province.commune, None]) == province.commune
    assert scope.front_organisation_for([province.ubnd]) is None


def test_an_anonymous_user_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    scope = scope_of(AnonymousUser())
    assert scope.paths() == [] and scope.nav() == {} and not scope.can_see_dashboards


def test_the_navigation_reads_the_scope(province, staff_user, agency_user):
    assert scope_of(staff_user).nav()["staff"] and not scope_of(staff_user).nav()["agency"]
    assert scope_of(agency_user).nav()["agency"] and not scope_of(agency_user).nav()["staff"]


def test_the_scope_is_computed_once_per_user_object(province, staff_user, django_assert_num_queries):
    scope_of(staff_user)
    with django_assert_num_queries(0):
        scope_of(staff_user).paths()
        scope_of(staff_user).nav()
