"""Two provinces with a user in every role and an object of every kind in each, built through
the services the screens use. Shared by the access matrix and the bad-input tests.

Province A is the users' own; province B is "foreign": every text written there carries
``FOREIGN_MARKER`` so a page or an export of province A can be searched for a leak.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from notifications.events import events_dispatch
from notifications.models import Notification
from petitions import services as petition_services
from petitions.models import PetitionStatus
from regulations.models import Regulation
from sessions import services as session_services
from tests import factories as f
from units.services import reorganisation_record

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 3, 20)
HELD_ON = dt.date(2026, 3, 2)
NOTICE_ON = dt.date(2026, 3, 5)
MISSING_PK = 987654321
FOREIGN_MARKER = "Zyxforeignqv"
# The protected petitioner's name, address and e-mail carry this: only the organising unit's
# staff and administrators may ever read it (searched case-insensitively in every answer).
PROTECTED_MARKER = "Qxprotectedzv"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ROLES = ("anonymous", "staff", "leader", "agency", "front", "board", "admin")
AREA = frozenset({"staff", "leader", "front", "board", "admin"})
VISIBLE = AREA | {"agency"}


def frozen_clock():
    return time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=HANOI), tick=False)


def pdf(name: str = "van-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def _user(username, unit, role):
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


def _province_bundle(
    *, area, ubnd, agency, staff, officer, admin, front, recipients_of_notifications, marker: str, leader_user=None
):
    """An issued annual plan (a planned dialogue held, one to come) and a draft one, a session
    without notice (one petition, assigned), a session with its notice held against the plan (seven
    petitions: waiting (its petitioner protected), replied + published + assessed satisfied
    (closed) + noted + directed, forwarded (petitioner told), complex, reopened by the Front,
    awaiting a supplementary reply, and one the People's Committee leads with the agency
    coordinating; a commitment done with evidence and assessed, one open), and notifications.
    ``officer`` is the agency's officer, who answers its petitions."""
    leader = f.LeaderFactory(
        unit=ubnd, full_name=f"Bùi Văn Chủ Trì {marker}", position="Chủ tịch UBND", user=leader_user
    )
    plan = session_services.plan_create(unit=ubnd, year=2026, actor=staff, summary=f"Kế hoạch {marker}")
    planned = session_services.planned_item_add(
        plan=plan, topic=f"Đối thoại về bồi thường {marker}", chair=leader, expected_month=3, invited=["people"],
        actor=staff,
    )  # fmt: skip
    session_services.plan_issue(
        plan=plan, number="12-KH/UBND", issued_on=dt.date(2026, 1, 15), actor=staff, signed_file=pdf("ke-hoach.pdf")
    )
    planned_open = session_services.planned_item_add(
        plan=plan, topic=f"Đối thoại với doanh nghiệp {marker}", chair=leader, expected_quarter=3,
        invited=["businesses"], actor=staff,
    )  # fmt: skip
    party = ubnd.parent.children.exclude(pk=ubnd.pk).filter(kind__is_party_committee=True).first() or ubnd
    draft_plan = session_services.plan_create(unit=party if party != ubnd else agency, year=2026, actor=staff)
    session_services.planned_item_add(
        plan=draft_plan, topic=f"Đối thoại dự thảo {marker}", chair=f.LeaderFactory(unit=draft_plan.unit),
        expected_month=9, invited=["front"], actor=staff,
    )  # fmt: skip
    open_session = petition_services.session_record_with_petitions(
        organising_unit=ubnd,
        kind="periodic",
        held_on=dt.date(2026, 3, 18),
        topic=f"Đối thoại chưa có thông báo {marker}",
        place=f"Hội trường {marker}",
        actor=staff,
        chair=leader,
        minutes=pdf("bien-ban.pdf"),
        petitions=[{"petitioner_name": f"Bà Lò Thị Mai {marker}", "content": f"Đề nghị sửa đường {marker}"}],
    )
    open_petition = open_session.petitions.get()
    petition_services.petition_assign(petition=open_petition, unit=agency, actor=staff)

    issued_session = petition_services.session_record_with_petitions(
        organising_unit=ubnd,
        kind="periodic",
        held_on=HELD_ON,
        topic=f"Đối thoại về bồi thường {marker}",
        place=f"Hội trường {marker}",
        actor=staff,
        chair=leader,
        planned_item=planned,
        minutes=pdf("bien-ban.pdf"),
        petitions=[
            {"petitioner_name": f"Ông Đinh Văn {n} {marker}", "content": f"Đề nghị bồi thường hồ sơ {n} {marker}"}
            for n in ("A", "B", "C", "D", "E", "F", "G")
        ],
    )
    waiting = issued_session.petitions.order_by("id").first()
    waiting.petitioner_name = f"Bà Lò Thị Kín {PROTECTED_MARKER}"
    waiting.petitioner_address = f"Xóm {PROTECTED_MARKER}, {marker}"
    waiting.petitioner_phone = "0912 345 678"
    waiting.petitioner_email = f"{PROTECTED_MARKER.lower()}@example.vn"
    waiting.save()
    petition_services.petition_protect(petition=waiting, protected=True, actor=staff)
    petitions = list(issued_session.petitions.order_by("id"))
    notice = petition_services.notice_issue(
        session=issued_session,
        number=1,
        symbol="TB-UBND",
        issued_on=NOTICE_ON,
        actor=staff,
        subject=f"Thông báo kết luận {marker}",
        assignments={**{p.pk: agency for p in petitions[:6]}, petitions[6].pk: ubnd},
        coordinating={petitions[0].pk: [ubnd], petitions[6].pk: [agency]},
        signed_file=pdf("ban-ky.pdf"),
        backdate_reason=f"Ghi nhận muộn {marker}",
    )
    p_waiting, p_replied, p_forwarded, p_complex, p_reopened, p_supplementary, p_coordinated = [
        type(p).objects.get(pk=p.pk) for p in petitions
    ]
    reply = petition_services.reply_record(
        petition=p_replied, replied_on=dt.date(2026, 3, 10), number="01/SNN", summary=f"Đã giải quyết {marker}",
        actor=officer, letter=pdf("tra-loi.pdf"),
    )  # fmt: skip
    forwarding = petition_services.petition_forward(
        petition=p_forwarded, to_unit=ubnd, reason=f"Thẩm quyền {marker}", forwarded_on=dt.date(2026, 3, 11),
        actor=officer, letter=pdf("chuyen.pdf"),
    )  # fmt: skip
    complex_notice = petition_services.complex_notice_send(
        petition=p_complex, notified_on=dt.date(2026, 3, 12), new_target_on=dt.date(2026, 5, 30),
        reason=f"Phức tạp {marker}", actor=officer, letter=pdf("phuc-tap.pdf"),
    )  # fmt: skip
    note = petition_services.supervision_note_add(petition=p_replied, author=front, text=f"Giám sát {marker}")
    petition_services.petition_publish(
        petition=p_replied, question=f"Đề nghị bồi thường {marker}", answer=f"Đã giải quyết {marker}", actor=staff
    )
    petition_services.reply_assess(
        reply=reply, assessor=front, result="satisfied", reason="", assessed_on=dt.date(2026, 3, 15)
    )
    # The Front is not satisfied with two replies: one waits for staff's decision, the other got
    # a supplementary reply asked for.
    for petition in (p_reopened, p_supplementary):
        unsatisfied = petition_services.reply_record(
            petition=petition, replied_on=dt.date(2026, 3, 10), number="02/SNN", summary=f"Trả lời {marker}",
            actor=officer,
        )  # fmt: skip
        petition_services.reply_assess(
            reply=unsatisfied, assessor=front, result="unsatisfied", reason=f"Chưa thỏa đáng {marker}",
            assessed_on=dt.date(2026, 3, 12),
        )  # fmt: skip
    supplementary = petition_services.supplementary_request(
        petition=p_supplementary, reason=f"Bổ sung phương án {marker}", actor=staff, requested_on=dt.date(2026, 3, 13)
    )
    coordination = p_coordinated.coordinations.get()
    # The People's Committee coordinates on the waiting petition and has sent its contribution.
    contribution = petition_services.coordination_contribute(
        coordination=p_waiting.coordinations.get(), contributed_on=dt.date(2026, 3, 9),
        contribution=f"Ý kiến phối hợp {marker}", actor=admin, letter=pdf("phoi-hop.pdf"),
    )  # fmt: skip
    item_done = session_services.conclusion_item_add(
        session=issued_session, kind="commitment", text=f"Sửa đường liên xã {marker}", responsible_unit=agency,
        target_on=dt.date(2026, 4, 30), actor=staff,
    )  # fmt: skip
    session_services.conclusion_item_complete(
        item=item_done, done_on=dt.date(2026, 3, 15), note=f"Đã sửa {marker}", evidence=pdf("nghiem-thu.pdf"),
        actor=staff,
    )  # fmt: skip
    session_services.conclusion_item_assess(
        item=item_done, assessor=front, result="satisfied", reason="", assessed_on=dt.date(2026, 3, 16)
    )
    item_open = session_services.conclusion_item_add(
        session=issued_session, kind="conclusion", text=f"Rà soát hồ sơ đất {marker}", responsible_unit=agency,
        target_on=dt.date(2026, 5, 30), actor=staff,
    )  # fmt: skip
    direction = petition_services.petition_direct(
        petition=p_replied, leader=leader, text=f"Đề nghị báo cáo kết quả {marker}", actor=staff
    )
    notifications = {
        role: Notification.objects.create(
            recipient=user,
            obligation="reply",
            object_id=p_waiting.pk,
            stage="remind_5",
            petition=p_waiting,
            due_on=p_waiting.reply_due_on,
            title=f"Sắp đến hạn trả lời {marker}",
            url=p_waiting.get_absolute_url() if hasattr(p_waiting, "get_absolute_url") else "",
        )  # fmt: skip
        for role, user in recipients_of_notifications.items()
    }
    p_waiting.refresh_from_db()
    assert p_waiting.status == PetitionStatus.ASSIGNED
    return SimpleNamespace(
        area=area,
        ubnd=ubnd,
        agency=agency,
        leader=leader,
        open_session=open_session,
        open_petition=open_petition,
        issued_session=issued_session,
        notice=notice,
        recipient=notice.recipients.order_by("id").first(),
        p_waiting=p_waiting,
        p_replied=p_replied,
        p_forwarded=p_forwarded,
        p_complex=p_complex,
        p_reopened=type(p_reopened).objects.get(pk=p_reopened.pk),
        p_supplementary=type(p_supplementary).objects.get(pk=p_supplementary.pk),
        p_coordinated=p_coordinated,
        reply=reply,
        forwarding=forwarding,
        complex_notice=complex_notice,
        supplementary=supplementary,
        coordination=coordination,
        contribution=contribution,
        note=note,
        notifications=notifications,
        plan=plan,
        planned=planned,
        planned_open=planned_open,
        draft_plan=draft_plan,
        item_done=item_done,
        item_open=item_open,
        direction=direction,
    )


