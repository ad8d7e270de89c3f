"""The access matrix: every URL of the URLconf, for every role, on an own, a foreign and a
nonexistent object, answers what the table below says, and a refused request writes nothing.

A URL pattern that is not in the table fails the test: adding a screen means saying here who
may open it. A *leak* is a success (2xx, a write, or another province's text in the page or
export) where a refusal (302 to the login, 403, 404) was expected.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from tests.security.world import (
    AREA,
    FOREIGN_MARKER,
    MISSING_PK,
    PROTECTED_MARKER,
    ROLES,
    VISIBLE,
    build_world,
    fingerprint,
    frozen_clock,
    pdf,
    petitions_xlsx,
)

pytestmark = pytest.mark.django_db

ALL = frozenset(ROLES) - {"anonymous"}
EDITORS = frozenset({"staff", "admin"})
AGENCY = frozenset({"agency", "admin"})
DASHBOARD = frozenset({"staff", "leader", "front", "board", "admin"})
MONITOR = frozenset({"front", "admin"})
COMPILERS = frozenset({"staff", "leader", "board", "admin"})
OBJECT_CASES = ("own", "foreign", "missing")


@dataclass
class Route:
    """Who gets the success answer for an own object; everyone else logged in gets 404,
    anonymous gets 302 to the login, a foreign or nonexistent object 404 (the administrator
    sees foreign objects when ``admin_sees_foreign``)."""

    allowed: frozenset
    kwargs: Callable = lambda b, role: {}
    query: Callable | None = None
    method: str = "GET"
    # Valid input posted by every refused role (and, for POST-only views, ``post_ok`` by the
    # allowed ones): the answer must be the refusal and the database unchanged.
    write: Callable | None = None
    post_ok: Callable | None = None
    cases: tuple = OBJECT_CASES
    ok: int = 200
    ok_location: Callable | None = None
    admin_sees_foreign: bool = True
    expect: Callable | None = None  # (role, case) -> (status, location prefix) for odd views
    # Who may read the protected petitioner (``PROTECTED_MARKER``) in the answer: the organising
    # unit's staff and administrators, except in documents sent to agencies and public pages.
    sees_protected: frozenset = frozenset({"staff", "admin"})
    # A public page: every province's public text may appear, no petitioner ever.
    public: bool = False


def _public(status_for_missing=404):
    """Anybody, logged in or not, gets the page of any province's object."""
    return lambda role, case: (status_for_missing if case == "missing" else 200, None)


def _session(kind):
    return lambda b, role: {"pk": getattr(b, kind).pk}


def _petition(kind):
    return lambda b, role: {"pk": getattr(b, kind).pk}


def _unit_query(b, role):
    return {"unit": b.area.pk, "kind": "year", "year": "2026"}


def _session_payload(b):
    return {
        "organising_unit": b.ubnd.pk, "kind": "periodic", "held_on": "18/03/2026", "chair_name": "Đồng chí Bí thư",
        "place": "Hội trường", "topic": "Đối thoại mới", "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0",
    }  # fmt: skip


def _rows_payload(b):
    return {
        "rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-petitioner_name": "Ông Hà Văn Sơn",
        "rows-0-petitioner_kind": "person", "rows-0-content": "Đề nghị làm đường liên xóm",
    }  # fmt: skip


