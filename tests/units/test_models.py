import datetime as dt

import pytest

from tests import factories as f
from units.models import Unit
from units.selectors import units_visible_to

pytestmark = pytest.mark.django_db


def test_unit_tree_has_no_fixed_depth():
    parent = f.UnitFactory(name="Tỉnh")
    for depth in range(1, 6):
        parent = f.UnitFactory(name=f"Cấp {depth}", parent=parent)
        assert parent.depth == depth
    assert Unit.objects.filter(path__startswith=Unit.objects.get(name="Tỉnh").path).count() == 6


def test_moving_a_unit_moves_its_subtree():
    a, b = f.UnitFactory(name="A"), f.UnitFactory(name="B")
    child = f.UnitFactory(name="Con", parent=a)
    grandchild = f.UnitFactory(name="Cháu", parent=child)
    child.parent = b
    child.save()
    grandchild.refresh_from_db()
    assert grandchild.path.startswith(b.path) and grandchild.depth == 2


def test_a_unit_cannot_move_under_itself():
    a = f.UnitFactory(name="A")
    child = f.UnitFactory(name="Con", parent=a)
    a.parent = child
    with pytest.raises(ValueError):
        a.save()


def test_unit_is_active_between_its_dates():
    unit = f.UnitFactory(level="district", active_from=dt.date(2019, 1, 1), active_to=dt.date(2025, 6, 30))
    assert unit.is_active_on(dt.date(2025, 6, 30))
    assert not unit.is_active_on(dt.date(2025, 7, 1))


def test_membership_scopes_units_to_the_subtree(province, staff_user):
    visible = set(units_visible_to(staff_user))
    assert province.commune in visible and province.other_ubnd not in visible