def _reports_bundle(bundle, *, party, staff, marker: str):
    """The province's reporting calendar, its People's Committee's report for 2025 issued (with
    its signed scan, sent to the party committee) and its party committee's report in draft."""
    from reports import services as report_services
    from reports.periods import Period

    year_2025 = Period(kind="year", year=2025)
    report_services.calendar_create_default(unit=bundle.area, starts_on=dt.date(2025, 1, 1))
    report = report_services.report_create(unit=bundle.ubnd, period=year_2025, actor=staff)
    report_services.report_update(report=report, actor=staff, subject=f"Báo cáo năm 2025 {marker}")
    bundle.report = report_services.report_issue(
        report=report, number=1, symbol="BC-UBND", issued_on=dt.date(2026, 1, 5), actor=staff, signed_file=pdf("bc.pdf")
    )
    bundle.report_recipient = bundle.report.recipients.get(unit=party)
    bundle.report_draft = report_services.report_create(unit=party, period=year_2025, actor=staff)
    report_services.report_update(report=bundle.report_draft, actor=staff, situation=f"Tình hình {marker}")
    bundle.party = party


class _Missing:
    """Stands for any object that does not exist: every attribute has the missing primary key."""

    pk = id = MISSING_PK

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self


def build_world(province):
    """``province`` is the tree of ``tests.conftest.province``. Call with the clock frozen."""
    t = province
    f.FieldFactory(name="Đất đai")
    other_agency = f.UnitFactory(
        name="Sở Nông nghiệp tỉnh Phú Thọ",
        parent=t.other_ubnd,
        level="province",
        symbol="SNN",
        kind=f.AgencyKindFactory(),
    )
    # The other province's regulation (the settings' limits, so its clocks read as before) and a
    # reorganisation of one of its units still to come: both are opened in the admin.
    Regulation.objects.create(
        number="09-QC/TU", title="Quy chế tiếp xúc, đối thoại", issuing_body="Ban Thường vụ Tỉnh ủy Phú Thọ",
        issued_on=dt.date(2019, 1, 2), unit=t.other_province, effective_from=dt.date(2019, 1, 2),
    )  # fmt: skip
    reorganisation_record(
        name="Sắp xếp đơn vị", effective_on=dt.date(2099, 1, 1),
        steps=[(f.UnitFactory(name="UBND huyện sẽ giải thể", parent=t.other_province, level="district"), t.other_ubnd)],
    )  # fmt: skip
    users = {
        "anonymous": None,
        "staff": _user("m_staff", t.province, "staff"),
        "leader": _user("m_leader", t.province, "leader"),
        "agency": _user("m_agency", t.agency, "agency"),
        "front": _user("m_front", t.province, "front"),
        "board": _user("m_board", t.province, "board"),
        "admin": f.UserFactory(username="m_admin", is_superuser=True, is_staff=True),
    }
    foreign_users = {
        "staff": _user("b_staff", t.other_province, "staff"),
        "agency": _user("b_agency", other_agency, "agency"),
        "front": _user("b_front", t.other_province, "front"),
    }
    own = _province_bundle(
        area=t.province, ubnd=t.ubnd, agency=t.agency, staff=users["staff"], officer=users["agency"],
        admin=users["admin"], front=users["front"],
        recipients_of_notifications={r: u for r, u in users.items() if u is not None}, marker="Hòa Bình",
        leader_user=users["leader"],
    )  # fmt: skip
    foreign = _province_bundle(
        area=t.other_province, ubnd=t.other_ubnd, agency=other_agency, staff=foreign_users["staff"],
        officer=foreign_users["agency"], admin=users["admin"],
        front=foreign_users["front"], recipients_of_notifications={"b_staff": foreign_users["staff"]},
        marker=FOREIGN_MARKER,
    )  # fmt: skip
    other_party = f.UnitFactory(
        name="Tỉnh ủy Phú Thọ", parent=t.other_province, level="province", symbol="TU", kind=f.PartyKindFactory()
    )
    _reports_bundle(own, party=t.party, staff=users["staff"], marker="Hòa Bình")
    _reports_bundle(foreign, party=other_party, staff=foreign_users["staff"], marker=FOREIGN_MARKER)
    # Anybody's "foreign" notification is province B's staff member's.
    foreign.notifications = dict.fromkeys(ROLES, foreign.notifications["b_staff"])
    own.notifications["anonymous"] = own.notifications["staff"]
    # The world's own timeline events are notified now, as the first form post after them would
    # do: each request of a test then notifies only what it wrote itself (the tests roll every
    # request back, dispatch records included, so undispatched events were notified again on
    # every request: nine tenths of the fuzz tests' time).
    events_dispatch()
    return SimpleNamespace(
        tree=t, users=users, foreign_users=foreign_users, own=own, foreign=foreign, missing=_Missing()
    )