def _import_payload(b):
    content = petitions_xlsx([["Ông Hà Văn Sơn", "Cá nhân", "", "", "", "Đề nghị làm đường", "", "Không", ""]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("kien-nghi.xlsx", content)}


def _issue_payload(b):
    return {"number": "7", "symbol": "TB-UBND", "issued_on": "20/03/2026", "subject": "Thông báo", "body": ""}


ROUTES: dict[str, Route] = {
    # Project-wide ----------------------------------------------------------------------------
    "home": Route(ALL, cases=("none",)),
    "login": Route(
        ALL,
        cases=("none",),
        expect=lambda role, case: (200, None) if role == "anonymous" else (302, reverse("home")),
    ),  # fmt: skip
    "logout": Route(ALL, method="POST", cases=("none",), expect=lambda role, case: (302, reverse("login"))),
    "set_language": Route(
        ALL,
        method="POST",
        cases=("none",),
        post_ok=lambda b: {"language": "vi", "next": "/"},
        expect=lambda role, case: (302, "/"),
    ),  # fmt: skip
    # Sessions -------------------------------------------------------------------------------
    "sessions:list": Route(ALL, cases=("none",)),
    "sessions:create": Route(EDITORS, cases=("none",), method="GET", write=_session_payload),
    "sessions:detail": Route(VISIBLE, kwargs=_session("issued_session")),
    "sessions:edit": Route(EDITORS, kwargs=_session("issued_session"), write=_session_payload),
    "sessions:minutes_file": Route(VISIBLE, kwargs=_session("issued_session")),
    "sessions:petitions": Route(EDITORS, kwargs=_session("open_session"), write=_rows_payload),
    "sessions:import_template": Route(EDITORS, kwargs=_session("open_session")),
    "sessions:import": Route(EDITORS, kwargs=_session("open_session"), write=_import_payload),
    "sessions:clarify": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.open_session.pk, "petition_pk": b.open_petition.pk},
        write=lambda b: {"answer": "Đã trả lời tại hội nghị"},
        cases=(*OBJECT_CASES, "mixed"),
    ),  # fmt: skip
    "sessions:notice_assign": Route(
        EDITORS, kwargs=_session("open_session"), write=lambda b: {f"unit_{b.open_petition.pk}": b.ubnd.pk}
    ),
    "sessions:notice_issue": Route(EDITORS, kwargs=_session("open_session"), write=_issue_payload),
    # The notice goes to agencies: the protected petitioner is named for nobody.
    "sessions:notice_docx": Route(VISIBLE, kwargs=_session("issued_session"), sees_protected=frozenset()),
    "sessions:no_notice": Route(
        EDITORS,
        kwargs=_session("open_session"),
        method="POST",
        write=lambda b: {"reason": "Mọi kiến nghị đã làm rõ tại hội nghị"},
        ok=302,
        ok_location=lambda b: b.open_session.get_absolute_url(),
    ),  # fmt: skip
    "sessions:notice_signed_file": Route(VISIBLE, kwargs=_session("issued_session")),
    "sessions:notice_signed_upload": Route(
        EDITORS,
        kwargs=_session("issued_session"),
        method="POST",
        write=lambda b: {"signed_file": pdf("moi.pdf")},
        ok=302,
        ok_location=lambda b: b.issued_session.get_absolute_url(),
    ),  # fmt: skip
    "sessions:recipient_received": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.issued_session.pk, "recipient_pk": b.recipient.pk},
        method="POST",
        write=lambda b: {f"r{b.recipient.pk}-received_on": "16/03/2026"},
        post_ok=lambda b: {f"r{b.recipient.pk}-received_on": "không phải ngày"},
        ok=302,
        ok_location=lambda b: b.issued_session.get_absolute_url(),
        cases=(*OBJECT_CASES, "mixed"),
    ),  # fmt: skip
    "sessions:withdraw": Route(
        EDITORS,
        kwargs=_session("open_session"),
        method="POST",
        write=lambda b: {"reason": "Nhập nhầm"},
        ok=302,
        ok_location=lambda b: b.open_session.get_absolute_url(),
    ),  # fmt: skip
    # Petitions ------------------------------------------------------------------------------
    "petitions:list": Route(ALL, cases=("none",), query=lambda b, role: {"q": "Đề nghị", "status": "assigned"}),
    "petitions:inbox": Route(ALL, cases=("none",)),
    "petitions:detail": Route(VISIBLE, kwargs=_petition("p_waiting")),
    "petitions:reply": Route(
        AGENCY,
        kwargs=_petition("p_waiting"),
        write=lambda b: {"replied_on": "19/03/2026", "number": "5/SNN", "summary": "Đã xử lý", "letter": pdf()},
    ),  # fmt: skip
    "petitions:reply_draft": Route(AGENCY, kwargs=_petition("p_waiting")),
    "petitions:forward": Route(
        AGENCY,
        kwargs=_petition("p_waiting"),
        write=lambda b: {"to_unit": b.ubnd.pk, "forwarded_on": "19/03/2026", "reason": "Thẩm quyền"},
    ),  # fmt: skip
    "petitions:complex": Route(
        AGENCY,
        kwargs=_petition("p_waiting"),
        write=lambda b: {
            "notified_on": "19/03/2026",
            "new_target_on": "30/06/2026",
            "reason": "Cần xác minh",
            "letter": pdf(),
        },
    ),  # fmt: skip
    "petitions:close": Route(
        EDITORS,
        kwargs=_petition("p_replied"),
        method="POST",
        write=lambda b: {"reason": "Đã giải quyết xong"},
        ok=302,
        ok_location=lambda b: b.p_replied.get_absolute_url(),
    ),  # fmt: skip
    "petitions:withdraw": Route(
        EDITORS,
        kwargs=_petition("open_petition"),
        method="POST",
        write=lambda b: {"reason": "Nhập nhầm"},
        ok=302,
        ok_location=lambda b: b.open_petition.get_absolute_url(),
    ),  # fmt: skip
    "petitions:receipt": Route(EDITORS, kwargs=_petition("p_waiting")),
    "petitions:protect": Route(
        EDITORS,
        kwargs=_petition("p_waiting"),
        method="POST",
        write=lambda b: {"protected": "0"},
        post_ok=lambda b: {"protected": "1"},
        ok=302,
        ok_location=lambda b: b.p_waiting.get_absolute_url(),
    ),  # fmt: skip
    "petitions:publish": Route(
        EDITORS, kwargs=_petition("p_replied"), write=lambda b: {"question": "Kiến nghị", "answer": "Trả lời mới"}
    ),
    "petitions:unpublish": Route(
        EDITORS,
        kwargs=_petition("p_replied"),
        method="POST",
        write=lambda b: {"reason": "Rà soát lại"},
        post_ok=lambda b: {"reason": ""},
        ok=302,
        ok_location=lambda b: b.p_replied.get_absolute_url(),
    ),  # fmt: skip
    "petitions:supplementary_request": Route(
        EDITORS,
        kwargs=_petition("p_reopened"),
        method="POST",
        write=lambda b: {"reason": "Đề nghị bổ sung phương án bồi thường"},
        ok=302,
        ok_location=lambda b: b.p_reopened.get_absolute_url(),
    ),  # fmt: skip
    "petitions:contribute": Route(
        AGENCY,
        kwargs=lambda b, role: {"pk": b.coordination.pk},
        write=lambda b: {"contributed_on": "19/03/2026", "contribution": "Sở thống nhất phương án"},
    ),  # fmt: skip
    "petitions:forward_petitioner_letter": Route(VISIBLE, kwargs=lambda b, role: {"pk": b.forwarding.pk}),
    "petitions:forward_told": Route(
        AGENCY,
        kwargs=lambda b, role: {"pk": b.forwarding.pk},
        method="POST",
        write=lambda b: {"told_on": "19/03/2026", "number": "05/SNN-VP"},
        ok=302,
        ok_location=lambda b: b.p_forwarded.get_absolute_url(),
    ),  # fmt: skip
    "petitions:contribution_letter": Route(VISIBLE, kwargs=lambda b, role: {"pk": b.contribution.pk}),
    "petitions:reply_letter": Route(VISIBLE, kwargs=lambda b, role: {"pk": b.reply.pk}),
    "petitions:forward_letter": Route(VISIBLE, kwargs=lambda b, role: {"pk": b.forwarding.pk}),
    "petitions:complex_letter": Route(VISIBLE, kwargs=lambda b, role: {"pk": b.complex_notice.pk}),
    # The heads' cycle: plans, conclusions and commitments, reports to the head --------------------
    "plans:list": Route(ALL, cases=("none",), query=lambda b, role: {"year": "2026", "state": "issued"}),
    "plans:create": Route(EDITORS, cases=("none",), write=lambda b: {"unit": b.ubnd.pk, "year": "2027"}),
    "plans:detail": Route(AREA, kwargs=lambda b, role: {"pk": b.plan.pk}),
    "plans:item_add": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.plan.pk},
        write=lambda b: {"topic": "Đối thoại", "expected_month": "9", "chair": b.leader.pk, "invited": ["people"]},
    ),  # fmt: skip
    "plans:issue": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.draft_plan.pk},
        write=lambda b: {"number": "3-KH", "issued_on": "19/03/2026"},
    ),  # fmt: skip
    "plans:signed_file": Route(AREA, kwargs=lambda b, role: {"pk": b.plan.pk}),
    "plans:signed_upload": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.plan.pk},
        method="POST",
        write=lambda b: {"signed_file": pdf("moi.pdf")},
        ok=302,
        ok_location=lambda b: b.plan.get_absolute_url(),
    ),  # fmt: skip
    "plans:item_withdraw": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.planned_open.pk},
        method="POST",
        write=lambda b: {"reason": "Không tổ chức"},
        ok=302,
        ok_location=lambda b: b.plan.get_absolute_url(),
    ),  # fmt: skip
    "commitments:list": Route(ALL, cases=("none",), query=lambda b, role: {"state": "done"}),
    "commitments:detail": Route(VISIBLE, kwargs=lambda b, role: {"pk": b.item_done.pk}),
    "commitments:complete": Route(
        frozenset({"staff", "agency", "admin"}),
        kwargs=lambda b, role: {"pk": b.item_open.pk},
        write=lambda b: {"done_on": "19/03/2026", "note": "Đã xong"},
    ),  # fmt: skip
    "commitments:withdraw": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.item_open.pk},
        method="POST",
        write=lambda b: {"reason": "Ghi nhầm"},
        ok=302,
        ok_location=lambda b: b.item_open.get_absolute_url(),
    ),  # fmt: skip
    "commitments:assess": Route(
        MONITOR,
        kwargs=lambda b, role: {"pk": b.item_done.pk},
        write=lambda b: {"result": "unsatisfied", "reason": "Chưa đạt", "assessed_on": "19/03/2026"},
    ),  # fmt: skip
    "commitments:evidence": Route(VISIBLE, kwargs=lambda b, role: {"pk": b.item_done.pk}),
    "sessions:item_add": Route(
        EDITORS,
        kwargs=_session("issued_session"),
        write=lambda b: {"kind": "commitment", "text": "Cam kết", "responsible_unit": b.agency.pk},
    ),  # fmt: skip
    "petitions:to_follow": Route(ALL, cases=("none",)),
    "petitions:direct": Route(
        frozenset({"staff", "leader", "admin"}),
        kwargs=_petition("p_replied"),
        write=lambda b: {"leader": b.leader.pk, "text": "Chỉ đạo", "given_on": "19/03/2026"},
    ),  # fmt: skip
    "reports:head_scorecard": Route(DASHBOARD, kwargs=lambda b, role: {"pk": b.leader.pk}),
    # A head goes to their own scorecard, anyone else with dashboards to the register of heads.
    "reports:my_scorecard": Route(
        DASHBOARD,
        cases=("none",),
        expect=lambda role, case: (
            (302, reverse("login"))
            if role == "anonymous"
            else (404, None)
            if role == "agency"
            else (302, "/bao-cao/nguoi-dung-dau/")
            if role == "leader"
            else (302, "/bao-cao/danh-sach/heads_bound/")
        ),
    ),  # fmt: skip
    "reports:figure[head]": Route(
        DASHBOARD,
        kwargs=lambda b, role: {"key": "items_total"},
        query=lambda b, role: {**_unit_query(b, role), "head": b.leader.pk},
    ),  # fmt: skip
    "reports:figure[heads_bound]": Route(
        DASHBOARD,
        kwargs=lambda b, role: {"key": "heads_bound"},
        query=lambda b, role: {**_unit_query(b, role), "format": "xlsx"},
    ),  # fmt: skip
    "reports:figure[planned]": Route(
        DASHBOARD, kwargs=lambda b, role: {"key": "planned_items"}, query=_unit_query
    ),  # fmt: skip
    "reports:figure[directions]": Route(
        DASHBOARD, kwargs=lambda b, role: {"key": "directions_given"}, query=_unit_query
    ),  # fmt: skip
    # Notifications: only ever one's own (the administrator included) ---------------------------
    "notifications:list": Route(ALL, cases=("none",)),
    "notifications:open": Route(
        ALL,
        kwargs=lambda b, role: {"pk": b.notifications[role].pk},
        admin_sees_foreign=False,
        ok=302,
        ok_location=lambda b: b.p_waiting.get_absolute_url(),
    ),  # fmt: skip
    "notifications:read": Route(
        ALL,
        kwargs=lambda b, role: {"pk": b.notifications[role].pk},
        method="POST",
        write=lambda b: {},
        admin_sees_foreign=False,
        ok=302,
        ok_location=lambda b: reverse("notifications:list"),
    ),  # fmt: skip
    "notifications:read_all": Route(
        ALL, method="POST", cases=("none",), ok=302, ok_location=lambda b: reverse("notifications:list")
    ),
    # One's own choice of delivery per topic (issue 15).
    "notifications:preferences": Route(ALL, cases=("none",)),
    # Dashboards, reports, exports: the unit in the query is the object -----------------------
    "reports:dashboard": Route(DASHBOARD, query=_unit_query),
    "reports:dashboard[xlsx]": Route(DASHBOARD, query=lambda b, role: {**_unit_query(b, role), "format": "xlsx"}),
    "reports:figure": Route(DASHBOARD, kwargs=lambda b, role: {"key": "petitions_received"}, query=_unit_query),
    "reports:figure[xlsx]": Route(
        DASHBOARD,
        kwargs=lambda b, role: {"key": "petitions_received"},
        query=lambda b, role: {**_unit_query(b, role), "format": "xlsx"},
    ),  # fmt: skip
    # ``by_unit`` narrows a list already cut to the user's scope (a petition may be assigned to
    # a unit outside the tree): another province's unit gives an empty list, not its rows.
    "reports:figure[by_unit]": Route(
        DASHBOARD,
        kwargs=lambda b, role: {"key": "petitions_received"},
        query=lambda b, role: {"unit": "", "by_unit": b.ubnd.pk, "kind": "year", "year": "2026"},
        expect=lambda role, case: (
            (302, reverse("login")) if role == "anonymous" else (200 if role in DASHBOARD else 404, None)
        ),
    ),  # fmt: skip
    # The predecessors' view (issue 18) is a parameter of the same pages: the unit in the query
    # still decides, a foreign unit answers 404 (tests/reports/test_predecessors.py checks the
    # predecessors' rows of a successor).
    "reports:dashboard[predecessors]": Route(
        DASHBOARD, query=lambda b, role: {**_unit_query(b, role), "predecessors": "1"}
    ),  # fmt: skip
    "reports:figure[predecessors]": Route(
        DASHBOARD,
        kwargs=lambda b, role: {"key": "sessions_held"},
        query=lambda b, role: {**_unit_query(b, role), "predecessors": "1"},
    ),  # fmt: skip
    "reports:periodic": Route(DASHBOARD, kwargs=lambda b, role: {"fmt": "docx"}, query=_unit_query),
    "reports:periodic[xlsx]": Route(DASHBOARD, kwargs=lambda b, role: {"fmt": "xlsx"}, query=_unit_query),
    # Periodic reports that travel up the hierarchy -------------------------------------------
    "reports:report_list": Route(DASHBOARD, cases=("none",)),
    "reports:report_list[inbox]": Route(DASHBOARD, cases=("none",), query=lambda b, role: {"box": "inbox"}),
    "reports:report_create": Route(
        EDITORS, cases=("none",), write=lambda b: {"unit": b.party.pk, "kind": "6m", "year": "2025"}
    ),
    "reports:report_detail": Route(DASHBOARD, kwargs=lambda b, role: {"pk": b.report.pk}),
    "reports:report_edit": Route(
        EDITORS, kwargs=lambda b, role: {"pk": b.report_draft.pk}, write=lambda b: {"subject": "Đổi trích yếu"}
    ),
    "reports:report_issue": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.report_draft.pk},
        write=lambda b: {"number": "5", "symbol": "BC/TU", "issued_on": "19/03/2026"},
    ),  # fmt: skip
    "reports:report_download": Route(DASHBOARD, kwargs=lambda b, role: {"pk": b.report.pk, "fmt": "docx"}),
    "reports:report_download[xlsx]": Route(DASHBOARD, kwargs=lambda b, role: {"pk": b.report.pk, "fmt": "xlsx"}),
    "reports:report_signed_upload": Route(
        EDITORS,
        kwargs=lambda b, role: {"pk": b.report.pk},
        method="POST",
        write=lambda b: {"signed_file": pdf("bc-moi.pdf")},
        ok=302,
        ok_location=lambda b: b.report.get_absolute_url(),
    ),  # fmt: skip
    "reports:report_signed_file": Route(DASHBOARD, kwargs=lambda b, role: {"pk": b.report.pk}),
    # The report went to the party committee: its office (staff) and heads mark the receipt.
    "reports:report_received": Route(
        frozenset({"staff", "leader", "admin"}),
        kwargs=lambda b, role: {"pk": b.report.pk, "recipient_pk": b.report_recipient.pk},
        method="POST",
        write=lambda b: {f"r{b.report_recipient.pk}-received_on": "16/03/2026"},
        post_ok=lambda b: {f"r{b.report_recipient.pk}-received_on": "không phải ngày"},
        ok=302,
        ok_location=lambda b: b.report.get_absolute_url(),
        cases=(*OBJECT_CASES, "mixed"),
    ),  # fmt: skip
    "reports:compilation": Route(COMPILERS, query=lambda b, role: {"unit": b.area.pk, "kind": "year", "year": "2025"}),
    "reports:compilation[xlsx]": Route(
        COMPILERS, query=lambda b, role: {"unit": b.area.pk, "kind": "year", "year": "2025", "format": "xlsx"}
    ),
    "reports:compilation_create": Route(
        frozenset({"staff", "board", "admin"}),
        method="POST",
        write=lambda b: {"unit": b.area.pk, "kind": "year", "year": "2025", "issuing_unit": b.party.pk},
        post_ok=lambda b: {"unit": b.area.pk, "kind": "year", "year": "2025", "issuing_unit": b.party.pk},
        ok=302,
    ),  # fmt: skip
    "reports:calendar": Route(DASHBOARD, cases=("none",)),
    # Front monitor --------------------------------------------------------------------------
    "reports:monitor_sessions": Route(MONITOR, cases=("none",)),
    "reports:monitor_sessions[xlsx]": Route(MONITOR, cases=("none",), query=lambda b, role: {"format": "xlsx"}),
    "reports:monitor_petitions": Route(MONITOR, cases=("none",), query=lambda b, role: {"status": "replied"}),
    "reports:monitor_petitions[xlsx]": Route(MONITOR, cases=("none",), query=lambda b, role: {"format": "xlsx"}),
    "reports:monitor_replies": Route(MONITOR, cases=("none",)),
    "reports:monitor_replies[xlsx]": Route(MONITOR, cases=("none",), query=lambda b, role: {"format": "xlsx"}),
    "reports:monitor_petition": Route(MONITOR, kwargs=_petition("p_replied")),
    "reports:monitor_note_add": Route(
        MONITOR, kwargs=_petition("p_replied"), write=lambda b: {"text": "Ý kiến giám sát"}
    ),
    "reports:monitor_assess": Route(
        MONITOR,
        kwargs=lambda b, role: {"reply_pk": b.reply.pk},
        write=lambda b: {"result": "unsatisfied", "reason": "Chưa thỏa đáng", "assessed_on": "19/03/2026"},
    ),  # fmt: skip
    # Operations: the status page is the administrators'; the monitoring endpoints answer by
    # address or token, not by user (the test client is on loopback, which is allowed; outsiders
    # get 404: tests/ops/test_health.py). Liveness is open to anybody.
    "ops:status": Route(frozenset({"admin"}), cases=("none",)),
    "ops:liveness": Route(ALL, cases=("none",), expect=lambda role, case: (200, None)),
    "ops:readiness": Route(ALL, cases=("none",), expect=lambda role, case: (200, None)),
    "ops:metrics": Route(ALL, cases=("none",), expect=lambda role, case: (200, None)),
}

