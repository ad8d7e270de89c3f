"""End-to-end tests in the Debian Chromium through Playwright (never `playwright install`).

Every page a browser test visits is checked for accessibility with axe-core (installed from the
npm registry into ``node_modules``, never loaded from a CDN): 0 *serious* or *critical*
violations. Pages made by ``new_page`` check themselves: axe-core is injected into every
document (an init script, so the site's Content-Security-Policy does not apply to it) and runs
once the page has loaded, reporting back to the test; a document left before its report came is
opened again in the same browser context at teardown and checked then. ``axe(page)`` checks the
page now shown, e.g. after a script changed it. A page without JavaScript (the citizen's) is
checked on a copy of its document in a scripted page.
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


AXE_RUNNER = """
(() => {
  if (window.top !== window || !window.__axeReport) return;
  window.addEventListener("load", () => setTimeout(async () => {
    let violations;
    try {
      const result = await axe.run(document, {resultTypes: ["violations"]});
      violations = result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
      }));
    } catch (error) {
      violations = [{id: "axe-error", impact: "critical", help: String(error), nodes: []}];
    }
    await window.__axeReport(location.href, violations);
  }, 150));
})();
"""


def _blocking(violations, include_moderate=False):
    return [v for v in violations if include_moderate or v["impact"] in BLOCKING_IMPACTS]


def _describe(url, blocking) -> str:
    return f"axe-core on {url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in blocking
    )


class AccessibilityWatch:
    """Runs axe-core on every document the watched pages load, and on demand."""

    def __init__(self, browser):
        self.browser = browser
        self.loaded: list[tuple[object, str]] = []  # (page, url) of every document loaded
        self.reported: set[str] = set()
        self.checked: list[str] = []
        self.failures: list[str] = []
        self._mirror = None
        self._source = None

    def _axe_source(self) -> str:
        if self._source is None:
            if not AXE_PATH.exists():
                pytest.fail(f"axe-core is missing ({AXE_PATH}): run `npm ci` (package.json pins it)")
            self._source = AXE_PATH.read_text(encoding="utf-8")
        return self._source

    def instrument(self, context) -> None:
        """Inject axe-core and its runner into every document of a scripted context."""
        context.expose_binding("__axeReport", lambda _source, url, violations: self._report(url, violations))
        context.add_init_script(self._axe_source())
        context.add_init_script(AXE_RUNNER)

    def _report(self, url: str, violations: list[dict]) -> None:
        self.reported.add(url)
        self.checked.append(url)
        blocking = _blocking(violations)
        if blocking:
            self.failures.append(_describe(url, blocking))

    def watch(self, page, javascript: bool = True) -> None:
        page._a11y_javascript = javascript
        page.on("load", lambda *_args: self.loaded.append((page, page.url)))

    def _target(self, page):
        """The page to run axe in. Without JavaScript (the citizen's pages) axe runs on a copy of
        the document in a scripted page, with the stylesheets of the same site."""
        if getattr(page, "_a11y_javascript", True):
            return page
        if self._mirror is None:
            context = self.browser.new_context(viewport=page.viewport_size, locale="vi-VN", reduced_motion="reduce")
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
        self.reported.add(page.url)
        self.checked.append(page.url)
        blocking = _blocking(violations, include_moderate)
        assert not blocking, _describe(page.url, blocking)
        return violations

    def finish(self) -> None:
        """Check the documents left before their report came (opened again in their context),
        then fail on every serious or critical violation found."""
        for page, url in self.loaded:
            if url in self.reported or not url.startswith("http") or page.context is None:
                continue
            try:
                again = page.context.new_page()
            except Exception:  # the context is closed: the test is over for it
                continue
            again._a11y_javascript = getattr(page, "_a11y_javascript", True)
            again.goto(url)
            if again._a11y_javascript:
                for _ in range(50):
                    if url in self.reported or again.url in self.reported:
                        break
                    again.wait_for_timeout(100)
                else:
                    self.failures.append(f"axe-core never reported on {url}")
            else:
                try:
                    self.check(again)
                except AssertionError as error:
                    self.failures.append(str(error))
            again.close()
        assert not self.failures, "\n".join(self.failures)

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
            # No colour transitions (Bootstrap honours it): axe must never measure a button
            # half-way into its hover colours under the pointer left by the last click.
            reduced_motion="reduce",
        )
        context.set_default_timeout(15000)
        if javascript:
            a11y.instrument(context)
        contexts.append(context)
        page = context.new_page()
        a11y.watch(page, javascript)
        return page

    yield make
    try:
        a11y.finish()
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return shoot


def no_horizontal_overflow(page) -> bool:
    """Nothing on the page is wider than the window (no sideways scrolling on a phone)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
