"""The public pages: the lookup by receipt code (no personal data, never another petition, the
same answer for every wrong code, a per-address rate limit), the published results per session
and per unit, and the figures behind their setting."""

import datetime as dt
import io
import random
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from petitions.codes import format_code, new_receipt_code
from petitions.models import Petition
from petitions.publicity import publication_draft
from petitions.selectors import petition_by_receipt_code
from petitions.services import notice_issue, petition_publish, petition_record, petition_unpublish, reply_record
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
NAME = "Ông Lường Văn Kín"
PHONE = "0911 222 333"
EMAIL = "luong.van.kin@example.vn"
ADDRESS = "Bản Lác, Mai Châu"
LOOKUP = reverse("public:lookup")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 5, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def replied(province, staff_user, agency_user):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=D(2026, 4, 10), topic="Đối thoại về đất")
    petition = petition_record(
        session=session, actor=staff_user, petitioner_name=NAME, petitioner_phone=PHONE, petitioner_email=EMAIL,
        petitioner_address=ADDRESS, content=f"{NAME} đề nghị cấp giấy chứng nhận; số điện thoại {PHONE}.",
    )  # fmt: skip
    other = petition_record(session=session, actor=staff_user, petitioner_name="Bà Khác", content="Kiến nghị khác")
    notice_issue(
        session=session, number=3, symbol="TB-UBND", issued_on=D(2026, 4, 20), actor=staff_user,
        assignments={petition.pk: province.agency, other.pk: province.agency},
    )  # fmt: skip
    reply_record(
        petition=petition, replied_on=D(2026, 5, 12), number="77/SNN", summary=f"Đã cấp giấy cho {NAME}.",
        actor=agency_user,
    )  # fmt: skip
    return Petition.objects.get(pk=petition.pk)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_lookup_shows_the_state_in_the_staff_pages_words_and_no_personal_data(client, replied):
    response = client.get(LOOKUP, {"ma": format_code(replied.receipt_code).lower()})
    assert response.status_code == 200
    text = _text(response)
    assert "Đã trả lời bằng văn bản" in text  # the petition status label
    assert "Hoàn thành đúng hạn" in text  # the DeadlineState label
    assert "20/05/2026" in text and "Sở Nông nghiệp và Môi trường" in text and "Đối thoại về đất" in text
    for personal in (NAME, "Lường Văn Kín", PHONE, "0911222333", EMAIL, ADDRESS):
        assert personal not in response.content.decode()
    assert "Kiến nghị khác" not in text
    assert response["Cache-Control"].startswith("private") and "no-store" in response["Cache-Control"]
    assert "<script" not in response.content.decode() and not response.cookies


def test_a_wrong_code_answers_the_same_whether_or_not_it_could_exist(client, replied):
    rng = random.Random(5)
    answers = set()
    for typed in [
        new_receipt_code(rng),
        new_receipt_code(rng),
        "WXYZ-WXYZ-WXY",
        "0000",
        replied.receipt_code[:-1] + "?",
    ]:
        body = client.get(LOOKUP, {"ma": typed}).content.decode().replace(typed, "")
        answers.add(body.replace(typed.upper(), ""))
    assert len(answers) == 1
    assert "Không tìm thấy kiến nghị với mã tra cứu này" in answers.pop()


def test_ten_thousand_random_codes_find_nothing(replied):
    rng = random.Random(14)
    found = [code for code in (new_receipt_code(rng) for _ in range(10_000)) if petition_by_receipt_code(code)]
    assert found == []
    assert petition_by_receipt_code(replied.receipt_code).pk == replied.pk


def test_the_rate_limit_holds_per_address_with_a_vietnamese_message(client, replied, settings):
    settings.PUBLIC_LOOKUP_LIMIT = 30
    rng = random.Random(1)
    for _ in range(30):
        response = client.get(LOOKUP, {"ma": new_receipt_code(rng)}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200 and "Không tìm thấy" in response.content.decode()
    # The limit is reached: even the right code is refused now, for this address only.
    blocked = client.get(LOOKUP, {"ma": replied.receipt_code}, REMOTE_ADDR="203.0.113.7")
    assert blocked.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần" in blocked.content.decode() and int(blocked["Retry-After"]) > 0
    assert replied.receipt_code not in blocked.content.decode()
    assert client.get(LOOKUP, {"ma": replied.receipt_code}, REMOTE_ADDR="203.0.113.8").status_code == 200
    # IPv6 counts per /64: another address of the same block is the same subscriber.
    for n in range(30):
        client.get(LOOKUP, {"ma": "X"}, REMOTE_ADDR=f"2001:db8::{n + 1:x}")
    assert client.get(LOOKUP, {"ma": "X"}, REMOTE_ADDR="2001:db8::ffff").status_code == 429


def test_the_rate_limit_still_holds_for_a_burst_of_random_codes(client, settings):
    settings.PUBLIC_LOOKUP_LIMIT = 20
    rng = random.Random(2)
    statuses = [client.get(LOOKUP, {"ma": new_receipt_code(rng)}).status_code for _ in range(300)]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}