ROUTES.update(
    {
        # Public pages: no login, any province's object, never a petitioner -------------------
        "public:lookup": Route(ALL, cases=("none",), public=True, sees_protected=frozenset(), expect=_public()),
        # A wrong or nonexistent code answers 200 with the same "not found" page.
        "public:lookup[code]": Route(
            ALL,
            query=lambda b, role: {"ma": b.p_waiting.receipt_code},
            public=True,
            sees_protected=frozenset(),
            expect=_public(200),
        ),  # fmt: skip
        "public:index": Route(ALL, cases=("none",), public=True, sees_protected=frozenset(), expect=_public()),
        "public:session": Route(
            ALL, kwargs=_session("issued_session"), public=True, sees_protected=frozenset(), expect=_public()
        ),
        "public:unit": Route(
            ALL, kwargs=lambda b, role: {"pk": b.ubnd.pk}, public=True, sees_protected=frozenset(), expect=_public()
        ),
        # Off unless the province switches the public figures on (PUBLIC_FIGURES).
        "public:figures": Route(
            ALL,
            kwargs=lambda b, role: {"pk": b.ubnd.pk},
            public=True,
            sees_protected=frozenset(),
            expect=lambda role, case: (404, None),
        ),  # fmt: skip
    }
)

# The admin site: every page of the site itself is listed; a registered model's pages are
# checked generically (changelist, add, change, history, delete and the bare object URL).
ADMIN_SITE_NAMES = {
    "admin:index", "admin:login", "admin:logout", "admin:password_change", "admin:password_change_done",
    "admin:autocomplete", "admin:jsi18n", "admin:view_on_site", "admin:app_list",
}  # fmt: skip
ADMIN_MODEL_ACTIONS = ("changelist", "add", "change", "history", "delete")
ADMIN_EXTRA_MODEL_NAMES = {"admin:auth_user_password_change"}


