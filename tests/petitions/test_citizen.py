"""The citizen's side of a petition: the receipt code given when it is recorded, protected
identities (one rule, everywhere), the publication of its result, and the receipt document."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from petitions.codes import normalise_code
from petitions.documents import notice_docx, qr_png, receipt_docx, reply_draft_docx
from petitions.history import petition_history
from petitions.identity import PROTECTED, petitioner_of
from petitions.models import EventKind, Petition, PetitionStatus, Publication
from petitions.publicity import lookup_url, publication_draft, redact
from petitions.selectors import may_see_petitioner, with_petitioner_visibility
from petitions.services import (
    notice_issue,
    petition_protect,
    petition_publish,
    petition_record,
    petition_unpublish,
    reply_record,
)
from reports.exports import petition_rows
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
NAME = "Bà Hà Thị Kín Đáo"
PHONE = "0987 654 321"
EMAIL = "ha.thi.kin@example.vn"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 5, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


def _user(name, unit, role):
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def people(province, staff_user, agency_user):
    return {
        "staff": staff_user,
        "agency": agency_user,
        "leader": _user("leader", province.province, "leader"),
        "front": _user("front", province.province, "front"),
        "board": _user("board", province.province, "board"),
        "commune_staff": _user("commune_staff", province.commune_area, "staff"),
        "admin": f.UserFactory(username="root", is_superuser=True, is_staff=True),
    }


@pytest.fixture
def session(province):
    return f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=D(2026, 4, 10))


@pytest.fixture
def protected(session, staff_user):
    return petition_record(
        session=session,
        actor=staff_user,
        petitioner_name=NAME,
        petitioner_phone=PHONE,
        petitioner_email=EMAIL,
        petitioner_address="Xóm Kín, Tân Lạc",
        content=f"Phản ánh cán bộ xã có biểu hiện suy thoái. Liên hệ {PHONE} hoặc {EMAIL}.",
        identity_protected=True,
    )


@pytest.fixture
def replied(protected, province, staff_user, agency_user):
    notice_issue(
        session=protected.session, number=1, symbol="TB-UBND", issued_on=D(2026, 4, 20), actor=staff_user,
        assignments={protected.pk: province.agency},
    )  # fmt: skip
    reply_record(
        petition=protected, replied_on=D(2026, 5, 10), number="12/SNN",
        summary=f"Đã xác minh, xử lý kỷ luật cán bộ; trả lời {NAME} theo địa chỉ {EMAIL}.", actor=agency_user,
    )  # fmt: skip
    return Petition.objects.get(pk=protected.pk)


# --- the receipt code -----------------------------------------------------------------------


def test_recording_gives_a_valid_unique_receipt_code_and_records_the_protection(protected, session, staff_user):
    other = petition_record(session=session, actor=staff_user, petitioner_name="Ông A", content="Đề nghị B")
    assert normalise_code(protected.receipt_code) == protected.receipt_code
    assert protected.receipt_code != other.receipt_code
    assert protected.identity_protected and not other.identity_protected
    kinds = list(protected.events.values_list("kind", flat=True))
    assert kinds == [EventKind.RECORDED, EventKind.PROTECTED]


def test_a_bad_petitioner_email_is_refused_and_nothing_is_written(session, staff_user):
    with pytest.raises(ValidationError) as error:
        petition_record(
            session=session, actor=staff_user, petitioner_name="Ông A", content="Đề nghị", petitioner_email="khong@"
        )
    assert "thư điện tử" in str(error.value)
    assert not Petition.objects.exists()


# --- who sees a protected petitioner --------------------------------------------------------


@pytest.mark.parametrize(
    "role, sees",
    [("staff", True), ("admin", True), ("agency", False), ("leader", False), ("front", False), ("board", False),
     ("commune_staff", False)],
)  # fmt: skip
def test_only_the_organising_units_staff_and_administrators_see_a_protected_petitioner(people, protected, role, sees):
    user = people[role]
    assert may_see_petitioner(user, protected) is sees
    shown = petitioner_of(protected, user)
    assert (shown.name == NAME) is sees
    assert shown.hidden is not sees
    if not sees:
        assert shown.name == str(PROTECTED) and not (shown.phone or shown.email or shown.address)
    annotated = with_petitioner_visibility(Petition.objects.filter(pk=protected.pk), user).get()
    assert annotated.petitioner_visible is sees
    assert petitioner_of(annotated, user).name == shown.name


def test_nobody_in_particular_never_sees_a_protected_petitioner_but_everyone_sees_the_others(people, protected):
    assert petitioner_of(protected).name == str(PROTECTED)
    protected.identity_protected = False
    for user in [None, *people.values()]:
        assert petitioner_of(protected, user).name == NAME


def test_only_the_organising_staff_may_protect_and_a_refusal_changes_nothing(protected, people):
    for role in ("agency", "leader", "front", "board", "commune_staff"):
        with pytest.raises(ValidationError):
            petition_protect(petition=protected, protected=False, actor=people[role])
    protected.refresh_from_db()
    assert protected.identity_protected
    assert protected.events.count() == 2


def test_protection_changes_are_on_the_timeline_and_in_the_history(protected, people):
    petition_protect(petition=protected, protected=False, actor=people["staff"])
    petition_protect(petition=protected, protected=False, actor=people["staff"])  # no change: no event
    petition_protect(petition=protected, protected=True, actor=people["admin"])
    kinds = list(protected.events.values_list("kind", flat=True))
    assert kinds == [EventKind.RECORDED, EventKind.PROTECTED, EventKind.UNPROTECTED, EventKind.PROTECTED]
    labels = [c.label for e in petition_history(protected, viewer=people["staff"]) for c in e.changes]
    assert "bảo vệ danh tính người kiến nghị" in labels


def test_the_history_hides_a_protected_petitioner_from_a_reader_who_may_not_see_it(protected, people):
    staff_text = str([(c.old, c.new) for e in petition_history(protected, viewer=people["staff"]) for c in e.changes])
    other_text = str([(c.old, c.new) for e in petition_history(protected, viewer=people["leader"]) for c in e.changes])
    assert NAME in staff_text and EMAIL in staff_text
    assert NAME not in other_text and EMAIL not in other_text and "0987" not in other_text
    assert str(PROTECTED) in other_text


def test_a_search_by_name_finds_a_protected_petition_only_for_those_who_may_see_it(client, people, protected):
    url = reverse("petitions:list") + "?q=Kín Đáo"
    client.force_login(people["leader"])
    assert f"#{protected.pk}<" not in client.get(url).content.decode()
    client.force_login(people["staff"])
    assert f"#{protected.pk}<" in client.get(url).content.decode()


def test_exports_name_a_protected_petitioner_only_for_the_organising_staff(people, protected):
    qs = Petition.objects.select_related("session__organising_unit", "field", "assigned_unit")
    assert petition_rows(qs, people["staff"])[1][0][3] == NAME
    for role in ("leader", "front", "board"):
        assert petition_rows(qs, people[role])[1][0][3] == str(PROTECTED)
    assert petition_rows(qs)[1][0][3] == str(PROTECTED)


# --- documents ------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return " ".join([p.text for p in doc.paragraphs] + cells)


def test_the_notice_sent_to_agencies_never_names_a_protected_petitioner(replied):
    text = _docx_text(notice_docx(replied.session.notice))
    assert NAME not in text and str(PROTECTED) in text


def test_the_reply_draft_names_a_protected_petitioner_only_for_a_reader_who_may_see_it(replied, people):
    assert NAME not in _docx_text(reply_draft_docx(replied, viewer=people["agency"]))
    assert "Xóm Kín" not in _docx_text(reply_draft_docx(replied, viewer=people["agency"]))
    assert NAME in _docx_text(reply_draft_docx(replied, viewer=people["admin"]))


def test_the_receipt_has_the_code_and_a_qr_code_of_the_lookup_address(protected, people, settings):
    settings.SITE_URL = "https://doithoai.example.gov.vn"
    content = receipt_docx(protected, viewer=people["staff"])
    text = _docx_text(content)
    assert "PHIẾU TIẾP NHẬN KIẾN NGHỊ" in text
    code = protected.receipt_code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in text
    url = lookup_url(protected)
    assert url.startswith("https://doithoai.example.gov.vn/tra-cuu/?ma=") and url in text
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        images = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    assert images == [qr_png(url)]
    assert images[0].startswith(b"\x89PNG")


def test_the_receipt_is_for_the_organising_staff_only(client, people, protected):
    url = reverse("petitions:receipt", args=[protected.pk])
    client.force_login(people["agency"])
    assert client.get(url).status_code == 404
    client.force_login(people["staff"])
    response = client.get(url)
    assert response.status_code == 200 and NAME in _docx_text(response.content)


# --- publication ----------------------------------------------------------------------------


def test_the_draft_of_a_publication_has_no_personal_data(replied):
    draft = publication_draft(replied)
    for value in (NAME, "Hà Thị Kín Đáo", EMAIL, PHONE, "0987654321"):
        assert value not in draft["question"] and value not in draft["answer"]
    assert "[đã ẩn]" in draft["answer"]
    assert redact("Gọi +84 912 345 678 hoặc CCCD 012345678901", replied).count("[đã ẩn]") == 2


def test_only_a_replied_petition_can_be_published(protected, people):
    with pytest.raises(ValidationError, match="đã có văn bản trả lời"):
        petition_publish(petition=protected, question="Kiến nghị", answer="Trả lời", actor=people["staff"])
    assert not Publication.objects.exists()


@pytest.mark.parametrize("leak", [NAME, "Hà Thị Kín Đáo", EMAIL, "0987.654.321", "liên hệ 0912345678", "x@y.vn"])
def test_publishing_refuses_a_text_that_still_holds_personal_data(replied, people, leak):
    with pytest.raises(ValidationError, match="thông tin cá nhân"):
        petition_publish(petition=replied, question="Kiến nghị", answer=f"Trả lời {leak}.", actor=people["staff"])
    assert not Publication.objects.exists()
    assert not replied.events.filter(kind=EventKind.PUBLISHED).exists()


def test_publishing_belongs_to_the_organising_staff(replied, people):
    for role in ("agency", "leader", "front", "board"):
        with pytest.raises(ValidationError):
            petition_publish(petition=replied, question="Kiến nghị", answer="Trả lời", actor=people[role])
    assert not Publication.objects.exists()


def test_publish_edit_and_unpublish_are_recorded_on_the_timeline_and_in_the_history(replied, people):
    staff = people["staff"]
    draft = publication_draft(replied)
    publication = petition_publish(petition=replied, actor=staff, **draft)
    assert publication.is_published and publication.published_by == staff and publication.reply is not None
    petition_publish(petition=replied, question=draft["question"], answer="Nội dung đã sửa.", actor=staff)
    publication.refresh_from_db()
    assert publication.answer == "Nội dung đã sửa."
    with pytest.raises(ValidationError):
        petition_unpublish(petition=replied, reason="  ", actor=staff)
    petition_unpublish(petition=replied, reason="Rà soát lại", actor=staff)
    publication.refresh_from_db()
    assert not publication.is_published
    with pytest.raises(ValidationError, match="chưa được công khai"):
        petition_unpublish(petition=replied, reason="Lần nữa", actor=staff)
    events = list(replied.events.filter(kind__in=[EventKind.PUBLISHED, EventKind.UNPUBLISHED]).order_by("id"))
    assert [(e.kind, e.data.get("first")) for e in events] == [
        (EventKind.PUBLISHED, True),
        (EventKind.PUBLISHED, False),
        (EventKind.UNPUBLISHED, None),
    ]
    assert events[-1].message == "Rà soát lại"
    history = petition_history(replied, viewer=staff)
    published = [e for e in history if e.subject == "Công khai kết quả"]
    assert len(published) == 3
    assert any(c.label == "đang công khai" and c.new == "Không" for e in published for c in e.changes)


def test_the_publish_page_starts_from_the_draft_and_publishes(client, replied, people):
    client.force_login(people["staff"])
    url = reverse("petitions:publish", args=[replied.pk])
    page = client.get(url).content.decode()
    assert NAME not in page and "[đã ẩn]" in page
    response = client.post(url, {"question": "Phản ánh cán bộ xã.", "answer": "Đã xử lý kỷ luật."})
    assert response.status_code == 302
    assert Publication.objects.get(petition=replied).is_published
    refused = client.post(url, {"question": "Phản ánh", "answer": f"Gửi {EMAIL}"})
    assert refused.status_code == 200 and "thông tin cá nhân" in refused.content.decode()
    assert Publication.objects.get(petition=replied).answer == "Đã xử lý kỷ luật."


def test_the_petition_page_offers_protection_and_publication_only_to_the_organising_staff(client, replied, people):
    url = reverse("petitions:detail", args=[replied.pk])
    client.force_login(people["staff"])
    page = client.get(url).content.decode()
    assert 'data-testid="protect"' in page and 'data-testid="publish"' in page and 'id="receipt-code"' in page
    client.force_login(people["agency"])
    page = client.get(url).content.decode()
    assert 'data-testid="protect"' not in page and 'data-testid="publish"' not in page
    assert 'id="receipt-code"' not in page
    assert NAME not in page and "Người kiến nghị được bảo vệ danh tính" in page
    # The petition's text, as the agency reads it, has the petitioner's contact removed too.
    assert EMAIL not in page and PHONE not in page and "[đã ẩn]" in page
    assert replied.status == PetitionStatus.REPLIED


def test_a_withdrawn_petition_cannot_change_its_protection(protected, people):
    from petitions.services import petition_withdraw

    petition_withdraw(petition=protected, reason="Nhập nhầm", actor=people["staff"])
    with pytest.raises(ValidationError, match="đã thu hồi"):
        petition_protect(petition=protected, protected=False, actor=people["staff"])
    protected.refresh_from_db()
    assert protected.identity_protected
