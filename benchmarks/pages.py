"""Every page of the portal as a province-level user of each role opens it: the table the
benchmark measures, discovered from the URLconf like the access matrix
(``tests/security/test_access_matrix.py``).

Each URL name of the URLconf is either in ``PAGES`` (one entry per variant: with and without a
search or a filter, the XLSX export of a list, ...; the roles that open it; the objects of its
URL; for lists and dashboards the hand-written SQL baseline of ``benchmarks.baselines``) or in
``NOT_MEASURED`` with the reason (a POST-only action); the administrator's site is left out
(no province-level role opens it). A URL in neither fails ``tests/benchmarks/test_benchmark.py``:
adding a page means saying here how it is measured. Names are the access matrix's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Exists, OuterRef, Q
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from notifications.models import Notification, ObligationKind
from petitions.models import ComplexCaseNotice, Forwarding, Petition, PetitionStatus, WrittenReply
from sessions.models import ConclusionNotice, DialogueSession
from units.models import Leader, Role, Unit

from . import baselines as b

AREA = ("staff", "leader", "front", "board")
ALL = ("staff", "leader", "agency", "front", "board")
EDITORS = ("staff",)
AGENCY = ("agency",)
DASHBOARD = AREA
MONITOR = ("front",)

# Kinds, and the target of each (docs/PERFORMANCE.md, issue 16): every page ≤ 150 ms median
# server time; an export or document of a province ≤ 1 s; a list or a dashboard ≤ 1.5× its
# hand-written SQL baseline.
PAGE, FORM, LIST, DASHBOARD_KIND, EXPORT, DOCUMENT, FILE, REDIRECT = (
    "page", "form", "list", "dashboard", "export", "document", "file", "redirect",
)  # fmt: skip
TARGET_MS = {EXPORT: 1000.0, DOCUMENT: 1000.0}
DEFAULT_TARGET_MS = 150.0
TARGET_RATIO = 1.5

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Objects:
    """The objects of one province the measured URLs open, and its users (one per role)."""

    today: dt.date
    province: Unit
    commune: Unit
    agency: Unit
    users: dict[str, int]
    commune_staff: int
    issued_session: DialogueSession
    open_session: DialogueSession
    open_petition: Petition
    waiting_petition: Petition
    replied_petition: Petition
    reply: WrittenReply
    forwarding: Forwarding
    complex_notice: ComplexCaseNotice
    leader_id: int | None = None  # a head of the province
    pc_id: int | None = None  # the province's People's Committee (the public unit page)
    receipt_code: str = ""  # a forwarded petition's code (the public lookup)
    notifications: dict[int, int] = field(default_factory=dict)  # user id -> notification id
    current_user: int | None = None  # set by the runner before it builds a URL


@dataclass(frozen=True)
class Page:
    roles: tuple[str, ...]
    kind: str = PAGE
    kwargs: Callable[[Objects], dict] = lambda o: {}
    query: Callable[[Objects], dict] | None = None
    # (objects, role) -> a function running the baseline; lists and dashboards only
    baseline: Callable[[Objects, str], Callable[[], object]] | None = None
    status: int | tuple[int, ...] = 200
    note: str = ""

    @property
    def target_ms(self) -> float:
        return TARGET_MS.get(self.kind, DEFAULT_TARGET_MS)


def _pk(attr):
    return lambda o: {"pk": getattr(o, attr).pk}


def _scope_unit(o: Objects, role: str) -> Unit:
    return o.agency if role == "agency" else o.province


def _petitions(**filters):
    return lambda o, role: (
        lambda: b.petition_list(_scope_unit(o, role), agency=role == "agency", today=o.today, **filters)
    )


def _sessions(**filters):
    return lambda o, role: (
        lambda: b.session_list(_scope_unit(o, role), agency=role == "agency", today=o.today, **filters)
    )


def _dashboard(o, role):
    from .cases import dashboard_baseline

    return lambda: dashboard_baseline(o.province, o.today)


def _commune_dashboard(o, role):
    from .cases import dashboard_baseline

    return lambda: dashboard_baseline(o.commune, o.today)


SEARCH = "sat lo"  # issue 15: the search that used to find nothing without diacritics
SESSION_SEARCH = "doi thoai moi truong"
UNIT = lambda o: {"unit": o.province.pk}  # noqa: E731


def _figure(key):
    return lambda o: {"key": key}


PAGES: dict[str, Page] = {
    # Project-wide ---------------------------------------------------------------------------
    "home": Page(ALL),
    "login": Page(("anonymous",), FORM),
    # Sessions -------------------------------------------------------------------------------
    "sessions:list": Page(ALL, LIST, baseline=_sessions()),
    "sessions:list[search]": Page(ALL, LIST, query=lambda o: {"q": SESSION_SEARCH}, baseline=_sessions(q=SESSION_SEARCH)),
    "sessions:list[notice overdue]": Page(
        ALL, LIST, query=lambda o: {"notice_state": "overdue"}, baseline=_sessions(notice_state="overdue")
    ),
    "sessions:create": Page(EDITORS, FORM),
    "sessions:detail": Page(ALL, kwargs=_pk("issued_session")),
    "sessions:edit": Page(EDITORS, FORM, kwargs=_pk("issued_session")),
    "sessions:minutes_file": Page(ALL, FILE, kwargs=_pk("issued_session")),
    "sessions:petitions": Page(EDITORS, FORM, kwargs=_pk("open_session")),
    "sessions:import_template": Page(EDITORS, DOCUMENT, kwargs=_pk("open_session")),
    "sessions:import": Page(EDITORS, FORM, kwargs=_pk("open_session")),
    "sessions:clarify": Page(
        EDITORS, FORM, kwargs=lambda o: {"pk": o.open_session.pk, "petition_pk": o.open_petition.pk}
    ),
    "sessions:notice_assign": Page(EDITORS, FORM, kwargs=_pk("open_session")),
    "sessions:notice_issue": Page(EDITORS, FORM, kwargs=_pk("open_session")),
    "sessions:notice_docx": Page(ALL, DOCUMENT, kwargs=_pk("issued_session")),
    "sessions:notice_signed_file": Page(ALL, FILE, kwargs=_pk("issued_session")),
    # Petitions ------------------------------------------------------------------------------
    "petitions:list": Page(ALL, LIST, baseline=_petitions()),
    "petitions:list[search]": Page(ALL, LIST, query=lambda o: {"q": SEARCH}, baseline=_petitions(q=SEARCH)),
    "petitions:list[overdue]": Page(ALL, LIST, query=lambda o: {"state": "overdue"}, baseline=_petitions(state="overdue")),
    "petitions:list[assigned]": Page(
        ALL, LIST, query=lambda o: {"status": "assigned"}, baseline=_petitions(status="assigned")
    ),
    "petitions:inbox": Page(AGENCY, LIST, baseline=lambda o, role: lambda: b.inbox(o.agency)),
    "petitions:detail": Page(ALL, kwargs=_pk("waiting_petition")),
    "petitions:reply": Page(AGENCY, FORM, kwargs=_pk("waiting_petition")),
    "petitions:reply_draft": Page(AGENCY, DOCUMENT, kwargs=_pk("waiting_petition")),
    "petitions:forward": Page(AGENCY, FORM, kwargs=_pk("waiting_petition")),
    "petitions:complex": Page(AGENCY, FORM, kwargs=_pk("waiting_petition")),
    "petitions:reply_letter": Page(AREA, FILE, kwargs=lambda o: {"pk": o.reply.pk}),
    "petitions:forward_letter": Page(AREA, FILE, kwargs=lambda o: {"pk": o.forwarding.pk}),
    "petitions:complex_letter": Page(AREA, FILE, kwargs=lambda o: {"pk": o.complex_notice.pk}),
    # Notifications ----------------------------------------------------------------------------
    "notifications:list": Page(ALL, LIST, baseline=lambda o, role: lambda: b.notification_list(o.users[role])),
    "notifications:preferences": Page(ALL, FORM),
    "notifications:open": Page(
        ALL, REDIRECT, kwargs=lambda o: {"pk": o.notifications[o.current_user]}, status=302, note="marks read, redirects"
    ),
    # Dashboards, drill-downs, reports ---------------------------------------------------------
    "reports:dashboard": Page(DASHBOARD, DASHBOARD_KIND, query=UNIT, baseline=_dashboard),
    "reports:dashboard[commune]": Page(
        ("commune staff",), DASHBOARD_KIND, query=lambda o: {"unit": o.commune.pk}, baseline=_commune_dashboard
    ),
    "reports:dashboard[xlsx]": Page(DASHBOARD, EXPORT, query=lambda o: {**UNIT(o), "format": "xlsx"}),
    "reports:figure": Page(
        DASHBOARD,
        LIST,
        kwargs=_figure("petitions_overdue"),
        query=UNIT,
        baseline=lambda o, role: lambda: b.figure_petitions(o.province, o.today, condition=b.OVERDUE),
    ),
    "reports:figure[received]": Page(
        DASHBOARD,
        LIST,
        kwargs=_figure("petitions_received"),
        query=UNIT,
        baseline=lambda o, role: lambda: b.figure_petitions(o.province, o.today),
    ),
    "reports:figure[by_unit]": Page(
        DASHBOARD,
        LIST,
        kwargs=_figure("petitions_received"),
        query=lambda o: {**UNIT(o), "by_unit": o.agency.pk},
        baseline=lambda o, role: lambda: b.figure_petitions(o.province, o.today, by_unit=o.agency.pk),
    ),
    "reports:figure[sessions]": Page(
        DASHBOARD,
        LIST,
        kwargs=_figure("sessions_held"),
        query=UNIT,
        baseline=lambda o, role: lambda: b.figure_sessions(o.province, o.today),
    ),
    "reports:figure[units]": Page(
        DASHBOARD,
        LIST,
        kwargs=_figure("r1_missing"),
        query=UNIT,
        baseline=lambda o, role: lambda: b.figure_units_missing(o.province, o.today),
    ),
    "reports:figure[xlsx]": Page(
        DASHBOARD, EXPORT, kwargs=_figure("petitions_received"), query=lambda o: {**UNIT(o), "format": "xlsx"}
    ),
    "reports:periodic": Page(DASHBOARD, DOCUMENT, kwargs=lambda o: {"fmt": "docx"}, query=UNIT),
    "reports:periodic[xlsx]": Page(DASHBOARD, EXPORT, kwargs=lambda o: {"fmt": "xlsx"}, query=UNIT),
    # Front monitor ------------------------------------------------------------------------------
    "reports:monitor_sessions": Page(
        MONITOR, LIST, baseline=lambda o, role: lambda: b.session_list(o.province, agency=False, today=o.today, limit=b.REPORT_PAGE)
    ),
    "reports:monitor_sessions[xlsx]": Page(MONITOR, EXPORT, query=lambda o: {"format": "xlsx"}),
    "reports:monitor_petitions": Page(MONITOR, LIST, baseline=lambda o, role: lambda: b.monitor_petitions(o.province)),
    "reports:monitor_petitions[search]": Page(
        MONITOR, LIST, query=lambda o: {"q": SEARCH}, baseline=lambda o, role: lambda: b.monitor_petitions(o.province, q=SEARCH)
    ),
    "reports:monitor_petitions[xlsx]": Page(MONITOR, EXPORT, query=lambda o: {"format": "xlsx"}),
    "reports:monitor_replies": Page(MONITOR, LIST, baseline=lambda o, role: lambda: b.monitor_replies(o.province)),
    "reports:monitor_replies[search]": Page(
        MONITOR, LIST, query=lambda o: {"q": SEARCH}, baseline=lambda o, role: lambda: b.monitor_replies(o.province, q=SEARCH)
    ),
    "reports:monitor_replies[xlsx]": Page(MONITOR, EXPORT, query=lambda o: {"format": "xlsx"}),
    "reports:monitor_petition": Page(MONITOR, kwargs=_pk("replied_petition")),
    "reports:monitor_note_add": Page(MONITOR, FORM, kwargs=_pk("replied_petition")),
    "reports:monitor_assess": Page(MONITOR, FORM, kwargs=lambda o: {"reply_pk": o.reply.pk}),
    # The citizen's side, follow-through, heads, periodic reports, operations (issues 10-20) -----
    "sessions:item_add": Page(EDITORS, FORM, kwargs=_pk("issued_session")),
    "petitions:receipt": Page(EDITORS, DOCUMENT, kwargs=_pk("waiting_petition")),
    "petitions:publish": Page(EDITORS, FORM, kwargs=_pk("replied_petition")),
    "petitions:forward_petitioner_letter": Page(AREA, DOCUMENT, kwargs=lambda o: {"pk": o.forwarding.pk}),
    "petitions:to_follow": Page(ALL, note="the heads' list of replies to follow (small: the replies of the last weeks)"),
    "plans:list": Page(ALL, note="annual plans of the area (one a unit a year)"),
    "plans:create": Page(EDITORS, FORM),
    "commitments:list": Page(ALL, note="conclusion items (none in the dataset yet)"),
    "reports:head_scorecard": Page(DASHBOARD, kwargs=lambda o: {"pk": o.leader_id}),
    "reports:my_scorecard": Page(DASHBOARD, REDIRECT, status=302, note="not a head: sent to the register of heads"),
    "reports:report_list": Page(DASHBOARD, note="periodic reports (none in the dataset yet)"),
    "reports:report_list[inbox]": Page(DASHBOARD, query=lambda o: {"box": "inbox"}),
    "reports:report_create": Page(EDITORS, FORM),
    "reports:compilation": Page(
        ("staff", "board"), query=lambda o: {"unit": o.province.pk, "kind": "year", "year": str(o.today.year - 1)}
    ),
    "reports:compilation[xlsx]": Page(
        ("staff", "board"),
        EXPORT,
        query=lambda o: {"unit": o.province.pk, "kind": "year", "year": str(o.today.year - 1), "format": "xlsx"},
    ),
    "reports:calendar": Page(DASHBOARD),
    "ops:liveness": Page(("anonymous",)),
    # 503 when a scheduled job is late: the same checks either way (a reused dataset's jobs are).
    "ops:readiness": Page(("anonymous",), status=(200, 503)),
    "ops:metrics": Page(("anonymous",)),
    "public:lookup": Page(("anonymous",), FORM),
    "public:lookup[code]": Page(
        ("anonymous",), query=lambda o: {"ma": o.receipt_code}, baseline=lambda o, role: lambda: _lookup(o.receipt_code),
        note="a forwarded petition's code; the lookup's cache and rate limit off",
    ),
    "public:index": Page(("anonymous",)),
    "public:session": Page(("anonymous",), kwargs=_pk("issued_session")),
    "public:unit": Page(("anonymous",), kwargs=lambda o: {"pk": o.pc_id}),
    "public:figures": Page(("anonymous",), kwargs=lambda o: {"pk": o.pc_id}, status=404, note="off by default"),
}  # fmt: skip


def _lookup(code):
    from .cases import lookup_baseline

    return lookup_baseline(code)


NO_DATA = "not measured: the benchmark dataset has no {} yet"

NOT_MEASURED: dict[str, str] = {
    "logout": "POST only",
    "set_language": "POST only",
    "sessions:notice_signed_upload": "POST only",
    "sessions:recipient_received": "POST only",
    "sessions:withdraw": "POST only",
    "petitions:close": "POST only",
    "petitions:withdraw": "POST only",
    "notifications:read": "POST only",
    "notifications:read_all": "POST only",
    "sessions:no_notice": "POST only",
    "petitions:protect": "POST only",
    "petitions:unpublish": "POST only",
    "petitions:supplementary_request": "POST only",
    "petitions:forward_told": "POST only",
    "plans:signed_upload": "POST only",
    "plans:item_withdraw": "POST only",
    "commitments:withdraw": "POST only",
    "reports:report_signed_upload": "POST only",
    "reports:report_received": "POST only",
    "reports:compilation_create": "POST only (its drafting is measured as 'compiled report, drafted')",
    "ops:status": "administrators only (no province-level role opens it)",
    "petitions:direct": NO_DATA.format("head with a direction to give on a replied petition of the same level"),
    "petitions:contribute": NO_DATA.format("coordinating unit"),
    "petitions:contribution_letter": NO_DATA.format("coordinating unit"),
    "plans:detail": NO_DATA.format("annual plan"),
    "plans:item_add": NO_DATA.format("annual plan"),
    "plans:issue": NO_DATA.format("annual plan"),
    "plans:signed_file": NO_DATA.format("annual plan"),
    "commitments:detail": NO_DATA.format("conclusion item"),
    "commitments:complete": NO_DATA.format("conclusion item"),
    "commitments:assess": NO_DATA.format("conclusion item"),
    "commitments:evidence": NO_DATA.format("conclusion item"),
    "reports:report_detail": NO_DATA.format("periodic report"),
    "reports:report_edit": NO_DATA.format("periodic report"),
    "reports:report_issue": NO_DATA.format("periodic report"),
    "reports:report_download": NO_DATA.format("periodic report"),
    "reports:report_signed_file": NO_DATA.format("periodic report"),
}
ADMIN_NOTE = "the administrator's site (no province-level role opens it)"


# ---------------------------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}".strip(":") if p.name else None), prefix + str(p.pattern)


def discovered() -> list[tuple[str | None, str]]:
    """Every URL pattern of the URLconf (name, route), the administrator's site left out."""
    admin = reverse("admin:index").lstrip("/")
    return [(name, route) for name, route in _walk(get_resolver().url_patterns) if not route.startswith(admin)]