# ---------------------------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}".strip(":") if p.name else None
            yield name, prefix + str(p.pattern)


def discovered_patterns() -> list[tuple[str | None, str]]:
    return list(_walk(get_resolver().url_patterns))


def _admin_prefix() -> str:
    return reverse("admin:index").lstrip("/")


def _is_covered(name: str | None, route: str) -> bool:
    table_names = {key.split("[")[0] for key in ROUTES}
    if name in table_names or name in ADMIN_SITE_NAMES or name in ADMIN_EXTRA_MODEL_NAMES:
        return True
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    if name and name.startswith("admin:") and name.endswith("_simple_history"):
        # A model's historical version (SimpleHistoryAdmin), checked with the model's pages.
        return name[len("admin:") : -len("_simple_history")] in registered
    if name and name.startswith("admin:"):
        stem, _, action = name[len("admin:") :].rpartition("_")
        return stem in registered and action in ADMIN_MODEL_ACTIONS
    prefix = _admin_prefix()
    if name is None and route.startswith(prefix):
        rest = route[len(prefix) :]
        if rest == "(?P<url>.*)$":  # the admin's catch-all
            return True
        match = re.fullmatch(r"([\w]+)/([\w]+)/<path:object_id>/", rest)
        return bool(match) and f"{match[1]}_{match[2]}" in registered
    return False


