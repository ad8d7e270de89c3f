"""The reporting calendar is data: an administrator adds the quarterly periods in the admin."""

import pytest
from django.urls import reverse

from reports.models import CalendarEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_quarterly_reports_to_the_calendar(client, chain):
    admin = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    calendar = chain.calendar
    url = reverse("admin:reports_reportingcalendar_change", args=[calendar.pk])
    assert client.get(url).status_code == 200
    entries = list(calendar.entries.order_by("id"))
    data = {
        "unit": calendar.unit_id, "cutoff_day": "15", "cutoff_month": "12", "starts_on": "01/01/2026", "is_active": "on",
        "entries-TOTAL_FORMS": str(len(entries) + 2), "entries-INITIAL_FORMS": str(len(entries)),
        "entries-MIN_NUM_FORMS": "0", "entries-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, entry in enumerate(entries):
        data.update({
            f"entries-{i}-id": entry.pk, f"entries-{i}-calendar": calendar.pk, f"entries-{i}-period_kind": entry.period_kind,
            f"entries-{i}-level": entry.level, f"entries-{i}-due_days": entry.due_days,
        })  # fmt: skip
    for i, (level, days) in enumerate([("commune", 5), ("province", 10)], start=len(entries)):
        data.update({f"entries-{i}-calendar": calendar.pk, f"entries-{i}-period_kind": "q1",
                     f"entries-{i}-level": level, f"entries-{i}-due_days": days})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(CalendarEntry.objects.filter(calendar=calendar, period_kind="q1").values_list("level", "due_days")) == {
        ("commune", 5),
        ("province", 10),
    }