def _own_models() -> list:
    return [
        model
        for label in ("dialogue_sessions", "petitions", "reports")
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and model._meta.managed
    ]


@cache
def _fingerprint_sql() -> str:
    """One statement digesting every row of every table of ``_own_models`` (PostgreSQL): each
    table's rows as text, in primary key order."""
    q = connection.ops.quote_name
    parts = [
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.{q(m._meta.pk.column)}), '')) "
        f"FROM {q(m._meta.db_table)} t)"
        for m in _own_models()
    ]
    return "SELECT md5(" + " || ".join(parts) + ")"


def fingerprint() -> str:
    """A digest of every row of the project's own models: equal before and after a request
    means the request wrote nothing. On PostgreSQL one statement computes it in the database
    (the fuzz tests take it twice per request); elsewhere the rows are read and hashed here."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_fingerprint_sql())
            return cursor.fetchone()[0]
    digest = hashlib.sha256()
    for model in _own_models():
        digest.update(model._meta.label.encode())
        digest.update(repr(list(model._default_manager.order_by("pk").values_list()))[:10_000_000].encode())
    return digest.hexdigest()


def highest_pks(models) -> dict:
    """The highest primary key of each model's table (0 when empty), in one statement."""
    q = connection.ops.quote_name
    models = list(models)
    columns = ", ".join(f"(SELECT max({q(m._meta.pk.column)}) FROM {q(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        row = cursor.fetchone()
    return {m: value or 0 for m, value in zip(models, row, strict=True)}


def petitions_xlsx(rows: list[list], *, header: list | None = None) -> bytes:
    """A workbook in the import template's shape (or with ``header``) holding ``rows``."""
    import io

    from openpyxl import Workbook

    from petitions.imports import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else [str(c.title) for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