def missing_from_table() -> list[str]:
    """URL patterns neither measured nor explained: each fails the smoke test."""
    measured = {key.split("[")[0] for key in PAGES}
    return [
        f"{name or '(unnamed)'} {route}"
        for name, route in discovered()
        if name is None or (name not in measured and name not in NOT_MEASURED)
    ]


def stale_entries() -> list[str]:
    names = {name for name, _ in discovered()}
    return sorted({key.split("[")[0] for key in PAGES} - names) + sorted(set(NOT_MEASURED) - names)


def url_of(key: str, objects: Objects, user_id: int | None = None) -> str:
    from urllib.parse import urlencode

    page = PAGES[key]
    objects.current_user = user_id
    url = reverse(key.split("[")[0], kwargs=page.kwargs(objects))
    return f"{url}?{urlencode(page.query(objects))}" if page.query else url


# ---------------------------------------------------------------------------------------------
# The objects of the measured province
# ---------------------------------------------------------------------------------------------


def _attach(instance, field_name: str, name: str) -> None:
    """A small PDF on ``instance.<field_name>`` (the dataset has no files), written once (again
    when the file named is not in this checkout's storage: the data may have been measured from
    another one)."""
    current = getattr(instance, field_name)
    if current and current.storage.exists(current.name):
        return
    getattr(instance, field_name).save(name, ContentFile(MINIMAL_PDF), save=False)
    type(instance).objects.filter(pk=instance.pk).update(
        **{field_name: getattr(instance, field_name).name, f"{field_name}_name": name}
    )


