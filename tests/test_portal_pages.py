"""The portal's own pages (issue 15): a home page per role that shows what the person must do
today, the favicon, and the Vietnamese 404 page even with DEBUG on (``make run``'s default)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from petitions import services as petition_services
from tests import factories as f
from tests.screens import issue_notice, make_session

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_staff_see_the_notices_to_issue_with_their_due_dates_and_sessions_without_petitions(
    client, province, staff_user
):
    waiting, _ = make_session(province.ubnd, topic="Chờ thông báo kết luận")
    empty, _ = make_session(province.ubnd, topic="Chưa nhập kiến nghị", petitions=0)
    done, _ = make_session(province.ubnd, topic="Đã ban hành")
    issue_notice(done, unit=province.agency, actor=staff_user)
    response = _home(client, staff_user)
    notices = [s.pk for s in response.context["staff"]["notices"]]
    assert waiting.pk in notices and done.pk not in notices
    assert empty.pk in [s.pk for s in response.context["staff"]["without_petitions"]]
    page = response.content.decode()
    assert reverse("sessions:notice_assign", args=[waiting.pk]) in page
    assert reverse("sessions:import", args=[empty.pk]) in page
    assert "agency" not in response.context and "front" not in response.context


def test_the_agency_sees_its_queue_with_the_new_ones_first(client, province, staff_user, agency_user):
    session, petitions = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    response = _home(client, agency_user)
    section = response.context["agency"]
    assert {p.pk for p in section["rows"]} == {p.pk for p in petitions}
    assert {value: count for value, _label, count in section["tabs"]}["moi"] == 2
    assert "staff" not in response.context


def test_the_front_sees_the_replies_awaiting_its_assessment(client, province, staff_user, agency_user):
    front = f.UserFactory(username="front")
    f.MembershipFactory(user=front, unit=province.province, role="front")
    session, petitions = make_session(province.ubnd)
    issue_notice(session, unit=province.agency, actor=staff_user)
    reply = petition_services.reply_record(
        petition=petitions[0], replied_on=dt.date(2026, 3, 19), number="5/SNN", summary="Đã trả lời", actor=agency_user
    )
    response = _home(client, front)
    assert [r.pk for r in response.context["front"]["replies"]] == [reply.pk]
    assert response.context["front"]["count"] == 1
    assert reverse("reports:monitor_assess", args=[reply.pk]) in response.content.decode()


def test_the_board_sees_key_figures_of_its_area(client, province):
    board = f.UserFactory(username="board")
    f.MembershipFactory(user=board, unit=province.province, role="board")
    response = _home(client, board)
    section = response.context["board"]
    assert section["unit"] == province.province and section["figures"]


def test_a_user_without_a_unit_is_told_to_ask_the_administrator(client):
    response = _home(client, f.UserFactory(username="lost"))
    assert "liên hệ quản trị viên" in response.content.decode()


def test_the_favicon_is_served_on_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")


def test_with_debug_on_a_foreign_object_shows_the_portals_vietnamese_404_page(client, settings, staff_user, province):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_404 = False
    _session, petitions = make_session(province.other_ubnd, topic="Tỉnh khác")
    client.force_login(staff_user)
    for url in (reverse("petitions:detail", args=[petitions[0].pk]), "/khong-co-trang-nay/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 404, url
        assert "Không tìm thấy trang" in page and "Using the URLconf" not in page and "Page not found" not in page


def test_a_developer_may_ask_for_djangos_technical_404_page(client, settings, staff_user):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_404 = True
    client.force_login(staff_user)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Không tìm thấy trang" not in response.content.decode()