def test_the_form_page_needs_no_script_and_is_cached(client, django_assert_num_queries):
    first = client.get(LOOKUP)
    assert first.status_code == 200 and 'name="ma"' in first.content.decode()
    assert "<script" not in first.content.decode() and 'method="get"' in first.content.decode()
    with django_assert_num_queries(0):
        assert client.get(LOOKUP).content == first.content


def test_published_results_appear_on_the_session_and_unit_pages_until_unpublished(client, replied, staff_user):
    session_url = reverse("public:session", args=[replied.session_id])
    unit_url = reverse("public:unit", args=[replied.session.organising_unit.parent_id])
    assert "Chưa có kết quả nào được công khai" in client.get(session_url).content.decode()
    petition_publish(petition=replied, actor=staff_user, **publication_draft(replied))
    for url in (session_url, unit_url, reverse("public:index")):
        page = client.get(url).content.decode()
        assert "Đã cấp giấy cho [đã ẩn]." in page, url
        assert NAME not in page and PHONE not in page and "Lường Văn Kín" not in page
        assert "<script" not in page
    lookup = client.get(LOOKUP, {"ma": replied.receipt_code}).content.decode()
    assert "Kết quả trả lời (công khai)" in lookup and "Đã cấp giấy cho [đã ẩn]." in lookup
    petition_unpublish(petition=replied, reason="Rà soát", actor=staff_user)
    # The cached pages are keyed on the published results: they change at once.
    for url in (session_url, unit_url):
        assert "Đã cấp giấy cho" not in client.get(url).content.decode()


def test_a_cached_results_page_costs_few_queries(client, replied, staff_user, django_assert_max_num_queries):
    petition_publish(petition=replied, actor=staff_user, **publication_draft(replied))
    url = reverse("public:session", args=[replied.session_id])
    client.get(url)
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


def test_planned_withdrawn_and_unknown_sessions_have_no_public_page(client, province):
    planned = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=D(2026, 6, 30))
    for pk in (planned.pk, 987654):
        assert client.get(reverse("public:session", args=[pk])).status_code == 404
    assert client.get(reverse("public:unit", args=[987654])).status_code == 404


def test_the_public_figures_are_off_by_default_and_count_per_unit_and_year(client, replied, settings):
    url = reverse("public:figures", args=[replied.session.organising_unit_id])
    assert client.get(url).status_code == 404
    settings.PUBLIC_FIGURES = True
    settings.REPORT_CUTOFF_DAY, settings.REPORT_CUTOFF_MONTH = 1, 1
    text = _text(client.get(url, {"nam": "2026"}))
    assert "Hội nghị đã tổ chức 1" in text and "Kiến nghị tiếp nhận 2" in text
    assert "Đã xử lý đúng hạn 1" in text and "Chưa xử lý, quá hạn 1" in text
    assert "Năm 2026" in text
    assert client.get(url, {"nam": "abc"}).status_code == 200  # a bad year shows the current one


def test_the_lookup_reveals_no_personal_data_for_any_petition_of_the_demo(client, settings):
    """Every petition of the demo (every status and deadline state it has): its lookup page
    holds none of its petitioner's data, nor any other petitioner's name."""
    settings.PUBLIC_LOOKUP_LIMIT = 100_000
    call_command("seed_demo", "--force", "--sessions", "24", stdout=io.StringIO())
    call_command("enforce_deadlines", "--no-email", stdout=io.StringIO())
    petitions = list(Petition.objects.all())
    statuses = {p.status for p in petitions}
    assert {"clarified", "assigned", "replied", "forwarded", "complex", "withdrawn"} <= statuses
    assert any(p.identity_protected for p in petitions)
    assert Petition.objects.filter(publication__is_published=True).exists()
    names = {p.petitioner_name for p in petitions}
    for petition in petitions:
        page = client.get(LOOKUP, {"ma": petition.receipt_code}).content.decode()
        assert format_code(petition.receipt_code) in page, petition.pk
        for value in (petition.petitioner_phone, petition.petitioner_email, petition.petitioner_address):
            assert not value or value not in page, (petition.pk, value)
        leaked = [name for name in names if name in page]
        assert not leaked, (petition.pk, leaked)
