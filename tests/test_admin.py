"""Every model's admin opens (list, add, change) for an administrator, in Vietnamese."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from petitions.services import notice_issue
from petitions.services import session_record_with_petitions as session_record
from regulations.models import CalendarDay
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def populated(province):
    admin_user = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    f.LeaderFactory(unit=province.ubnd)
    f.MembershipFactory(user=admin_user, unit=province.province, role="admin")
    session = session_record(
        organising_unit=province.ubnd,
        kind="periodic",
        held_on=dt.date(2026, 3, 10),
        topic="Đối thoại",
        place="Hội trường",
        actor=admin_user,
        participants=[{"name": "MTTQ"}],
        petitions=[{"petitioner_name": "A", "content": "Nội dung"}],
    )
    petition = session.petitions.get()
    notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=dt.date(2026, 3, 12), actor=admin_user,
        assignments={petition.pk: province.agency}, backdate_reason="Nhập lại thông báo đã ban hành",
    )  # fmt: skip
    return admin_user


def test_every_registered_model_admin_opens(client, populated):
    client.force_login(populated)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:%s_%s_changelist" % info))
        assert response.status_code == 200, info
        obj = model._default_manager.first()
        if obj is not None:
            response = client.get(reverse("admin:%s_%s_change" % info, args=[obj.pk]))
            assert response.status_code == 200, info
        if model_admin.has_add_permission(response.wsgi_request):
            response = client.get(reverse("admin:%s_%s_add" % info))
            assert response.status_code == 200, info
        checked += 1
    assert checked >= 15


def test_admin_offers_no_delete(client, populated):
    client.force_login(populated)
    petition = f.PetitionFactory()
    response = client.get(reverse("admin:petitions_petition_delete", args=[petition.pk]))
    assert response.status_code == 403


def test_admin_is_in_vietnamese(client, populated):
    client.force_login(populated)
    response = client.get(reverse("admin:index"))
    assert "Quản trị hệ thống" in response.content.decode()


def test_calendar_override_is_editable_in_the_admin(client, populated):
    client.force_login(populated)
    response = client.post(
        reverse("admin:regulations_calendarday_add"),
        {"day": "13/03/2027", "kind": "working_day", "note": "Làm bù"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(day=dt.date(2027, 3, 13), kind="working_day").exists()
