"""Reports to the head: every reply, forwarding and complex-case notice is reported to the heads of
the party committee and the government at the session's level, who find it in their "to follow"
list and may write a direction, which goes on the timeline and notifies the responsible unit."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from notifications.events import events_dispatch
from notifications.models import Notification, ObligationKind
from petitions import services
from petitions.models import Direction, EventKind, PetitionEvent
from petitions.selectors import direction_leaders_for, petition_actions, reports_to_follow
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
HANOI = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=HANOI), tick=False):
        yield


def _user(name, unit=None, role=None):
    user = f.UserFactory(username=name)
    if unit is not None:
        f.MembershipFactory(user=user, unit=unit, role=role)
    return user


def _answered_petition(unit, staff, agency_unit, agency_officer, topic):
    session = services.session_record_with_petitions(
        organising_unit=unit, kind="periodic", held_on=D(2026, 3, 2), topic=topic, place="Hội trường", actor=staff,
        petitions=[{"petitioner_name": "Ông Bùi Văn A", "content": f"Đề nghị sửa đường ({topic})"}],
    )  # fmt: skip
    services.notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=D(2026, 3, 5), actor=staff,
        assignments={session.petitions.get().pk: agency_unit},
    )  # fmt: skip
    petition = session.petitions.get()
    services.reply_record(
        petition=petition, replied_on=D(2026, 3, 12), number="12/TL", summary="Đã sửa", actor=agency_officer
    )
    petition.refresh_from_db()
    return petition


@pytest.fixture
def w(province, staff_user, agency_user):
    t = province
    t.commune_party = f.UnitFactory(name="Đảng ủy xã Tân Lạc", parent=t.commune_area, kind=f.PartyKindFactory())
    secretary = _user("bithu")  # heads the provincial party committee; no membership needed to be told
    f.MembershipFactory(user=secretary, unit=t.province, role="leader")
    secretary_term = f.LeaderFactory(unit=t.party, user=secretary, full_name="Bùi Văn Khánh", position="Bí thư Tỉnh ủy")
    chairman_term = f.LeaderFactory(unit=t.ubnd, full_name="Bùi Đức Hinh", position="Chủ tịch UBND tỉnh")
    commune_chair = _user("chutichxa", t.commune_area, "leader")
    commune_term = f.LeaderFactory(unit=t.commune, user=commune_chair, full_name="Lò Văn Nam")
    commune_staff = _user("vpxa", t.commune_area, "staff")
    province_petition = _answered_petition(t.ubnd, staff_user, t.agency, agency_user, "cấp tỉnh")
    commune_petition = _answered_petition(t.commune, commune_staff, t.agency, agency_user, "cấp xã")
    return SimpleNamespace(
        t=t, staff=staff_user, agency=agency_user, secretary=secretary, secretary_term=secretary_term,
        chairman_term=chairman_term, commune_chair=commune_chair, commune_term=commune_term,
        commune_staff=commune_staff, province_petition=province_petition, commune_petition=commune_petition,
    )  # fmt: skip


def test_a_reply_is_in_the_to_follow_list_of_the_same_level_heads_only(w):
    province_list = list(reports_to_follow(w.secretary))
    assert [e.petition_id for e in province_list] == [w.province_petition.pk]
    assert province_list[0].kind == EventKind.REPLIED and not province_list[0].directed
    assert [e.petition_id for e in reports_to_follow(w.commune_chair)] == [w.commune_petition.pk]
    # The province's staff follow for the province's heads; the commune's staff for the commune's.
    assert [e.petition_id for e in reports_to_follow(w.staff)] == [w.province_petition.pk]
    assert [e.petition_id for e in reports_to_follow(w.commune_staff)] == [w.commune_petition.pk]
    assert not reports_to_follow(w.agency).exists()


def test_the_reply_is_notified_to_the_same_level_heads(w):
    events_dispatch()
    reported = Notification.objects.filter(obligation=ObligationKind.EVENT, stage=EventKind.REPLIED)
    by_petition = {(n.petition_id, n.recipient.username) for n in reported}
    assert (w.province_petition.pk, "bithu") in by_petition
    assert (w.commune_petition.pk, "chutichxa") in by_petition
    assert (w.commune_petition.pk, "bithu") not in by_petition
    assert "đã được trả lời bằng văn bản" in reported.filter(recipient=w.secretary).get().title
    assert events_dispatch() == 0


def test_a_head_writes_a_direction_which_goes_on_the_timeline_and_notifies_the_unit(w, agency_user):
    direction = services.petition_direct(
        petition=w.province_petition, leader=w.secretary_term, text="Kiểm tra lại chất lượng công trình",
        actor=w.secretary,
    )  # fmt: skip
    assert direction.unit == w.t.agency and direction.given_on == D(2026, 3, 20)
    event = PetitionEvent.objects.get(kind=EventKind.DIRECTED)
    assert "Bùi Văn Khánh" in event.message and "Kiểm tra lại" in event.message
    events_dispatch()
    notified = Notification.objects.filter(obligation=ObligationKind.EVENT, stage=EventKind.DIRECTED)
    assert set(notified.values_list("recipient__username", flat=True)) == {"agency"}
    assert [e.directed for e in reports_to_follow(w.secretary)] == [True]


def test_staff_write_a_direction_on_the_heads_behalf_but_not_for_another_level(w):
    assert {h.pk for h in direction_leaders_for(w.staff, w.province_petition)} == {
        w.secretary_term.pk,
        w.chairman_term.pk,
    }
    services.petition_direct(
        petition=w.province_petition, leader=w.chairman_term, text="Báo cáo kết quả trước 30/4", actor=w.staff
    )
    assert Direction.objects.get().author == w.staff
    assert direction_leaders_for(w.commune_staff, w.province_petition) == []
    with pytest.raises(ValidationError) as info:
        services.petition_direct(
            petition=w.province_petition, leader=w.chairman_term, text="Chỉ đạo", actor=w.commune_staff
        )
    assert "không được ghi ý kiến chỉ đạo thay" in " ".join(info.value.messages)
    assert Direction.objects.count() == 1


def test_a_head_outside_the_sessions_level_or_out_of_office_is_refused(w):
    before = (Direction.objects.count(), PetitionEvent.objects.count())
    with pytest.raises(ValidationError) as info:
        services.petition_direct(
            petition=w.province_petition, leader=w.commune_term, text="Chỉ đạo", actor=w.commune_chair
        )
    assert "không phải người đứng đầu cấp ủy, chính quyền cùng cấp" in " ".join(info.value.messages)
    w.secretary_term.term_end = D(2026, 3, 1)
    w.secretary_term.save()
    with pytest.raises(ValidationError):
        services.petition_direct(petition=w.province_petition, leader=w.secretary_term, text="x", actor=w.secretary)
    assert (Direction.objects.count(), PetitionEvent.objects.count()) == before


def test_a_direction_needs_text_a_sane_date_and_a_petition_with_a_responsible_unit(w):
    for kwargs, field in (
        ({"text": "  "}, "text"),
        ({"given_on": D(2026, 3, 21)}, "given_on"),
        ({"given_on": D(2026, 3, 1)}, "given_on"),
        ({"leader": None}, "leader"),
    ):
        data = {"petition": w.province_petition, "leader": w.secretary_term, "text": "Chỉ đạo", "actor": w.secretary}
        with pytest.raises(ValidationError) as info:
            services.petition_direct(**{**data, **kwargs})
        assert field in info.value.message_dict
    recorded = services.session_record_with_petitions(
        organising_unit=w.t.ubnd, kind="periodic", held_on=D(2026, 3, 18), topic="Mới", place="Hội trường",
        actor=w.staff, petitions=[{"petitioner_name": "Bà C", "content": "Kiến nghị mới"}],
    ).petitions.get()  # fmt: skip
    with pytest.raises(ValidationError) as info:
        services.petition_direct(petition=recorded, leader=w.secretary_term, text="Chỉ đạo", actor=w.secretary)
    assert "Chỉ ghi ý kiến chỉ đạo cho kiến nghị đã giao" in " ".join(info.value.messages)
    assert Direction.objects.count() == 0
    assert not PetitionEvent.objects.filter(kind=EventKind.DIRECTED).exists()


def test_the_pages_offer_the_direction_to_those_who_may_write_it(w):
    client = Client()
    client.force_login(w.secretary)
    page = client.get(reverse("petitions:to_follow"))
    assert page.status_code == 200 and f"#{w.province_petition.pk}" in page.content.decode()
    assert petition_actions(w.secretary, w.province_petition)["direct"]
    assert not petition_actions(w.agency, w.province_petition)["direct"]
    url = reverse("petitions:direct", args=[w.province_petition.pk])
    empty = client.post(url, {"leader": w.secretary_term.pk, "text": "", "given_on": "20/03/2026"})
    assert empty.status_code == 200 and not Direction.objects.exists()
    done = client.post(
        url, {"leader": w.secretary_term.pk, "text": "Đề nghị báo cáo kết quả", "given_on": "20/03/2026"}
    )
    assert done.status_code == 302 and Direction.objects.count() == 1
    detail = client.get(w.province_petition.get_absolute_url()).content.decode()
    assert "Đề nghị báo cáo kết quả" in detail
    officer = Client()
    officer.force_login(w.agency)
    assert officer.get(url).status_code == 404
    assert officer.post(url, {"leader": w.secretary_term.pk, "text": "x", "given_on": "20/03/2026"}).status_code == 404
    assert Direction.objects.count() == 1