def test_every_url_pattern_is_in_the_access_matrix():
    missing = [
        f"{name or '(unnamed)'} {route}" for name, route in discovered_patterns() if not _is_covered(name, route)
    ]
    assert not missing, "new URL not in the access matrix: " + "; ".join(missing)
    names = {name for name, _ in discovered_patterns()}
    stale = sorted({key.split("[")[0] for key in ROUTES} - names)
    assert not stale, f"the access matrix lists URLs that no longer exist: {stale}"


# ---------------------------------------------------------------------------------------------
# Running the matrix
# ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    checked: int = 0
    leaks: list = field(default_factory=list)
    mismatches: list = field(default_factory=list)


def _text_of(response) -> str:
    """What a person would read in the answer: the page, or the cells of a workbook, or the
    paragraphs and tables of a document."""
    if getattr(response, "streaming", False):
        return ""
    content_type = response.get("Content-Type", "")
    body = response.content
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    if "wordprocessingml" in content_type:
        from docx import Document

        doc = Document(io.BytesIO(body))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return " ".join([p.text for p in doc.paragraphs] + cells)
    if content_type.startswith("text/") or "json" in content_type:
        return body.decode("utf-8", "replace")
    return ""


class Matrix:
    def __init__(self, world):
        self.world = world
        self.outcome = Outcome()
        self.clients: dict[str, Client] = {}

    def client(self, role) -> Client:
        if role not in self.clients:
            client = Client(raise_request_exception=True)
            if self.world.users[role] is not None:
                client.force_login(self.world.users[role])
            self.clients[role] = client
        return self.clients[role]

    def forget(self, role):
        self.clients.pop(role, None)

    def request(self, role, method, url, data=None):
        try:
            response = getattr(self.client(role), method.lower())(url, data or {})
        except Exception as exc:
            return None, f"500 {type(exc).__name__}: {exc}"
        return response, None

    def check(
        self, label, role, method, url, expected, data=None, *, foreign_text_allowed=False, protected_allowed=True
    ):
        status, location = expected
        before = (
            fingerprint() if method == "POST" and status != 200 and not (status == 302 and location is None) else None
        )
        refusal = status in (403, 404) or (status == 302 and location is not None and _is_login(location))
        response, crash = self.request(role, method, url, data)
        self.outcome.checked += 1
        where = f"{label} {method} {url} as {role}"
        if crash:
            self.outcome.mismatches.append(f"{where}: expected {status}, got {crash}")
            return
        got = response.status_code
        got_location = response.get("Location", "")
        if refusal and 200 <= got < 300:
            self.outcome.leaks.append(f"{where}: expected {status}, got {got}")
        elif got != status or (location is not None and not got_location.startswith(location)):
            self.outcome.mismatches.append(f"{where}: expected {status} {location or ''}, got {got} {got_location}")
        if refusal and before is not None and fingerprint() != before:
            self.outcome.leaks.append(f"{where}: a refused request changed the database")
        text = _text_of(response) if got == 200 else ""
        if not foreign_text_allowed and FOREIGN_MARKER in text:
            self.outcome.leaks.append(f"{where}: the answer shows another province's data")
        if not protected_allowed and PROTECTED_MARKER.lower() in text.lower():
            self.outcome.leaks.append(f"{where}: the answer shows a protected petitioner")
        if label.startswith("logout") or "logout" in url:
            self.forget(role)


