"""The predecessors' view of a dashboard ("Tính cả đơn vị tiền thân"): a successor's figures can
include the units that were merged into it, so that trends across a reorganisation stay
readable. Every row counts once (a petition raised at an old district's session and moved to
the new commune is both), the old units stay rows of their own in the table by unit, and the
successor's staff see the old units' rows listed without links: their pages keep their access.

The tree: the old district area A (its People's Committee ``a_ubnd``), which took over the old
commune area X on 1/3/2025 and ended on 30/6/2025, succeeded by the commune area B of the
province fixture (``province.commune_area``, its People's Committee ``province.commune``)."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from ops.reorganisation import reorganisation_apply
from petitions.models import Petition, PetitionStatus
from reports import selectors
from reports.cache import cached_dashboard_data, dashboard_key
from reports.periods import Period
from sessions.models import DialogueSession
from tests import factories as f
from units.selectors import has_predecessors, predecessors_of
from units.services import reorganisation_record

pytestmark = pytest.mark.django_db

MERGER = dt.date(2025, 7, 1)
TODAY = dt.date(2025, 9, 20)
YEAR = {"kind": "year", "year": "2025"}  # 15/12/2024–14/12/2025
# The dashboard's queries without the option (tests/reports/test_query_counts.py), plus the
# predecessors' few: the chain's generations, their units, their sessions, the areas' versions.
MAX_QUERIES_WITH_PREDECESSORS = 28


def _at(day):
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False
    )


def _user(username, unit, role):
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def world(province, settings):
    settings.REPORT_CUTOFF_DAY, settings.REPORT_CUTOFF_MONTH = 15, 12
    t = province
    area = t.commune_area.kind
    t.a = f.UnitFactory(name="Huyện Lạc Sơn (cũ)", parent=t.province, kind=area, level="district", symbol="")
    t.a_ubnd = f.UnitFactory(name="UBND huyện Lạc Sơn (cũ)", parent=t.a, level="district")
    # X lies in another province's tree: the predecessors' view reaches two areas.
    t.x = f.UnitFactory(name="Xã Vũ Lâm (cũ)", parent=t.other_province, kind=area, symbol="")
    t.x_ubnd = f.UnitFactory(name="UBND xã Vũ Lâm (cũ)", parent=t.x)
    S, P = f.DialogueSessionFactory, f.PetitionFactory
    # X: one session in January, its petition replied and closed before X joined A.
    t.s_x = S(organising_unit=t.x_ubnd, held_on=dt.date(2025, 1, 10), notice_issued_on=dt.date(2025, 1, 15))
    t.p_x = P(
        session=t.s_x, status=PetitionStatus.CLOSED, assigned_unit=t.x_ubnd, assigned_on=dt.date(2025, 1, 15),
        reply_due_on=dt.date(2025, 2, 14), responded_on=dt.date(2025, 2, 1), final_replied_on=dt.date(2025, 2, 1),
    )  # fmt: skip
    with _at(dt.date(2025, 2, 20)):
        first = reorganisation_record(
            name="Sáp nhập xã Vũ Lâm vào huyện Lạc Sơn",
            effective_on=dt.date(2025, 3, 1),
            steps=[(t.x, t.a), (t.x_ubnd, t.a_ubnd)],
        )
    with _at(dt.date(2025, 3, 1)):
        reorganisation_apply(reorganisation=first)
    # A: a session in May, its notice issued; one petition clarified at the conference, one
    # replied on time, one still awaiting its reply when A ends.
    t.s_a = S(organising_unit=t.a_ubnd, held_on=dt.date(2025, 5, 10), notice_issued_on=dt.date(2025, 5, 15))
    # A protected petitioner: shown only to the organising subtree's staff, never to B's.
    t.p_a_clarified = P(
        session=t.s_a, status=PetitionStatus.CLARIFIED, clarified_at_conference=True,
        identity_protected=True, petitioner_name="Bà Lò Thị Kín Qxprotectedzv",
    )  # fmt: skip
    t.p_a_replied = P(
        session=t.s_a, status=PetitionStatus.REPLIED, assigned_unit=t.a_ubnd, assigned_on=dt.date(2025, 5, 15),
        reply_due_on=dt.date(2025, 6, 16), responded_on=dt.date(2025, 6, 2), final_replied_on=dt.date(2025, 6, 2),
    )  # fmt: skip
    t.p_a_open = P(
        session=t.s_a, status=PetitionStatus.ASSIGNED, assigned_unit=t.a_ubnd, assigned_on=dt.date(2025, 6, 20),
        reply_due_on=dt.date(2025, 7, 21),
    )  # fmt: skip
    with _at(dt.date(2025, 6, 25)):
        t.merger = reorganisation_record(
            name="Kết thúc hoạt động cấp huyện",
            effective_on=MERGER,
            steps=[(t.a, t.commune_area), (t.a_ubnd, t.commune)],
        )
    with _at(MERGER):
        reorganisation_apply(reorganisation=t.merger)
    # B's own session after the merger, with one petition.
    t.s_b = S(organising_unit=t.commune, held_on=dt.date(2025, 8, 5))
    t.p_b = P(session=t.s_b)
    # The people: the successor's staff (scope B only), the province's Board.
    t.b_staff = _user("b_staff", t.commune_area, "staff")
    t.board = _user("board", t.province, "board")
    with _at(TODAY):
        yield t


def _period():
    return Period(kind="year", year=2025)


def _in(unit_ids):
    """The petitions and sessions of the test's rows counted for the units ``unit_ids``: the
    sessions they organised; the petitions raised at those sessions or assigned to them."""
    sessions = {s.pk for s in DialogueSession.objects.filter(organising_unit_id__in=unit_ids)}
    petitions = {
        p.pk
        for p in Petition.objects.all()
        if p.session.organising_unit_id in unit_ids or p.assigned_unit_id in unit_ids
    }
    return sessions, petitions


def _ids(*units):
    return {u.pk for u in units}


def _figures(user, unit, **kwargs):
    return selectors.dashboard_data(user, unit, _period(), TODAY, **kwargs).figures


def test_the_predecessors_are_the_chain_of_units_merged_into_the_subtree(world):
    t = world
    preds = predecessors_of(t.commune_area)
    # A, and X which merged into A before: each with its subtree, X once (not inside A's).
    assert [u.pk for u in preds.roots] == [u.pk for u in sorted([t.a, t.x], key=lambda u: u.path)]
    assert set(preds.unit_ids) == _ids(t.a, t.a_ubnd, t.x, t.x_ubnd)
    # The new commune's People's Committee succeeds the old district's: A's subtree is its own.
    assert {u.pk for u in predecessors_of(t.commune).roots} == {t.a_ubnd.pk, t.x_ubnd.pk}
    assert has_predecessors(t.commune_area)


def test_a_unit_merged_inside_the_subtree_is_no_predecessor(world):
    t = world
    # A ended into B inside the province: the province's figures already count both. X came
    # from another province's tree.
    assert [u.pk for u in predecessors_of(t.province).roots] == [t.x.pk]
    assert not predecessors_of(t.party) and not has_predecessors(t.party)
    assert not has_predecessors(t.other_province)


def test_without_the_option_the_successor_counts_only_what_it_owns_or_was_moved_to_it(world):
    t = world
    own_sessions, own_petitions = _in(_ids(t.commune_area, t.commune))
    figures = _figures(t.b_staff, t.commune_area)
    assert figures["sessions_held"] == len(own_sessions) == 1  # only B's own session
    assert figures["petitions_received"] == len(own_petitions)
    assert t.p_a_open.pk in own_petitions  # moved to B's People's Committee on 1/7/2025
    assert figures["petitions_assigned"] == len(own_petitions & {t.p_a_open.pk})


def test_with_the_option_the_predecessors_rows_are_counted_once(world):
    t = world
    own_sessions, own_petitions = _in(_ids(t.commune_area, t.commune))
    old_sessions, old_petitions = _in(_ids(t.a, t.a_ubnd, t.x, t.x_ubnd))
    assert own_petitions & old_petitions == {t.p_a_open.pk}  # raised at A's session, now B's
    figures = _figures(t.b_staff, t.commune_area, predecessors=True)
    assert figures["sessions_held"] == len(own_sessions | old_sessions) == 3
    assert figures["petitions_received"] == len(own_petitions | old_petitions)
    assert figures["petitions_received"] == len(own_petitions) + len(old_petitions) - 1
    assert figures["petitions_clarified"] == 1
    assert figures["petitions_closed"] == 1  # X's
    # Each figure equals its drill-down list.
    for key in ("sessions_held", "petitions_received", "petitions_assigned", "petitions_on_time", "r1_required"):
        rows = selectors.figure_queryset(t.b_staff, key, t.commune_area, _period(), today=TODAY, predecessors=True)
        assert rows.count() == figures[key], key


def test_the_option_counts_the_predecessors_of_the_predecessors(world):
    t = world
    _sessions, x_petitions = _in(_ids(t.x, t.x_ubnd))
    with_x = _figures(t.b_staff, t.commune_area, predecessors=True)["petitions_received"]
    rows = selectors.figure_queryset(
        t.b_staff, "petitions_received", t.commune_area, _period(), today=TODAY, predecessors=True
    )
    assert x_petitions == {t.p_x.pk} and rows.filter(pk=t.p_x.pk).exists()
    assert with_x == rows.count()


def test_the_table_by_unit_lists_the_predecessors_as_rows_of_their_own(world):
    t = world
    plain = {row["unit"].pk: row for row in selectors.dashboard_data(t.b_staff, t.commune_area, _period(), TODAY).units}
    data = selectors.dashboard_data(t.b_staff, t.commune_area, _period(), TODAY, predecessors=True)
    rows = {row["unit"].pk: row for row in data.units}
    assert rows[t.a_ubnd.pk]["predecessor"] and rows[t.x_ubnd.pk]["predecessor"]
    assert not rows[t.commune.pk]["predecessor"]
    # B's row is what it was: nothing of A's or X's is added into it.
    for key in ("sessions_held", *selectors.UNIT_TABLE_KEYS):
        assert rows[t.commune.pk][key] == plain[t.commune.pk][key], key
    assert rows[t.a_ubnd.pk]["sessions_held"] == 1 and rows[t.a_ubnd.pk]["petitions_on_time"] == 1
    # The subtree's rows first, then the predecessors'.
    assert [r["predecessor"] for r in data.units] == sorted(r["predecessor"] for r in data.units)


def test_a_predecessor_row_of_the_table_opens_its_own_list(world, client):
    t = world
    client.force_login(t.b_staff)
    page = client.get(reverse("reports:dashboard"), {"unit": t.commune_area.pk, **YEAR, "predecessors": "1"})
    row = next(r for r in page.context["units"] if r["unit"].pk == t.a_ubnd.pk)
    for key, value, href in row["cells"]:
        assert f"by_unit={t.a_ubnd.pk}" in href and "predecessors=1" in href
        listed = client.get(href)
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == value, key


def test_a_unit_without_predecessors_has_no_option_and_the_same_figures(world, client):
    t = world
    client.force_login(t.board)
    response = client.get(reverse("reports:dashboard"), {"unit": t.party.pk, **YEAR})
    assert response.status_code == 200
    assert b'name="predecessors"' not in response.content
    asked = client.get(reverse("reports:dashboard"), {"unit": t.party.pk, **YEAR, "predecessors": "1"})
    assert asked.context["figures"] == response.context["figures"]
    assert asked.context["predecessors"] is None and b'name="predecessors"' not in asked.content
    assert _figures(t.board, t.party, predecessors=True) == _figures(t.board, t.party)


def test_the_successor_dashboard_offers_the_option_and_carries_it_in_its_links(world, client):
    t = world
    client.force_login(t.b_staff)
    plain = client.get(reverse("reports:dashboard"), {"unit": t.commune_area.pk, **YEAR})
    assert 'name="predecessors"' in plain.content.decode() and "Tính cả đơn vị tiền thân" in plain.content.decode()
    response = client.get(reverse("reports:dashboard"), {"unit": t.commune_area.pk, **YEAR, "predecessors": "1"})
    html = response.content.decode()
    assert response.context["figures"]["sessions_held"] == 3 > plain.context["figures"]["sessions_held"]
    assert 'id="f-predecessors" checked' in html
    figure_link = f"{reverse('reports:figure', args=['sessions_held'])}?{response.context['query']}"
    assert "predecessors=1" in response.context["query"] and figure_link.replace("&", "&amp;") in html
    assert all("predecessors=1" in href for row in response.context["trend"] for _k, _v, href in row["cells"])
    assert all("predecessors=1" in href for row in response.context["units"] for _k, _v, href in row["cells"])
    assert 'data-testid="predecessor-badge"' in html  # the old units' rows are marked


def _cells(content) -> list[str]:
    wb = load_workbook(io.BytesIO(content))
    return [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def test_the_exports_follow_the_option(world, client):
    t = world
    client.force_login(t.b_staff)
    params = {"unit": t.commune_area.pk, **YEAR}
    old_row = f"{t.a_ubnd.name} (đơn vị tiền thân)"
    plain = _cells(client.get(reverse("reports:dashboard"), {**params, "format": "xlsx"}).content)
    assert old_row not in plain and t.a_ubnd.name not in plain
    cells = _cells(client.get(reverse("reports:dashboard"), {**params, "predecessors": "1", "format": "xlsx"}).content)
    assert old_row in cells and any("tính cả đơn vị tiền thân" in c for c in cells)
    # The list's export: every row of the list, the predecessors' included, the protected
    # petitioner hidden.
    url = reverse("reports:figure", args=["petitions_received"])
    exported = client.get(url, {**params, "predecessors": "1", "format": "xlsx"}).content
    assert not any("Qxprotectedzv" in c for c in _cells(exported))
    listed = load_workbook(io.BytesIO(exported))
    shown = client.get(url, {**params, "predecessors": "1"}).context["page"].paginator.count
    assert listed.active.max_row == 2 + shown  # the caption, the header, the rows
    # The period's figures (Word, Excel) from the dashboard's buttons.
    docx = client.get(reverse("reports:periodic", args=["docx"]), {**params, "predecessors": "1"})
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "tính cả đơn vị tiền thân" in text
    periodic = _cells(client.get(reverse("reports:periodic", args=["xlsx"]), {**params, "predecessors": "1"}).content)
    assert old_row in periodic
    assert old_row not in _cells(client.get(reverse("reports:periodic", args=["xlsx"]), params).content)


def test_the_successor_staff_see_the_old_rows_in_the_list_without_links(world, client):
    t = world
    client.force_login(t.b_staff)
    url = reverse("reports:figure", args=["petitions_received"])
    plain = client.get(url, {"unit": t.commune_area.pk, **YEAR})
    assert {p.pk for p in plain.context["page"].object_list} == {t.p_b.pk, t.p_a_open.pk}
    response = client.get(url, {"unit": t.commune_area.pk, **YEAR, "predecessors": "1"})
    rows = {p.pk: p for p in response.context["page"].object_list}
    _own, old = _in(_ids(t.a, t.a_ubnd, t.x, t.x_ubnd))
    assert set(rows) == old | {t.p_b.pk}
    html = response.content.decode()
    # B's own and what moved to B (the open petition; the replied one, whose assessment is still
    # due, is now with B) open; the rest of A's and X's history is listed without a link.
    b_ids = _ids(t.commune_area, t.commune)
    moved = {
        p.pk
        for p in Petition.objects.filter(pk__in=rows)
        if {p.session.organising_unit_id, p.assigned_unit_id, p.responsible_unit_id} & b_ids
    }
    assert moved == {t.p_b.pk, t.p_a_open.pk, t.p_a_replied.pk}
    for pk, row in rows.items():
        assert row.outside_scope is (pk not in moved)
        assert (reverse("petitions:detail", args=[pk]) in html) is (pk in moved)
    assert html.count('data-testid="predecessor-badge"') == len(rows) - len(moved) == 2
    assert "Qxprotectedzv" not in html  # the old unit's protected petitioner stays hidden
    # The old units' history keeps its access: its petitions' pages answer 404.
    for petition in (t.p_a_clarified, t.p_x):
        assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 404
    assert client.get(reverse("sessions:detail", args=[t.s_a.pk])).status_code == 404
    # The sessions' list: A's and X's without links, B's with one.
    sessions = client.get(
        reverse("reports:figure", args=["sessions_held"]), {"unit": t.commune_area.pk, **YEAR, "predecessors": "1"}
    )
    html = sessions.content.decode()
    assert reverse("sessions:detail", args=[t.s_b.pk]) in html
    assert reverse("sessions:detail", args=[t.s_a.pk]) not in html and t.s_a.topic in html
    # The list's Excel export follows the option.
    xlsx = client.get(url, {"unit": t.commune_area.pk, **YEAR, "predecessors": "1", "format": "xlsx"})
    assert xlsx.status_code == 200


def test_the_cache_key_distinguishes_the_option(world):
    t = world
    period = _period()
    preds = predecessors_of(t.commune_area)
    keys = {
        dashboard_key(t.commune_area, period, TODAY, 1),
        dashboard_key(t.commune_area, period, TODAY, 1, predecessors=preds),
        # Another set of predecessors (a reorganisation recorded since) is another key.
        dashboard_key(t.commune_area, period, TODAY, 1, predecessors=predecessors_of(t.commune)),
    }
    assert len(keys) == 3
    with_preds = cached_dashboard_data(t.b_staff, t.commune_area, period, TODAY, predecessors=True)
    plain = cached_dashboard_data(t.b_staff, t.commune_area, period, TODAY)
    assert with_preds.figures["sessions_held"] == 3 and plain.figures["sessions_held"] == 1
    # Both cached: asked again, each answers its own figures.
    assert cached_dashboard_data(t.b_staff, t.commune_area, period, TODAY, predecessors=True).figures == (
        with_preds.figures
    )
    assert cached_dashboard_data(t.b_staff, t.commune_area, period, TODAY).figures == plain.figures


def test_the_cached_predecessors_view_is_renewed_when_a_predecessor_area_changes(world):
    t = world
    period = _period()
    before = cached_dashboard_data(t.b_staff, t.commune_area, period, TODAY, predecessors=True)
    f.DialogueSessionFactory(organising_unit=t.x_ubnd, held_on=dt.date(2025, 2, 2))  # a write in X's area
    after = cached_dashboard_data(t.b_staff, t.commune_area, period, TODAY, predecessors=True)
    assert after.figures["sessions_held"] == before.figures["sessions_held"] + 1


def test_the_dashboard_with_the_option_runs_a_bounded_number_of_queries(world, client, django_assert_max_num_queries):
    t = world
    client.force_login(t.b_staff)
    params = {"unit": t.commune_area.pk, **YEAR, "predecessors": "1"}
    with django_assert_max_num_queries(MAX_QUERIES_WITH_PREDECESSORS):
        assert client.get(reverse("reports:dashboard"), params).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES_WITH_PREDECESSORS):
        assert client.get(reverse("reports:figure", args=["petitions_received"]), params).status_code == 200
