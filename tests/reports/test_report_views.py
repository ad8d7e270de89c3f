"""The periodic-report screens: draft, edit, issue, the report page (frozen beside live figures,
receipts), downloads, the compilation and the calendar; own objects open, foreign ones 404,
refusals change nothing."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import services
from reports.models import PeriodicReport, ReportStatus
from reports.periods import Period

from .chain import at, reply

pytestmark = pytest.mark.django_db
PARAMS = {"kind": "6m", "year": "2026"}


def issued(t, unit=None, actor=None, day=dt.date(2026, 6, 17)):
    unit, actor = unit or t.commune, actor or t.commune_staff
    with at(day):
        report = services.report_create(unit=unit, period=Period(kind="6m", year=2026), actor=actor)
        return services.report_issue(
            report=report, number=1, symbol=services.default_report_symbol(unit), issued_on=day, actor=actor
        )


def test_staff_draft_edit_and_issue_a_report_through_the_screens(client, chain):
    t = chain
    client.force_login(t.commune_staff)
    with at(dt.date(2026, 6, 16)):
        page = client.get(reverse("reports:report_create"), {"unit": t.commune.pk, **PARAMS})
        assert page.status_code == 200
        assert set(page.context["form"].fields["unit"].queryset) == {t.commune_party, t.commune}
        response = client.post(reverse("reports:report_create"), {"unit": t.commune.pk, **PARAMS})
    report = PeriodicReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:report_edit", args=[report.pk])
    with at(dt.date(2026, 6, 16)):
        form = client.get(reverse("reports:report_edit", args=[report.pk])).context["form"]
        data = {**form.initial, "proposals": "1. Giải quyết dứt điểm các kiến nghị quá hạn."}
        assert client.post(reverse("reports:report_edit", args=[report.pk]), data).status_code == 302
        page = client.get(reverse("reports:report_issue", args=[report.pk]))
        assert page.context["form"].initial["symbol"] == "BC-UBND" and page.context["form"].initial["number"] == 1
        response = client.post(
            reverse("reports:report_issue", args=[report.pk]),
            {"number": "1", "symbol": "BC-UBND", "issued_on": "16/06/2026"},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED and report.proposals.startswith("1. Giải quyết dứt điểm")
    assert report.recipients.count() == 3


def test_a_refused_issue_shows_the_reason_and_changes_nothing(client, chain):
    t = chain
    client.force_login(t.commune_staff)
    with at(dt.date(2026, 6, 16)):
        report = services.report_create(unit=t.commune, period=Period(kind="6m", year=2026), actor=t.commune_staff)
        response = client.post(
            reverse("reports:report_issue", args=[report.pk]),
            {"number": "1", "symbol": "BC-UBND", "issued_on": "14/06/2026"},
        )
    assert response.status_code == 200
    assert "Ngày ban hành phải sau ngày chốt số liệu 14/06/2026." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.recipients.exists()


def test_the_report_page_shows_frozen_and_live_figures_and_records_the_receipt(client, chain):
    t = chain
    report = issued(t)
    reply(t.p_waiting, dt.date(2026, 6, 18))
    client.force_login(t.province_staff)
    with at(dt.date(2026, 6, 20)):
        page = client.get(reverse("reports:report_detail", args=[report.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="figures-differ"' in html
    row = next(r for r in page.context["comparison"] if r["key"] == "petitions_overdue")
    assert (row["stated"], row["live"], row["difference"]) == (2, 1, -1)
    # The live figure links to its drill-down list, which has as many rows.
    assert f"{reverse('reports:figure', args=['petitions_overdue'])}?unit={t.commune.pk}" in html
    assert report.recipients.get(unit=t.party).received_on == dt.date(2026, 6, 20)
    assert "R1" not in html and "R3" not in html


def test_downloads_are_a_docx_and_a_workbook(client, chain):
    report = issued(chain)
    client.force_login(chain.commune_front_user)
    with at(dt.date(2026, 6, 20)):
        docx = client.get(reverse("reports:report_download", args=[report.pk, "docx"]))
        xlsx = client.get(reverse("reports:report_download", args=[report.pk, "xlsx"]))
    assert docx.status_code == 200 and "wordprocessingml" in docx["Content-Type"]
    assert xlsx.status_code == 200
    assert "Số liệu chính" in load_workbook(io.BytesIO(xlsx.content)).sheetnames


@pytest.mark.parametrize("who", ["foreign_staff", "agency_officer", "commune2_staff"])
def test_a_report_outside_the_readers_scope_answers_404(client, chain, who):
    report = issued(chain)
    client.force_login(getattr(chain, who))
    for name, args in [
        ("reports:report_detail", [report.pk]),
        ("reports:report_download", [report.pk, "docx"]),
        ("reports:report_signed_file", [report.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404


def test_a_draft_is_seen_by_its_writers_and_heads_not_by_the_front(client, chain):
    t = chain
    with at(dt.date(2026, 6, 16)):
        report = services.report_create(unit=t.commune, period=Period(kind="6m", year=2026), actor=t.commune_staff)
    url = reverse("reports:report_detail", args=[report.pk])
    client.force_login(t.commune_front_user)
    assert client.get(url).status_code == 404
    client.force_login(t.province_leader)
    assert client.get(url).status_code == 200
    client.force_login(t.province_board)
    assert client.get(reverse("reports:report_edit", args=[report.pk])).status_code == 404


def test_the_receipt_day_can_be_marked_by_the_recipient(client, chain):
    t = chain
    report = issued(t)
    recipient = report.recipients.get(unit=t.commune_front)
    client.force_login(t.commune_front_user)
    url = reverse("reports:report_received", args=[report.pk, recipient.pk])
    with at(dt.date(2026, 6, 20)):
        client.post(url, {f"r{recipient.pk}-received_on": "18/06/2026"})
    recipient.refresh_from_db()
    assert recipient.received_on == dt.date(2026, 6, 18)
    client.force_login(t.commune2_staff)
    assert client.post(url, {f"r{recipient.pk}-received_on": "19/06/2026"}).status_code == 404


def test_the_inbox_lists_reports_sent_to_the_users_units(client, chain):
    t = chain
    report = issued(t)
    client.force_login(t.commune_front_user)
    page = client.get(reverse("reports:report_list"), {"box": "inbox"})
    assert [r.report_id for r in page.context["page"].object_list] == [report.pk]
    client.force_login(t.commune2_staff)
    page = client.get(reverse("reports:report_list"), {"box": "inbox"})
    assert list(page.context["page"].object_list) == []


def test_the_list_shows_what_the_staffs_units_still_owe(client, chain):
    t = chain
    with at(dt.date(2026, 6, 16)):
        services.rounds_open()
        client.force_login(t.commune_staff)
        page = client.get(reverse("reports:report_list"))
    assert {d.unit_id for d in page.context["dues"]} >= {t.commune.pk, t.commune_party.pk}
    assert t.commune2.pk not in {d.unit_id for d in page.context["dues"]}


def test_the_board_compiles_the_province_and_generates_the_compiled_report(client, chain):
    t = chain
    issued(t)
    client.force_login(t.province_board)
    with at(dt.date(2026, 6, 25)):
        page = client.get(reverse("reports:compilation"), {"unit": t.province.pk, **PARAMS})
        assert page.status_code == 200
        counts = page.context["data"].counts
        assert (counts["required"], counts["on_time"], counts["missing"]) == (6, 1, 5)
        assert t.commune2.name in page.content.decode()
        xlsx = client.get(reverse("reports:compilation"), {"unit": t.province.pk, **PARAMS, "format": "xlsx"})
        assert "Tổng hợp" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
        response = client.post(
            reverse("reports:compilation_create"), {"unit": t.province.pk, **PARAMS, "issuing_unit": t.board.pk}
        )
    compiled = PeriodicReport.objects.get(kind="compiled")
    assert response["Location"] == reverse("reports:report_edit", args=[compiled.pk])
    assert compiled.unit == t.board and compiled.scope_unit == t.province


def test_the_compilation_is_refused_to_the_front_and_to_other_provinces(client, chain):
    t = chain
    client.force_login(t.province_front)
    assert client.get(reverse("reports:compilation"), {"unit": t.province.pk}).status_code == 404
    client.force_login(t.foreign_staff)
    assert client.get(reverse("reports:compilation"), {"unit": t.province.pk}).status_code == 404
    response = client.post(
        reverse("reports:compilation_create"), {"unit": t.province.pk, **PARAMS, "issuing_unit": t.board.pk}
    )
    assert response.status_code == 404
    assert not PeriodicReport.objects.exists()


def test_the_calendar_page_shows_due_days_and_the_rounds_in_scope(client, chain):
    t = chain
    with at(dt.date(2026, 6, 25)):
        services.rounds_open()
        client.force_login(t.commune_staff)
        page = client.get(reverse("reports:calendar"))
    assert page.status_code == 200
    block = page.context["blocks"][0]
    assert block["calendar"] == t.calendar
    six = next(r for r in block["rounds"] if r["round"].period_kind == "6m")
    # Only the commune's own units are counted for a commune user.
    assert (six["required"], six["overdue"]) == (2, 2)
    client.force_login(t.agency_officer)
    assert client.get(reverse("reports:calendar")).status_code == 404


def _queries(client, url, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_compilation_and_report_pages_cost_the_same_queries_with_more_units_and_reports(client, chain):
    from tests import factories as f

    t = chain
    report = issued(t)
    client.force_login(t.province_staff)
    pages = [
        (reverse("reports:compilation"), {"unit": t.province.pk, **PARAMS}),
        (reverse("reports:report_detail", args=[report.pk]), None),
        (reverse("reports:report_list"), None),
        (reverse("reports:calendar"), None),
    ]
    with at(dt.date(2026, 6, 25)):
        client.get(pages[1][0])  # the first opening records the receipt
        before = [_queries(client, url, params) for url, params in pages]
        for n in range(5):
            area = f.UnitFactory(name=f"Xã Mới {n}", parent=t.province, kind=t.commune_area.kind, symbol="")
            pc = f.UnitFactory(name=f"UBND xã Mới {n}", parent=area)
            f.UnitFactory(name=f"Đảng ủy xã Mới {n}", parent=area, kind=t.party.kind, symbol="ĐU")
            session = f.DialogueSessionFactory(organising_unit=pc, held_on=dt.date(2026, 3, 1 + n))
            for _ in range(3):
                f.PetitionFactory(session=session)
        services.rounds_open()
    for unit in [t.commune2, t.ubnd]:
        issued(t, unit=unit, actor=t.province_staff, day=dt.date(2026, 6, 20))
    with at(dt.date(2026, 6, 25)):
        after = [_queries(client, url, params) for url, params in pages]
    assert after == before


def test_the_signed_scan_is_uploaded_after_issue_and_served_to_readers(client, chain, pdf_upload):
    t = chain
    with at(dt.date(2026, 6, 16)):
        draft = services.report_create(unit=t.commune_party, period=Period(kind="6m", year=2026), actor=t.commune_staff)
    client.force_login(t.commune_staff)
    client.post(reverse("reports:report_signed_upload", args=[draft.pk]), {"signed_file": pdf_upload("ky.pdf")})
    draft.refresh_from_db()
    assert not draft.signed_file  # refused before issue
    report = issued(t)
    client.post(reverse("reports:report_signed_upload", args=[report.pk]), {"signed_file": pdf_upload("ban-ky.pdf")})
    report.refresh_from_db()
    assert report.signed_file_name == "ban-ky.pdf"
    client.force_login(t.province_board)
    response = client.get(reverse("reports:report_signed_file", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
