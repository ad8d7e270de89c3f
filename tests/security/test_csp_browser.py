"""The Content-Security-Policy in a real browser (Debian Chromium): the pages that run scripts
work under it and the browser reports no violation."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.e2e.conftest import a11y, browser, new_page  # noqa: F401  (fixtures)
from tests.screens import make_session

pytestmark = pytest.mark.e2e

PASSWORD = "Csp-test-pass-2026"
WATCH = """() => { window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI)); }"""


@pytest.fixture
def world(transactional_db):
    area = f.AreaKindFactory()
    province = f.UnitFactory(name="Tỉnh Hòa Bình", kind=area, level="province", symbol="")
    ubnd = f.UnitFactory(name="UBND tỉnh Hòa Bình", parent=province, level="province", symbol="UBND")
    staff = f.UserFactory(username="csp_staff", password=PASSWORD)
    f.MembershipFactory(user=staff, unit=province, role="staff")
    board = f.UserFactory(username="csp_board", password=PASSWORD)
    f.MembershipFactory(user=board, unit=province, role="board")
    session, petitions = make_session(ubnd)
    return session, petitions


def _visit(page, url):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script("(" + WATCH + ")()")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return violations


def _login(new_page, live_server, username):  # noqa: F811
    page = new_page(1400, 1000)
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_scripts_work_under_the_policy_and_nothing_is_blocked(new_page, live_server, world):  # noqa: F811
    session, petitions = world
    staff = _login(new_page, live_server, "csp_staff")
    console = []

    console += _visit(staff, f"{live_server.url}{reverse('sessions:notice_assign', args=[session.pk])}")
    staff.locator(".ts-control").first.click()  # the unit picker (tom-select) started and searches
    staff.keyboard.type("ubnd tinh")  # it opens on typing (openOnFocus is off for the keyboard)
    # The opened picker's options (each petition row has its own, closed, dropdown).
    staff.locator(".ts-dropdown .option", has_text="UBND tỉnh Hòa Bình").filter(visible=True).first.wait_for()

    console += _visit(staff, f"{live_server.url}{reverse('sessions:petitions', args=[session.pk])}")
    before = staff.locator("textarea").count()
    staff.locator("[data-add-row]").first.click()
    assert staff.locator("textarea").count() > before  # the formset's add-row button

    console += _visit(staff, f"{live_server.url}{reverse('petitions:detail', args=[petitions[0].pk])}")
    staff.locator("#history button[data-bs-toggle=collapse]").click()
    staff.locator("#history-body.show").wait_for()  # Bootstrap's collapse, from static JS
    assert staff.evaluate("window.__cspViolations") == []

    board = _login(new_page, live_server, "csp_board")
    console += _visit(board, f"{live_server.url}{reverse('reports:dashboard')}")
    assert board.evaluate("() => !!Chart.getChart(document.getElementById('trend-chart'))")  # the chart was drawn
    assert board.evaluate("window.__cspViolations") == []
    assert console == []