def find_objects(built) -> Objects:
    """The measured province's objects (the busiest agency's petitions, a session of the
    province with its notice, one still taking petitions), with files attached and a
    notification for each user, so that every URL answers as in daily use."""
    today = built.today
    province = Unit.objects.get(pk=built.province_id)
    units = Unit.objects.filter(path__startswith=province.path)
    in_province = Q(organising_unit__in=units)
    agency = Unit.objects.get(pk=built.agency_unit_id)
    issued = (
        DialogueSession.objects.filter(in_province, withdrawn_at__isnull=True, notice__isnull=False, held_on__lte=today)
        .order_by("organising_unit__depth", "-held_on", "-id")
        .first()
    )
    # A session still taking petitions whose recorded petitions all have a responsible unit, so
    # that both steps of the notice wizard open (the second sends back to the first otherwise).
    recorded = Petition.objects.filter(session=OuterRef("pk"), status=PetitionStatus.RECORDED)
    open_session = (
        DialogueSession.objects.filter(
            in_province, withdrawn_at__isnull=True, notice_issued_on__isnull=True, held_on__lte=today
        )
        .filter(Exists(recorded), ~Exists(recorded.filter(assigned_unit__isnull=True)))
        .order_by("organising_unit__depth", "-held_on", "-id")
        .first()
    )
    if open_session is None:  # small datasets: choose the units of one session's petitions
        open_session = (
            DialogueSession.objects.filter(
                in_province, withdrawn_at__isnull=True, notice_issued_on__isnull=True, held_on__lte=today
            )
            .filter(Exists(recorded))
            .order_by("organising_unit__depth", "-held_on", "-id")
            .first()
        )
        agency_unit = Unit.objects.get(pk=built.agency_unit_id)
        for petition in Petition.objects.filter(
            session=open_session, status=PetitionStatus.RECORDED, assigned_unit__isnull=True
        ):
            petition.assigned_unit = agency_unit
            petition.save(update_fields=["assigned_unit", "updated_at"])
    open_petition = (
        Petition.objects.filter(session=open_session, status=PetitionStatus.RECORDED).order_by("id").first()
        if open_session
        else None
    )
    waiting = (
        Petition.objects.filter(
            assigned_unit=agency, status=PetitionStatus.ASSIGNED, session__organising_unit__in=units
        )
        .order_by("reply_due_on", "id")
        .first()
    )
    reply = (
        WrittenReply.objects.filter(
            petition__session__organising_unit__in=units, petition__status=PetitionStatus.REPLIED
        )
        .select_related("petition")
        .order_by("-replied_on", "-id")
        .first()
    )
    forwarding = Forwarding.objects.filter(petition__session__organising_unit__in=units).order_by("-id").first()
    complex_notice = (
        ComplexCaseNotice.objects.filter(petition__session__organising_unit__in=units).order_by("-id").first()
    )
    missing = [
        name
        for name, obj in {
            "issued session": issued,
            "session taking petitions": open_petition,
            "waiting petition": waiting,
            "reply": reply,
            "forwarding": forwarding,
            "complex-case notice": complex_notice,
        }.items()
        if obj is None
    ]
    if missing:
        raise RuntimeError(f"the benchmark data has no {', '.join(missing)} in the measured province")
    _attach(issued, "minutes", "bien-ban.pdf")
    _attach(ConclusionNotice.objects.get(session=issued), "signed_file", "thong-bao-ban-ky.pdf")
    for letter in (reply, forwarding, complex_notice):
        _attach(letter, "letter", "van-ban.pdf")
    objects = Objects(
        today=today,
        province=province,
        commune=Unit.objects.get(pk=built.commune_id),
        agency=agency,
        users={**built.province_user_ids, "commune staff": built.commune_staff_id},
        commune_staff=built.commune_staff_id,
        issued_session=issued,
        open_session=open_petition.session,
        open_petition=open_petition,
        waiting_petition=waiting,
        replied_petition=reply.petition,
        reply=reply,
        forwarding=forwarding,
        complex_notice=complex_notice,
        leader_id=Leader.objects.filter(unit__path__startswith=province.path).order_by("unit__path", "id")
        .values_list("pk", flat=True).first(),
        pc_id=units.filter(kind__code="peoples_committee").order_by("path").values_list("pk", flat=True).first(),
        receipt_code=Petition.objects.filter(session__organising_unit__in=units, status=PetitionStatus.FORWARDED)
        .exclude(receipt_code="").values_list("receipt_code", flat=True).first() or "",
    )  # fmt: skip
    for user_id in objects.users.values():
        note = Notification.objects.filter(recipient_id=user_id).order_by("-id").first()
        if note is None:
            note = Notification.objects.create(
                recipient_id=user_id,
                obligation=ObligationKind.REPLY,
                object_id=waiting.pk,
                stage="benchmark",
                petition=waiting,
                session=waiting.session,
                due_on=waiting.reply_due_on or today,
                title=f"Nhắc hạn trả lời kiến nghị #{waiting.pk}",
            )
        objects.notifications[user_id] = note.pk
    return objects


def users_for(page: Page, objects: Objects) -> list[tuple[str, int | None]]:
    model = get_user_model()
    out = []
    for role in page.roles:
        if role == "anonymous":
            out.append((role, None))
        else:
            user_id = objects.users[role]
            assert model.objects.filter(pk=user_id).exists(), role
            out.append((role, user_id))
    return out


__all__ = ["PAGES", "NOT_MEASURED", "Objects", "Page", "Role", "find_objects"]
