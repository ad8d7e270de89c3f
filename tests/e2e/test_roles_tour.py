"""Every demo role's main pages in headless Chromium (issue 15), on a desktop and on a phone
(390×844): each page passes axe-core (0 serious or critical violations, checked by the
``new_page`` watcher on every document loaded) and, on the phone, nothing is wider than the
window, so every action stays reachable without scrolling sideways. The unit picker of the
notice wizard works with the keyboard alone and keeps a unit chosen for two petitions."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from petitions.models import PetitionStatus, WrittenReply
from sessions.models import DialogueSession
from tests.e2e.conftest import PHONE, no_horizontal_overflow

pytestmark = [pytest.mark.e2e]

DEMO_PASSWORD = "demo"


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--sessions", "14", verbosity=0)
    settings.DEBUG = False


def _pending_session():
    """A session of the demo staff's province with petitions still waiting for the notice."""
    return (
        DialogueSession.objects.filter(notice_issued_on__isnull=True, petitions__status=PetitionStatus.RECORDED)
        .filter(organising_unit__name__icontains="tỉnh")
        .order_by("-held_on")
        .distinct()
        .first()
        or DialogueSession.objects.filter(notice_issued_on__isnull=True, petitions__status=PetitionStatus.RECORDED)
        .order_by("-held_on")
        .first()
    )


def _pages(role: str) -> dict[str, str]:
    """The main pages of each role (name → path)."""
    common = {"home": reverse("home"), "notifications": reverse("notifications:list")}
    if role == "demo_staff":
        session = DialogueSession.objects.order_by("-held_on").first()
        return {
            **common,
            "sessions": reverse("sessions:list"),
            "session": reverse("sessions:detail", args=[session.pk]),
            "petitions": reverse("petitions:list"),
            "preferences": reverse("notifications:preferences"),
        }
    if role == "demo_agency":
        return {
            **common,
            "inbox": reverse("petitions:inbox"),
            "inbox-overdue": reverse("petitions:inbox") + "?tab=qua-han",
        }
    if role == "demo_front":
        pages = {
            **common,
            "monitor-petitions": reverse("reports:monitor_petitions"),
            "monitor-replies": reverse("reports:monitor_replies"),
        }
        reply = WrittenReply.objects.filter(petition__status=PetitionStatus.REPLIED, assessments__isnull=True).first()
        if reply is not None:
            pages["assess"] = reverse("reports:monitor_assess", args=[reply.pk])
        return pages
    if role == "demo_board":
        return {**common, "dashboard": reverse("reports:dashboard")}
    return {**common, "scorecard": reverse("reports:my_scorecard")}


ROLES = ["demo_staff", "demo_agency", "demo_front", "demo_board", "demo_leader"]


def _log_in(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("nav")).to_contain_text("Đăng xuất")


def test_every_roles_main_pages_pass_axe_and_fit_a_phone(live_server, demo, new_page, screenshot, a11y):
    base = live_server.url
    visited = set()
    for role in ROLES:
        pages = _pages(role)
        desktop = new_page()
        _log_in(desktop, base, role)
        for path in pages.values():
            response = desktop.goto(base + path)
            assert response.status == 200, (role, path)
        phone = new_page(*PHONE)
        _log_in(phone, base, role)
        for name, path in pages.items():
            phone.goto(base + path)
            phone.wait_for_load_state("load")
            visited.add(phone.url)
            assert no_horizontal_overflow(phone), f"{role} {path}: wider than the phone's window"
            if name in ("home", "inbox", "monitor-replies", "dashboard", "sessions"):
                screenshot(phone, f"phone-{role.removeprefix('demo_')}-{name}")
            # Every link and button in the main area is inside the window (reachable by tapping).
            outside = phone.evaluate(
                """() => {
                    // Hidden for the eye but read by screen readers (clip): not a place to tap.
                    const clipped = e => { for (let a = e; a; a = a.parentElement) {
                        const clip = getComputedStyle(a).clip;
                        if (clip && clip !== "auto") { return true; } } return false; };
                    return [...document.querySelectorAll("main a, main button")]
                    .filter(e => e.offsetParent !== null && !clipped(e))
                    .filter(e => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 1; })
                    .map(e => e.outerHTML.slice(0, 120)); }"""
            )
            assert not outside, f"{role} {path}: actions beyond the window: {outside[:3]}"
    a11y.finish()
    # Every page shown was checked by axe-core (on the desktop and on the phone).
    assert visited <= set(a11y.checked) and len(visited) >= 12


def test_the_unit_picker_works_with_the_keyboard_and_one_unit_may_take_two_petitions(live_server, demo, new_page):
    """Regression: every picker shared one options list, so an option chosen in two pickers moved
    to the last one and "Tiếp tục" answered "Vui lòng chọn đơn vị chịu trách nhiệm"."""
    session = _pending_session()
    assert session is not None and session.petitions.filter(status=PetitionStatus.RECORDED).count() >= 2
    base = live_server.url
    page = new_page()
    _log_in(page, base, "demo_admin")
    page.goto(base + reverse("sessions:notice_assign", args=[session.pk]))
    rows = page.locator(".petition-row")
    count = rows.count()
    assert count >= 2
    # Sent with no unit: the errors are announced (live region) and the first picker has focus.
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator("#live-announcer")).to_contain_text("ô cần sửa")
    first_id = rows.nth(0).locator("select.unit-picker").first.get_attribute("id")
    expect(page.locator(f"#{first_id}-ts-control")).to_be_focused()
    assert page.locator(f"#{first_id}").get_attribute("aria-invalid") == "true"
    for i in range(count):
        select_id = rows.nth(i).locator("select.unit-picker").first.get_attribute("id")
        control = page.locator(f"#{select_id}-ts-control")
        control.focus()  # the keyboard alone: focus, type without diacritics, Enter
        page.keyboard.type("so y te")
        expect(page.locator(f"#{select_id}-ts-dropdown .option").first).to_contain_text("Sở Y tế")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        expect(rows.nth(i).locator(".ts-control .item").first).to_contain_text("Sở Y tế")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator("body")).not_to_contain_text("Vui lòng chọn đơn vị chịu trách nhiệm")
    expect(page).to_have_url(base + reverse("sessions:notice_issue", args=[session.pk]))
    waiting = session.petitions.filter(status=PetitionStatus.RECORDED)
    assert set(waiting.values_list("assigned_unit__name", flat=True)) == {"Sở Y tế"}
