"""No date the portal takes falls outside 2000–2100 (a target of 31/12/9999 would never fall due)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from common.dates import check_year
from common.forms import VnDateField


@pytest.mark.parametrize("day", [dt.date(2000, 1, 1), dt.date(2026, 3, 20), dt.date(2100, 12, 31), None])
def test_dates_in_the_sane_years_pass(day):
    check_year(day)


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1999, 12, 31), dt.date(2101, 1, 1), dt.date(9999, 12, 31)])
def test_dates_outside_are_refused_with_a_clear_message_on_the_field(day):
    with pytest.raises(ValidationError) as refusal:
        check_year(day, field="new_target_on")
    assert "nằm ngoài khoảng năm 2000–2100" in refusal.value.message_dict["new_target_on"][0]


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/0001", "01/01/1999", "1/1/2101", "9999-12-31"])
def test_the_date_field_of_every_form_refuses_them(typed):
    with pytest.raises(ValidationError) as refusal:
        VnDateField().clean(typed)
    assert "2000–2100" in refusal.value.messages[0]


def test_the_date_field_accepts_an_ordinary_day():
    assert VnDateField().clean("20/03/2026") == dt.date(2026, 3, 20)
