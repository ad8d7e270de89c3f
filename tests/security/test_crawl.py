"""The crawl: the demo province after the daily jobs, visited by every demo role as a real user.

``seed_demo`` builds the demo, ``enforce_deadlines`` runs the daily jobs on it (they write on
the petitions' timelines as "Hệ thống", without an actor: the page that once raised on that
answered 500 to exactly the petitions that needed action). Then every demo role logs in through
the login form and follows, breadth first, every same-site link of every HTML page reachable
from the home page (``<a href>``, the GET forms with their default values, redirects),
including exports and downloads (``?format=xlsx``, ``.docx``, ``.xlsx``, uploaded files).

Any answer of 500 or more fails the test, with the role and the URL. Every answer a signed-in
user gets must also carry ``Cache-Control: private, no-store``, and every workbook it downloads
must hold no formula. Logging out, links that only switch the language and the admin (except its
index, for the administrator) are not followed.

To stay fast, URLs that differ only by object ids are not all opened: a URL is opened when its
view with its other arguments (such as a figure's key) has not been opened yet, or when its view
with this format and these query parameter names, linked from this view, has been opened fewer
than three times (``patterns_of``), in the order a user meets them (so the petitions of the
agency's inbox are opened, not only those of the home page). ``CRAWL_TODAY=YYYY-MM-DD`` runs it
on another day.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import traceback
import zipfile
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

pytestmark = pytest.mark.django_db

DEMO_ROLES = (
    "demo_staff",
    "demo_leader",
    "demo_agency",
    "demo_front",
    "demo_board",
    "demo_admin",
    "demo_commune_staff",
    "demo_commune_front",
)
# A URL is opened when its "what" pattern has been opened fewer than PER_WHAT times, or its
# "how" pattern fewer than PER_HOW times (see ``patterns_of``): every figure list, and each
# format and way of narrowing a list, from each page that links to it, a few times.
PER_WHAT = 1
PER_HOW = 3
# A runaway crawl (a link that makes new links forever) fails instead of running for hours.
MAX_PAGES_PER_ROLE = 1500
HOST = "testserver"
DOWNLOAD_KINDS = ("spreadsheetml", "wordprocessingml", "application/pdf", "image/")


def crawl_day() -> dt.datetime:
    day = dt.date.fromisoformat(os.environ.get("CRAWL_TODAY", "2026-03-20"))
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


# ---------------------------------------------------------------------------------------------
# Reading a page: its links and its GET forms
# ---------------------------------------------------------------------------------------------


class PageLinks(HTMLParser):
    """``<a href>`` targets and the URLs the page's GET forms submit with their default values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: tuple[str, list] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action") or "", "fields": []} if method == "get" else None
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and not a.get("disabled"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"].append((a["name"], ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
            self._form["fields"] += [(name, v) for v in chosen]
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            query = urlencode(self._form["fields"])
            self.links.append(f"{self._form['action'] or '.'}?{query}" if query else self._form["action"] or ".")
            self._form = None


def same_site_target(base: str, href: str) -> str | None:
    """The path and query ``href`` leads to from ``base``, or ``None`` when it leaves the site
    (another host, ``mailto:``, ``javascript:``…)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(urljoin(f"http://{HOST}{base}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != HOST:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def skipped(role: str, url: str) -> bool:
    path = urlsplit(url).path
    if path.startswith("/static/"):
        return True
    if path in (reverse("logout"), reverse("admin:logout")) or path.startswith("/i18n/"):
        return True  # logging out, or only switching the language
    admin_index = reverse("admin:index")
    if path.startswith(admin_index):
        return not (role == "demo_admin" and path == admin_index)
    return False


def patterns_of(url: str, referrer: str = "") -> tuple[tuple, tuple] | None:
    """Two ways of grouping URLs: by *what* is shown (the view and its arguments other than
    object ids, such as a figure's key) and by *how* it is reached (the view, the format asked
    for, the names of the query parameters and the view of the page linking to it)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    answer_format = dict(query).get("format", "")
    fixed = tuple(sorted((k, v) for k, v in match.kwargs.items() if not str(v).isdigit()))
    names = tuple(sorted({k for k, _ in query}))
    return (match.view_name, fixed), (match.view_name, answer_format, names, referrer)


# ---------------------------------------------------------------------------------------------
# Checking an answer
# ---------------------------------------------------------------------------------------------


def workbook_formulas(content: bytes) -> list[str]:
    """Cells of an XLSX that are formulas (``<f>`` elements in any worksheet)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if b"<f>" in xml or b"<f " in xml:
                    found.append(name)
    return found


@dataclass
class Crawl:
    role: str
    client: Client
    problems: list[str] = field(default_factory=list)
    opened: int = 0
    seen: set = field(default_factory=set)
    per_pattern: dict = field(default_factory=dict)
    # Seconds spent per view, printed with ``-s`` to see where the time goes.
    time_per_view: dict = field(default_factory=dict)
    content_types: set = field(default_factory=set)

    def enqueue(self, queue: deque, url: str, referrer: str = "") -> None:
        if url in self.seen or skipped(self.role, url):
            return
        keys = patterns_of(url, referrer)
        if keys is None:
            self.problems.append(f"{self.role}: a link to a page that does not exist: {url}")
            self.seen.add(url)
            return
        what, how = keys
        if self.per_pattern.get(what, 0) >= PER_WHAT and self.per_pattern.get(how, 0) >= PER_HOW:
            return
        for key in keys:
            self.per_pattern[key] = self.per_pattern.get(key, 0) + 1
        self.seen.add(url)
        queue.append(url)

    def open(self, url: str):
        self.opened += 1
        view = patterns_of(url)[0][0]
        started = time.monotonic()
        try:
            response = self.client.get(url)
        except Exception as exc:  # the test client re-raises what the view raised: a 500
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.problems.append(
                f"{self.role} GET {url}: 500 {type(exc).__name__}: {exc} ({where.filename}:{where.lineno})"
            )
            return None
        finally:
            spent = self.time_per_view.setdefault(view, [0, 0.0])
            spent[0] += 1
            spent[1] += time.monotonic() - started
        if response.status_code >= 500:
            self.problems.append(f"{self.role} GET {url}: {response.status_code}")
        cache = response.get("Cache-Control", "")
        if "no-store" not in cache or "private" not in cache:
            self.problems.append(f"{self.role} GET {url}: Cache-Control is {cache!r}, not private, no-store")
        return response

    def run(self) -> None:
        queue: deque[str] = deque()
        self.enqueue(queue, reverse("home"))
        while queue:
            if self.opened >= MAX_PAGES_PER_ROLE:
                self.problems.append(f"{self.role}: more than {MAX_PAGES_PER_ROLE} pages; the crawl stopped")
                return
            url = queue.popleft()
            view = patterns_of(url)[0][0]
            response = self.open(url)
            if response is None:
                continue
            content_type = response.get("Content-Type", "")
            if response.status_code in (301, 302, 303, 307, 308):
                target = same_site_target(url, response["Location"])
                if target:
                    self.enqueue(queue, target, referrer=view)
                continue
            if getattr(response, "streaming", False):
                # Reading it to the end closes it as a WSGI server would (the test client's wrapper);
                # a second close() would fire request_finished and close the test's connection.
                body = b"".join(response.streaming_content)
            else:
                body = response.content
            if response.status_code == 200:
                self.content_types |= {k for k in DOWNLOAD_KINDS if k in content_type}
            if "spreadsheetml" in content_type and response.status_code == 200:
                formulas = workbook_formulas(body)
                if formulas:
                    self.problems.append(f"{self.role} GET {url}: the workbook holds formulas in {formulas}")
            if content_type.startswith("text/html") and response.status_code == 200:
                parser = PageLinks()
                parser.feed(body.decode("utf-8", "replace"))
                for href in parser.links:
                    target = same_site_target(url, href)
                    if target:
                        self.enqueue(queue, target, referrer=view)


def log_in(username: str) -> Client:
    client = Client(raise_request_exception=True)
    response = client.post(reverse("login"), {"username": username, "password": "demo"})
    assert response.status_code == 302, f"{username} could not log in: {response.status_code}"
    return client


# The roles in two halves, each its own test on its own demo, so that two test processes share
# the crawl; each half reaches its own share of the downloads, and the two shares cover them all.
DOWNLOADS = {
    "reports:figure", "reports:periodic", "sessions:notice_docx", "sessions:import_template",
    "petitions:reply_draft", "sessions:minutes_file", "sessions:notice_signed_file", "petitions:detail",
    "reports:monitor_petition", "notifications:open",
}  # fmt: skip
CRAWL_HALVES = {
    "staff-front": (
        ("demo_staff", "demo_front", "demo_commune_front", "demo_admin"),
        {"spreadsheetml", "wordprocessingml", "application/pdf"},
        DOWNLOADS - {"petitions:reply_draft"},
    ),
    "agency-leader": (
        ("demo_agency", "demo_leader", "demo_board", "demo_commune_staff"),
        {"spreadsheetml", "wordprocessingml"},
        {"reports:figure", "reports:periodic", "petitions:reply_draft", "petitions:detail", "notifications:open"},
    ),
}


def test_the_crawls_halves_cover_every_role_and_every_download():
    assert sorted(r for roles, _, _ in CRAWL_HALVES.values() for r in roles) == sorted(DEMO_ROLES)
    assert set().union(*(views for _, _, views in CRAWL_HALVES.values())) == DOWNLOADS


@pytest.mark.parametrize("half", list(CRAWL_HALVES))
def test_every_page_reachable_by_every_demo_role_after_the_daily_jobs_answers_without_a_server_error(settings, half):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast demo users
    roles, expected_kinds, expected_views = CRAWL_HALVES[half]
    with time_machine.travel(crawl_day(), tick=False):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        call_command("enforce_deadlines", "--no-email", stdout=io.StringIO())
        results = []
        started = time.monotonic()
        for username in roles:
            crawl = Crawl(role=username, client=log_in(username))
            crawl.run()
            results.append(crawl)
    elapsed = time.monotonic() - started
    opened = {c.role: c.opened for c in results}
    print(f"\ncrawl: {sum(opened.values())} requests in {elapsed:.0f} s: {opened}")
    per_view: dict = {}
    for crawl in results:
        for view, (count, seconds) in crawl.time_per_view.items():
            total = per_view.setdefault(view, [0, 0.0])
            total[0] += count
            total[1] += seconds
    for view, (count, seconds) in sorted(per_view.items(), key=lambda item: -item[1][1])[:12]:
        print(f"  {view:<40} {count:>5} requests {seconds:>6.1f} s")
    problems = [p for c in results for p in c.problems]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    # The crawl reached the pages that matter for each role (a broken navigation would pass
    # vacuously), and every kind of download: workbooks, documents, uploaded files.
    assert all(n > 20 for n in opened.values()), opened
    kinds = {kind for c in results for kind in c.content_types}
    views = {view for c in results for view in c.time_per_view}
    print(f"{half}: kinds {sorted(kinds)}; downloads reached {sorted(DOWNLOADS & views)}")
    assert expected_kinds <= kinds, kinds
    assert expected_views <= views, expected_views - views