def _is_login(location: str) -> bool:
    return location.startswith((reverse("login"), reverse("admin:login")))


def _bundle(world, case):
    return {"own": world.own, "none": world.own, "foreign": world.foreign, "missing": world.missing}.get(case)


def _expected(route: Route, role: str, case: str, bundle) -> tuple[int, str | None]:
    if route.expect:
        return route.expect(role, case)
    if role == "anonymous":
        return 302, reverse("login")
    if case == "missing":
        return 404, None
    if case == "mixed" or (case == "foreign" and not (role == "admin" and route.admin_sees_foreign)):
        return 404, None
    if role in route.allowed:
        return route.ok, (route.ok_location(bundle) if route.ok_location else None)
    return 404, None


def _kwargs(route, world, role, case):
    if case == "mixed":  # own parent, foreign child: must not be reachable through the parent
        own, foreign = route.kwargs(world.own, role), route.kwargs(world.foreign, role)
        return {**own, list(own)[-1]: foreign[list(own)[-1]]}
    return route.kwargs(_bundle(world, case), role)


def _url(name, kwargs, query):
    from urllib.parse import urlencode

    url = reverse(name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


def _query(route, world, role, case):
    if route.query is None:
        return None
    if case == "missing" and route.kwargs(world.own, role) == route.kwargs(world.missing, role):
        # The object is the unit in the query.
        return route.query(world.missing, role)
    return route.query(_bundle(world, case) if case != "mixed" else world.own, role)


def run_project_routes(matrix: Matrix, roles=ROLES):
    world = matrix.world
    for key, route in ROUTES.items():
        name = key.split("[")[0]
        for case in route.cases:
            for role in roles:
                bundle = _bundle(world, case) if case != "mixed" else world.own
                url = _url(name, _kwargs(route, world, role, case), _query(route, world, role, case))
                expected = _expected(route, role, case, bundle)
                allowed = expected[0] == route.ok and role in route.allowed and route.expect is None
                foreign_ok = role == "admin" or route.public
                protected_ok = role in route.sees_protected
                if route.method == "POST":
                    payload = (
                        (route.post_ok(bundle) if route.post_ok else {})
                        if allowed or route.expect
                        else (route.write(bundle) if route.write else {})
                    )
                    matrix.check(
                        key, role, "POST", url, expected, payload,
                        foreign_text_allowed=foreign_ok, protected_allowed=protected_ok,
                    )  # fmt: skip
                    continue
                matrix.check(
                    key, role, "GET", url, expected, foreign_text_allowed=foreign_ok, protected_allowed=protected_ok
                )
                if route.write and not allowed:
                    # A refused role posting valid input: still refused, nothing written.
                    status = 302 if role == "anonymous" else 404
                    location = reverse("login") if role == "anonymous" else None
                    matrix.check(key, role, "POST", url, (status, location), route.write(bundle))


def _admin_expected(role, superuser_answer):
    if role == "admin":
        return superuser_answer
    return 302, reverse("admin:login")


def run_admin_routes(matrix: Matrix):
    """Nobody but the superuser reaches the admin; the superuser gets each page."""
    from django.test import RequestFactory

    world = matrix.world
    request = RequestFactory().get("/")
    request.user = world.users["admin"]
    index = reverse("admin:index")
    ct = ContentType.objects.get_for_model(world.own.p_waiting)
    site_pages = [
        ("admin:index", {}, "GET", (200, None)),
        ("admin:password_change", {}, "GET", (200, None)),
        ("admin:password_change_done", {}, "GET", (200, None)),
        ("admin:autocomplete", {}, "GET", (403, None)),  # without its parameters
        ("admin:jsi18n", {}, "GET", (200, None)),
        ("admin:view_on_site", {"content_type_id": ct.pk, "object_id": world.own.p_waiting.pk}, "GET", (302, None)),
        ("admin:view_on_site", {"content_type_id": ct.pk, "object_id": MISSING_PK}, "GET", (404, None)),
    ]
    for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
        site_pages.append(("admin:app_list", {"app_label": app_label}, "GET", (200, None)))
    for name, kwargs, method, superuser in site_pages:
        for role in ROLES:
            matrix.check(
                name,
                role,
                method,
                reverse(name, kwargs=kwargs),
                _admin_expected(role, superuser),
                foreign_text_allowed=True,
            )
    # Login, logout and the catch-all behave differently by design.
    for role in ROLES:
        login = (302, index) if role == "admin" else (200, None)
        matrix.check("admin:login", role, "GET", reverse("admin:login"), login, foreign_text_allowed=True)
        matrix.check("admin:catch_all", role, "GET", f"{index}khong-co/", _admin_expected(role, (404, None)))
    for role in ROLES:  # logging out is harmless for anybody: a redirect
        matrix.check("admin:logout", role, "POST", reverse("admin:logout"), (302, None))
        matrix.forget(role)

    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the access matrix world has no {model._meta.label} to open in the admin"
        may = {
            "add": model_admin.has_add_permission(request),
            "change": model_admin.has_view_or_change_permission(request, obj),
            "delete": model_admin.has_delete_permission(request, obj),
        }
        pages = [
            (f"{info}_changelist", {}, (200, None)),
            (f"{info}_add", {}, (200, None) if may["add"] else (403, None)),
            (f"{info}_change", {"object_id": obj.pk}, (200, None) if may["change"] else (403, None)),
            (f"{info}_history", {"object_id": obj.pk}, (200, None)),
            (f"{info}_delete", {"object_id": obj.pk}, (200, None) if may["delete"] else (403, None)),
            (f"{info}_change", {"object_id": MISSING_PK}, (302, index)),
            # simple-history's history page answers 404 for a missing object, the admin's redirects.
            (
                f"{info}_history",
                {"object_id": MISSING_PK},
                (404, None) if isinstance(model_admin, SimpleHistoryAdmin) else (302, index),
            ),
            # The admin refuses a delete before it looks the object up (nothing is hard-deleted).
            (f"{info}_delete", {"object_id": MISSING_PK}, (302, index) if may["delete"] else (403, None)),
        ]
        if model is type(world.users["admin"]):
            pages += [
                ("admin:auth_user_password_change", {"id": obj.pk}, (200, None)),
                ("admin:auth_user_password_change", {"id": MISSING_PK}, (404, None)),
            ]
        bare = f"{reverse(f'{info}_changelist')}{obj.pk}/"
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = obj.history.order_by("pk").first()
            for role in ROLES:
                matrix.check(
                    f"{info}_simple_history",
                    role,
                    "GET",
                    reverse(f"{info}_simple_history", args=[obj.pk, version.pk]),
                    _admin_expected(role, (200, None)),
                    foreign_text_allowed=True,
                )
        for role in ROLES:
            for name, kwargs, superuser in pages:
                matrix.check(
                    name,
                    role,
                    "GET",
                    reverse(name, kwargs=kwargs),
                    _admin_expected(role, superuser),
                    foreign_text_allowed=True,
                )
            matrix.check(
                f"{info} (bare)", role, "GET", bare, _admin_expected(role, (302, None)), foreign_text_allowed=True
            )
            if role != "admin":
                # A refused delete or change by POST writes nothing.
                matrix.check(
                    f"{info}_delete", role, "POST", reverse(f"{info}_delete", kwargs={"object_id": obj.pk}),
                    (302, reverse("admin:login")), {"post": "yes"},
                )  # fmt: skip


def _admin_world(world):
    """One row of every model the admin shows that the services do not create themselves."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from ops.models import JobRun
    from regulations.models import CalendarDay

    Group.objects.get_or_create(name="Cán bộ")
    interval, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    CrontabSchedule.objects.get_or_create(minute="0", hour="7")
    SolarSchedule.objects.get_or_create(event="sunrise", latitude=20.8, longitude=105.3)
    ClockedSchedule.objects.get_or_create(clocked_time=timezone.now())
    if not PeriodicTask.objects.exists():
        PeriodicTask.objects.create(name="matrix", task="petitions.tasks.noop", interval=interval)
    if not CalendarDay.objects.exists():
        CalendarDay.objects.create(day="2026-04-30", kind=CalendarDay._meta.get_field("kind").choices[0][0])
    # Every periodic job ran a moment ago (the readiness endpoint is green, the admin lists a run).
    for task in set(PeriodicTask.objects.values_list("task", flat=True)):
        JobRun.objects.create(job=task, started=timezone.now(), finished=timezone.now(), outcome="success")
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", user_agent="t", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t")


# The roles in two halves, each its own test on its own world, so that two test processes share
# the work; the administrator's half also walks the admin.
ROLE_HALVES = {"area": ("anonymous", "staff", "leader", "front"), "others": ("agency", "board", "admin")}


@pytest.mark.parametrize("half", list(ROLE_HALVES))
def test_access_matrix_every_url_every_role_every_object(province, settings, half):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
    settings.PUBLIC_LOOKUP_LIMIT = 10_000  # the rate limit has its own tests (tests/public)
    with frozen_clock():
        world = build_world(province)
        _admin_world(world)
        matrix = Matrix(world)
        run_project_routes(matrix, ROLE_HALVES[half])
        if "admin" in ROLE_HALVES[half]:
            run_admin_routes(matrix)
        # The search for the protected petitioner is not vacuous: the organising unit's staff
        # read the name on the petition page and in the export, the agency does not.
        detail = reverse("petitions:detail", args=[world.own.p_waiting.pk])
        assert PROTECTED_MARKER in matrix.client("staff").get(detail).content.decode()
        assert PROTECTED_MARKER not in matrix.client("agency").get(detail).content.decode()
        assert "Người kiến nghị được bảo vệ danh tính" in matrix.client("agency").get(detail).content.decode()
    outcome = matrix.outcome
    print(f"\naccess matrix: {outcome.checked} (URL, role, object) cases checked, {len(outcome.leaks)} leaks")
    report = (
        f"{len(outcome.leaks)} leaks:\n" + "\n".join(outcome.leaks)
        + f"\n{len(outcome.mismatches)} unexpected answers:\n" + "\n".join(outcome.mismatches)
    )  # fmt: skip
    assert outcome.checked > 1000
    assert set(ROLES) == {role for roles in ROLE_HALVES.values() for role in roles}
    assert not outcome.leaks, report
    assert not outcome.mismatches, report
