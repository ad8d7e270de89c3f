"""End to end in headless Chromium: a Front monitor assesses a reply as not satisfied, and the
Mass Mobilisation Board's dashboard counts it."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from petitions.deadlines import reply_due_date
from petitions.models import PetitionStatus, WrittenReply
from reports.periods import Cutoff, Period
from tests import factories as f

pytestmark = pytest.mark.e2e

PASSWORD = "demo-pass-123"


def _login(new_page, live_server, username):
    page = new_page(1400, 1000)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def replied_petition(transactional_db):
    today = timezone.localdate()
    province = f.UnitFactory(name="Tỉnh Hòa Bình", level="province", kind=f.AreaKindFactory())
    ubnd = f.UnitFactory(name="UBND tỉnh Hòa Bình", parent=province, level="province")
    agency = f.UnitFactory(name="Sở Xây dựng", parent=ubnd, level="province", kind=f.AgencyKindFactory())
    held = today - dt.timedelta(days=40)
    notice = held + dt.timedelta(days=5)
    session = f.DialogueSessionFactory(organising_unit=ubnd, held_on=held, notice_issued_on=notice)
    petition = f.PetitionFactory(
        session=session,
        assigned_unit=agency,
        status=PetitionStatus.REPLIED,
        assigned_on=notice,
        reply_due_on=reply_due_date(notice),
        responded_on=today - dt.timedelta(days=3),
        final_replied_on=today - dt.timedelta(days=3),
    )
    reply = WrittenReply.objects.create(
        petition=petition,
        unit=agency,
        replied_on=today - dt.timedelta(days=3),
        number="15/SXD-TL",
        summary="Sẽ xem xét sau.",
    )
    front = f.UserFactory(username="mttq")
    f.MembershipFactory(user=front, unit=province, role="front")
    board = f.UserFactory(username="bandanvan")
    f.MembershipFactory(user=board, unit=province, role="board")
    officer = f.UserFactory(username="soxaydung")
    f.MembershipFactory(user=officer, unit=agency, role="agency")
    cutoff = Cutoff.default()
    period = Period(kind="year", year=cutoff.report_year_of(held), cutoff=cutoff)
    return {"province": province, "petition": petition, "reply": reply, "period": period, "officer": officer}


def test_front_assesses_reply_not_satisfied_and_board_dashboard_counts_it(
    new_page, screenshot, live_server, replied_petition
):
    # browser, new_page and screenshot come from tests/e2e/conftest.py (Debian Chromium, never downloaded)
    data = replied_petition
    front = _login(new_page, live_server, "mttq")
    front.goto(f"{live_server.url}/giam-sat/tra-loi/")
    front.click(f"[data-testid=assess-{data['reply'].pk}]")
    front.check("input[name=result][value=unsatisfied]")
    front.click("main form button[type=submit]")  # no reason: refused, nothing recorded
    assert front.locator("text=cần ghi rõ lý do").count() >= 1
    front.check("input[name=result][value=unsatisfied]")
    front.fill("textarea[name=reason]", "Trả lời chưa đúng nội dung kiến nghị, chưa nêu thời hạn giải quyết.")
    front.click("main form button[type=submit]")
    front.wait_for_load_state("networkidle")
    assert f"/giam-sat/kien-nghi/{data['petition'].pk}/" in front.url
    assert front.locator(".badge", has_text="Không hài lòng").count() >= 1

    board = _login(new_page, live_server, "bandanvan")
    query = urlencode({"unit": data["province"].pk, **data["period"].as_params()})
    board.goto(f"{live_server.url}/bao-cao/?{query}")
    board.wait_for_load_state("networkidle")
    figure = board.locator("[data-figure=petitions_unsatisfied]")
    assert figure.inner_text().strip() == "1"
    assert board.evaluate("typeof Chart") == "function"  # Chart.js served locally
    screenshot(board, "board-dashboard")

    figure.click()
    board.wait_for_load_state("networkidle")
    assert board.locator("[data-testid=list-count]").inner_text().strip() == "1"
    assert re.search(rf"#{data['petition'].pk}\b", board.content())

    from notifications.models import Notification

    assert Notification.objects.filter(recipient=data["officer"], obligation="event", stage="reopened").count() == 1
