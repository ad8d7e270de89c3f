"""The register of heads bound by the rule and the levels they answer for (``units.selectors``)."""

import datetime as dt

import pytest

from tests import factories as f
from units.models import UnitKind
from units.selectors import (
    bound_heads,
    level_of,
    levels_headed_by,
    same_level_bound_units,
    units_at_levels,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(province):
    t = province
    t.commune_party = f.UnitFactory(
        name="Đảng ủy xã Tân Lạc", parent=t.commune_area, kind=f.PartyKindFactory(), symbol="ĐU"
    )
    return t


def test_party_committees_and_peoples_committees_are_bound_by_default_and_kinds_are_data(tree):
    assert tree.ubnd.kind.bound_by_dialogue_rule and tree.party.kind.bound_by_dialogue_rule
    assert not tree.agency.kind.bound_by_dialogue_rule
    UnitKind.objects.filter(code="agency").update(bound_by_dialogue_rule=True)
    heads = bound_heads(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    f.LeaderFactory(unit=tree.agency, full_name="Giám đốc Sở")
    assert [h.full_name for h in heads] == ["Giám đốc Sở"]


def test_a_province_department_is_at_the_provinces_level_and_a_commune_at_its_own(tree):
    assert level_of(tree.ubnd) == tree.province
    assert level_of(tree.agency) == tree.province
    assert level_of(tree.party) == tree.province
    assert level_of(tree.commune) == tree.commune_area
    assert level_of(tree.province) == tree.province


def test_the_same_level_party_committee_and_government_of_a_department_are_the_provinces(tree, today):
    assert set(same_level_bound_units(tree.agency, today)) == {tree.ubnd, tree.party}
    assert set(same_level_bound_units(tree.commune, today)) == {tree.commune, tree.commune_party}


def test_a_unit_that_ended_is_no_longer_a_same_level_head_unit(tree, today):
    tree.party.active_to = dt.date(2025, 6, 30)
    tree.party.save()
    assert same_level_bound_units(tree.agency, today) == [tree.ubnd]


def test_units_at_the_province_level_leave_out_the_communes(tree):
    ids = set(units_at_levels([tree.province.pk]))
    assert {tree.province.pk, tree.ubnd.pk, tree.party.pk, tree.agency.pk} <= ids
    assert not ids & {tree.commune_area.pk, tree.commune.pk, tree.commune_party.pk, tree.other_ubnd.pk}
    assert set(units_at_levels([tree.commune_area.pk])) == {
        tree.commune_area.pk,
        tree.commune.pk,
        tree.commune_party.pk,
    }


def test_a_head_who_left_mid_year_and_the_successor_are_both_in_the_register(tree):
    old = f.LeaderFactory(unit=tree.commune, full_name="Hà Văn Cũ", term_start=dt.date(2021, 1, 1))
    old.term_end = dt.date(2026, 5, 31)
    old.save()
    new = f.LeaderFactory(unit=tree.commune, full_name="Đinh Văn Mới", term_start=dt.date(2026, 6, 1))
    gone = f.LeaderFactory(unit=tree.commune, full_name="Lò Văn Xưa", term_start=dt.date(2015, 1, 1))
    gone.term_end = dt.date(2020, 12, 31)
    gone.save()
    register = set(bound_heads(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    assert {old, new} <= register and gone not in register


def test_the_levels_a_user_heads_come_from_their_terms_and_their_leader_or_staff_roles(tree, today):
    secretary = f.UserFactory(username="bithu")
    f.LeaderFactory(unit=tree.commune_party, user=secretary)
    assert levels_headed_by(secretary, today) == {tree.commune_area.pk}
    staff = f.UserFactory(username="vanphong")
    f.MembershipFactory(user=staff, unit=tree.province, role="staff")
    assert levels_headed_by(staff, today) == {tree.province.pk}
    officer = f.UserFactory(username="chuyenvien")
    f.MembershipFactory(user=officer, unit=tree.agency, role="agency")
    assert levels_headed_by(officer, today) == set()
