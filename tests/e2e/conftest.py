"""End-to-end tests in the Debian Chromium through Playwright (never `playwright install`).

Every page a browser test visits is checked for accessibility with axe-core (installed from the
npm registry into ``node_modules``, never loaded from a CDN): ``axe(page)`` runs it on the page
now shown and fails on any *serious* or *critical* violation. Pages made by ``new_page`` record
each document they load; a page loaded and left without an ``axe`` check fails the test at
teardown, so a new step in a test cannot skip the check.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
PHONE = (390, 844)


@pytest.fixture
def browser():
    # Function scope: one Playwright loop at a time, so other e2e modules can start their own.
    require_service("Chromium", os.path.exists(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class AccessibilityWatch:
    """Runs axe-core on pages and remembers which loaded documents were never checked."""

    def __init__(self, browser):
        self.browser = browser
        self.unchecked: dict[int, str] = {}  # id(page) -> url of the document loaded last
        self.missed: list[str] = []
        self.checked: list[str] = []
        self._mirror = None
        self._source = None

    def watch(self, page, javascript: bool = True) -> None:
        page._a11y_javascript = javascript

        def loaded(*_args):
            previous = self.unchecked.get(id(page))
            if previous is not None:
                self.missed.append(previous)
            self.unchecked[id(page)] = page.url

        page.on("load", loaded)

    def _axe_source(self) -> str:
        if self._source is None:
            if not AXE_PATH.exists():
                pytest.fail(f"axe-core is missing ({AXE_PATH}): run `npm ci` (package.json pins it)")
            self._source = AXE_PATH.read_text(encoding="utf-8")
        return self._source

    def _target(self, page):
        """The page to run axe in. Without JavaScript (the citizen's pages) axe runs on a copy of
        the document in a scripted page, with the stylesheets of the same site."""
        if getattr(page, "_a11y_javascript", True):
            return page
        if self._mirror is None:
            context = self.browser.new_context(viewport=page.viewport_size, locale="vi-VN")
            self._mirror = context.new_page()
        html = page.content().replace("<head>", f'<head><base href="{page.url}">', 1)
        self._mirror.set_content(html, wait_until="load")
        return self._mirror

    def check(self, page, *, include_moderate: bool = False) -> list[dict]:
        """Run axe on ``page`` now; fail on serious or critical violations. Returns them all."""
        page.wait_for_load_state("load")
        target = self._target(page)
        # Evaluated through the DevTools protocol: the site's Content-Security-Policy (no inline
        # script) does not apply to it, as it would to a <script> tag added to the page.
        if not target.evaluate("typeof window.axe !== 'undefined'"):
            target.evaluate(self._axe_source())
        violations = target.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ["violations"]});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
                }));
            }"""
        )
        self.unchecked.pop(id(page), None)
        self.checked.append(page.url)
        blocking = [v for v in violations if include_moderate or v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in blocking
        )
        return violations

    def close(self) -> None:
        if self._mirror is not None:
            self._mirror.context.close()
            self._mirror = None


@pytest.fixture
def a11y(browser):
    watch = AccessibilityWatch(browser)
    yield watch
    watch.close()


@pytest.fixture
def axe(a11y):
    """``axe(page)``: check the page now shown (axe-core, 0 serious or critical violations)."""
    return a11y.check


@pytest.fixture
def new_page(browser, a11y):
    contexts = []

    def make(width=1280, height=900, *, javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="vi-VN",
            accept_downloads=True,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        a11y.watch(page, javascript)
        return page

    yield make
    for context in contexts:
        context.close()
    missed = a11y.missed + list(a11y.unchecked.values())
    assert not missed, "pages loaded without an axe-core check (call axe(page) after each): " + ", ".join(missed)


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return shoot


def no_horizontal_overflow(page) -> bool:
    """Nothing on the page is wider than the window (no sideways scrolling on a phone)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
