"""Build a plausible demo province (DESIGN.md §5): units, leaders, two years of sessions and
petitions in every state, and the demo users (password ``demo``)."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo import heads
from demo.citizen import seed_citizen
from demo.documents import attach_demo_documents
from demo.followthrough import seed_followthrough
from demo.plan_succession import seed_district_plans_ahead
from demo.realism import PETITIONS as PETITION_CATALOGUE
from demo.realism import clock_at, person_name, petition_of
from demo.regulations import province_on, seed_regulations, seed_reorganisation
from demo.reports import seed_reports
from demo.workqueue import seed_openings
from petitions.deadlines import notice_due_date, reply_due_date
from petitions.models import Assessment, Field, Petition, PetitionStatus
from petitions.services import (
    complex_notice_send,
    notice_issue,
    petition_forward,
    petition_withdraw,
    reply_assess,
    reply_record,
    session_record_with_petitions,
    supervision_note_add,
)
from petitions.workflow import Action, allows
from sessions.models import DialogueSession, SessionKind
from sessions.services import default_notice_symbol, notice_next_number
from units.models import DocumentFormat, Leader, Membership, Role, Unit, UnitKind, UnitLevel

DEMO_PASSWORD = "demo"
REFORM_DAY = dt.date(2025, 7, 1)  # districts abolished, two-level local government

KINDS = [
    # code, name, format, party, front, board
    ("area", "Địa bàn hành chính", DocumentFormat.STATE, False, False, False),
    ("party_committee", "Cấp ủy Đảng", DocumentFormat.PARTY, True, False, False),
    ("peoples_committee", "Ủy ban nhân dân", DocumentFormat.STATE, False, False, False),
    ("agency", "Sở, ban, ngành, cơ quan chuyên môn", DocumentFormat.STATE, False, False, False),
    ("front", "Ủy ban Mặt trận Tổ quốc Việt Nam", DocumentFormat.STATE, False, True, False),
    ("socio_political", "Tổ chức chính trị - xã hội", DocumentFormat.STATE, False, True, False),
    ("mass_mobilisation", "Ban Dân vận / Ban Tuyên giáo và Dân vận", DocumentFormat.PARTY, False, False, True),
    ("internal_affairs", "Ban Nội chính", DocumentFormat.PARTY, False, False, True),
]

FIELDS = [
    "Đất đai, bồi thường, giải phóng mặt bằng",
    "Môi trường",
    "Giao thông, hạ tầng",
    "Y tế",
    "Giáo dục",
    "Chính sách xã hội, người có công",
    "An ninh, trật tự",
    "Nông nghiệp, nông thôn",
    "Xây dựng Đảng, cán bộ",
    "Thủ tục hành chính",
]

TOPICS = [
    "Đối thoại về công tác bồi thường, giải phóng mặt bằng",
    "Đối thoại với doanh nghiệp, nhà đầu tư",
    "Đối thoại về xây dựng nông thôn mới",
    "Đối thoại với đoàn viên, hội viên các đoàn thể",
    "Đối thoại về cải cách thủ tục hành chính",
    "Đối thoại về bảo vệ môi trường, khai thác khoáng sản",
    "Đối thoại với nhân dân khu vực trạm thu phí đường Hòa Lạc - Hòa Bình",
    "Đối thoại về chính sách hỗ trợ người có công",
]

COLLECTIVES = [
    "Chi hội Nông dân xóm Mường",
    "Ban công tác Mặt trận khu dân cư số 3",
    "Hội Cựu chiến binh xã",
    "Tập thể các hộ dân xóm Bãi",
]
COMMUNES = [
    ("Phường Hòa Bình", "Hòa Bình"),
    ("Phường Tân Hòa", "Hòa Bình"),
    ("Phường Thống Nhất", "Hòa Bình"),
    ("Xã Yên Quang", "Yên Quang"),
    ("Xã Tân Lạc", "Tân Lạc"),
    ("Xã Mai Châu", "Mai Châu"),
    ("Xã Lạc Sơn", "Lạc Sơn"),
    ("Xã Đà Bắc", "Đà Bắc"),
]
DISTRICTS = [
    ("Thành phố Hòa Bình", "Thành ủy", "TU"),
    ("Huyện Tân Lạc", "Huyện ủy", "HU"),
    ("Huyện Kỳ Sơn", "Huyện ủy", "HU"),
]


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu: một tỉnh với đơn vị, lãnh đạo, hội nghị hai năm, kiến nghị ở mọi trạng thái và các tài khoản demo_*."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Cho phép chạy khi DEBUG tắt.")
        parser.add_argument("--seed", type=int, default=7, help="Hạt giống ngẫu nhiên (mặc định 7).")
        parser.add_argument("--sessions", type=int, default=70, help="Số hội nghị (mặc định 70).")

    def handle(self, *args, force, seed, sessions, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG đang tắt (môi trường thật?): seed_demo từ chối chạy. Dùng --force nếu chắc chắn.")
        if get_user_model().objects.filter(username="demo_admin").exists():
            self.stdout.write("Dữ liệu mẫu đã có (tài khoản demo_admin tồn tại): không tạo lại.")
            return
        if sessions < 1:
            raise CommandError("--sessions phải lớn hơn 0.")
        self.rng = random.Random(seed)
        # Times of day of the acts: their own generator, so the demo's contents stay the same.
        self.clock_rng = random.Random(seed + 1)
        self.today = timezone.localdate()
        with transaction.atomic():
            units = self._units()
            users = self._users(units)
            self.staff = users["staff"]
            self.officers = {units["agencies"][0].pk: users["agency"], units["hb"]["agencies"][0].pk: users["agency"]}
            self.deferred = {"sessions": {}, "petitions": []}
            seed_regulations(units=units)
            counts = self._sessions(units, users, sessions)
            citizen = seed_citizen(rng=random.Random(seed + 14), staff=users["staff"], agency_unit=units["agencies"][0])
            counts.update(seed_reports(units=units, users=users, today=self.today))
            heads.seed_heads(units=units, users=users, today=self.today, seed=seed)
            seed_followthrough(units=units, users=users, officer=self._officer, today=self.today)
            attach_demo_documents(staff=users["staff"])
            seed_district_plans_ahead(units=units, staff=users["staff"])
            seed_reorganisation(units=units)
            self._successors_act(users, units)
            seed_openings(unit=units["agencies"][0], officer=users["agency"], today=self.today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo {Unit.objects.count()} đơn vị, {counts['sessions']} hội nghị, {counts['petitions']} kiến nghị; "
                f"tài khoản demo_staff, demo_leader, demo_agency, demo_front, demo_board, demo_admin (mật khẩu: {DEMO_PASSWORD}); "
                f"{citizen['published']} kết quả công khai, {citizen['protected']} người kiến nghị được bảo vệ danh tính; "
                f"thử tra cứu tại /tra-cuu/ với mã {citizen['sample_code']}."
            )
        )

    # -- units ---------------------------------------------------------------------------------

    def _units(self):
        kinds = {}
        for code, name, fmt, party, front, board in KINDS:
            kinds[code], _ = UnitKind.objects.get_or_create(
                code=code,
                defaults=dict(
                    name=name, document_format=fmt, is_party_committee=party, is_front=front,
                    receives_mass_mobilisation_reports=board,
                ),
            )  # fmt: skip
        for name in FIELDS:
            Field.objects.get_or_create(name=name)

        def unit(name, kind, parent=None, level=UnitLevel.PROVINCE, symbol="", place="Hòa Bình", **kw):
            return Unit.objects.create(
                name=name, kind=kinds[kind], parent=parent, level=level, symbol=symbol, place_name=place, **kw
            )

        # Hòa Bình's provincial bodies until 30/6/2025, Phú Thọ's (the merged province) from
        # 1/7/2025: the top-level keys are the province in office today, "hb" the old one.
        hb = self._province(unit, "Hòa Bình", active_to=REFORM_DAY - dt.timedelta(days=1))
        u = dict(self._province(unit, "Phú Thọ", active_from=REFORM_DAY), hb=hb)
        province = hb["province"]
        u["districts"] = []
        for name, committee, symbol in DISTRICTS:
            place = name.split(" ", 1)[1] if name.startswith("Huyện") else "Hòa Bình"
            area = unit(name, "area", province, UnitLevel.DISTRICT, place=place, active_to=dt.date(2025, 6, 30))
            party = unit(
                f"{committee} {place}",
                "party_committee",
                area,
                UnitLevel.DISTRICT,
                symbol,
                place,
                active_to=dt.date(2025, 6, 30),
            )
            ubnd = unit(f"UBND {name[0].lower()}{name[1:]}", "peoples_committee", area,
                        UnitLevel.DISTRICT, "UBND", place, active_to=dt.date(2025, 6, 30))  # fmt: skip
            u["districts"].append((area, party, ubnd))
        u["communes"] = []
        for name, place in COMMUNES:
            area = unit(name, "area", u["province"], UnitLevel.COMMUNE, place=place, active_from=REFORM_DAY)
            party = unit(f"Đảng ủy {name[0].lower()}{name[1:]}", "party_committee", area,
                         UnitLevel.COMMUNE, "ĐU", place, active_from=REFORM_DAY)  # fmt: skip
            ubnd = unit(
                f"UBND {name[0].lower()}{name[1:]}",
                "peoples_committee",
                area,
                UnitLevel.COMMUNE,
                "UBND",
                place,
                active_from=REFORM_DAY,
            )
            unit(
                f"Ủy ban MTTQ {name[0].lower()}{name[1:]}",
                "front",
                area,
                UnitLevel.COMMUNE,
                "MTTQ",
                place,
                active_from=REFORM_DAY,
            )
            u["communes"].append((area, party, ubnd))
        return u

    @staticmethod
    def _province(unit, place, *, active_from=None, active_to=None):
        """One province's bodies: the area, the party committee, the People's Committee and its
        departments, the Front, the Board and the other provincial bodies. Hòa Bình's carry the
        province's name (they ended on 30/6/2025); the departments of Phú Thọ, in office, do not."""
        dates = {"active_from": active_from, "active_to": active_to}
        old = active_to is not None
        p = {"province": unit(f"Tỉnh {place}", "area", place=place, **dates)}
        province = p["province"]
        p["party"] = unit(f"Tỉnh ủy {place}", "party_committee", province, symbol="TU", place=place, **dates)
        p["ubnd"] = unit(f"UBND tỉnh {place}", "peoples_committee", province, symbol="UBND", place=place, **dates)
        p["front"] = unit(f"Ủy ban MTTQ Việt Nam tỉnh {place}", "front", province, symbol="MTTQ", place=place, **dates)
        board_from = active_from
        if old:
            # Renamed "Ban Tuyên giáo và Dân vận" when the Board merged with the Propaganda Board.
            unit(f"Ban Dân vận Tỉnh ủy {place}", "mass_mobilisation", province, symbol="BDVTU", place=place,
                 active_to=dt.date(2025, 2, 28))  # fmt: skip
            board_from = dt.date(2025, 3, 1)
        p["board"] = unit(f"Ban Tuyên giáo và Dân vận Tỉnh ủy {place}", "mass_mobilisation", province,
                          symbol="BTGDVTU", place=place, active_from=board_from, active_to=active_to)  # fmt: skip
        p["others"] = [
            unit(f"Ban Nội chính Tỉnh ủy {place}", "internal_affairs", province, symbol="BNCTU", place=place, **dates),
            unit(f"Hội Liên hiệp Phụ nữ tỉnh {place}", "socio_political", province, place=place, **dates),
            unit(f"Hội Nông dân tỉnh {place}", "socio_political", province, place=place, **dates),
        ]
        agencies = [
            ("Sở Nông nghiệp và Môi trường", "SNNMT"),
            ("Sở Xây dựng", "SXD"),
            ("Sở Y tế", "SYT"),
            ("Sở Giáo dục và Đào tạo", "SGDĐT"),
            ("Sở Nội vụ", "SNV"),
            ("Công an", "CAT"),
        ]
        p["agencies"] = [
            unit(
                f"{name} tỉnh {place}" if old or symbol == "CAT" else name,
                "agency",
                p["ubnd"],
                symbol=symbol,
                place=place,
                **dates,
            )  # fmt: skip
            for name, symbol in agencies
        ]
        return p

    # -- users and leaders ---------------------------------------------------------------------

    def _users(self, u):
        User = get_user_model()

        def user(username, first, last, **kw):
            obj = User.objects.create_user(username=username, password=DEMO_PASSWORD, first_name=first, last_name=last,
                                           email=f"{username}@phutho.example.vn", **kw)  # fmt: skip
            return obj

        users = {
            "staff": user("demo_staff", "Đinh Thị", "Thu"),
            "leader": user("demo_leader", "Bùi Văn", "Khánh"),
            "agency": user("demo_agency", "Quách Văn", "Lâm"),
            "front": user("demo_front", "Hà Thị", "Hạnh"),
            "board": user("demo_board", "Xa Văn", "Tâm"),
            "admin": user("demo_admin", "Quản trị", "Hệ thống", is_staff=True, is_superuser=True),
        }
        # Each account served Hòa Bình until 30/6/2025 and serves Phú Thọ since: the
        # reorganisation ends the Hòa Bình memberships (ops.reorganisation), the others stay.
        for p in (u["hb"], u):
            province = p["province"]
            Membership.objects.create(user=users["staff"], unit=province, role=Role.STAFF, organisation=p["party"])
            Membership.objects.create(user=users["leader"], unit=province, role=Role.LEADER, organisation=p["party"])
            Membership.objects.create(user=users["agency"], unit=p["agencies"][0], role=Role.AGENCY)
            Membership.objects.create(user=users["front"], unit=province, role=Role.FRONT, organisation=p["front"])
            Membership.objects.create(user=users["board"], unit=province, role=Role.BOARD, organisation=p["board"])
            Membership.objects.create(user=users["admin"], unit=province, role=Role.ADMIN)
        # A commune's own staff and officers, for trying a narrower scope.
        commune_area, commune_party, commune_ubnd = u["communes"][4]
        Membership.objects.create(user=user("demo_commune_staff", "Lò Văn", "Nam"), unit=commune_area, role=Role.STAFF)
        Membership.objects.create(user=user("demo_commune_front", "Hà Văn", "Bình"), unit=commune_area, role=Role.FRONT)

        start = dt.date(2021, 1, 1)
        hb = u["hb"]
        last = hb["province"].active_to
        self.leaders = {}
        for p, begin, end, chairman in (
            (hb, start, last, "Bùi Đức Hinh"),
            (u, REFORM_DAY, None, person_name(self.rng)),
        ):
            self.leaders[p["party"].pk] = Leader.objects.create(
                unit=p["party"], full_name="Bùi Văn Khánh", position="Bí thư Tỉnh ủy", user=users["leader"],
                term_start=begin, term_end=end,
            )  # fmt: skip
            self.leaders[p["ubnd"].pk] = Leader.objects.create(
                unit=p["ubnd"], full_name=chairman, position="Chủ tịch UBND tỉnh", term_start=begin, term_end=end
            )
            for agency in p["agencies"]:
                Leader.objects.create(unit=agency, full_name=person_name(self.rng),
                                      position=f"Giám đốc {agency.name}", term_start=begin, term_end=end)  # fmt: skip
        for group, (party_title, ubnd_title) in (
            ("districts", ("Bí thư", "Chủ tịch UBND")),
            ("communes", ("Bí thư Đảng ủy", "Chủ tịch UBND")),
        ):
            for _area, party, ubnd in u[group]:
                begin = party.active_from or start
                self.leaders[party.pk] = Leader.objects.create(
                    unit=party, full_name=person_name(self.rng), position=party_title,
                    term_start=begin, term_end=party.active_to,
                )  # fmt: skip
                self.leaders[ubnd.pk] = Leader.objects.create(
                    unit=ubnd, full_name=person_name(self.rng), position=ubnd_title,
                    term_start=begin, term_end=ubnd.active_to,
                )  # fmt: skip
        return users

    def _officer(self, unit):
        """The agency officer who answers for ``unit`` (demo_agency for the first department;
        an account without a password for every other unit that gets work)."""
        if unit.pk not in self.officers:
            officer = get_user_model().objects.create_user(
                username=f"canbo_{unit.pk}", password=None, first_name="Cán bộ", last_name=unit.name[:140]
            )
            Membership.objects.create(user=officer, unit=unit, role=Role.AGENCY)
            self.officers[unit.pk] = officer
        return self.officers[unit.pk]

    # -- sessions and petitions ------------------------------------------------------------------

    def _organisers(self, u, day):
        province = province_on(u, day)
        organisers = [province["party"], province["ubnd"]]
        group = u["communes"] if day >= REFORM_DAY else u["districts"]
        for _area, party, ubnd in group:
            organisers += [party, ubnd]
        return organisers

    def _sessions(self, u, users, count):
        rng, today = self.rng, self.today
        fields = {f.name: f for f in Field.objects.all()}
        first_day = dt.date(today.year - 1, 1, 10)
        # Sessions are recorded once held (a future dialogue is an item of the plan).
        span = (today - first_day).days
        days = sorted(first_day + dt.timedelta(days=rng.randrange(span)) for _ in range(count))

        # Recent sessions in every state: notice overdue, notice due soon, notice open, and one
        # whose petitions' replies fall due in the next days.
        def first_day_back(offsets, due, low, high):
            """The first ``today - offset`` whose due date falls ``low``..``high`` days ahead."""
            for offset in offsets:
                day = today - dt.timedelta(days=offset)
                if low <= (due(day) - today).days <= high:
                    return day
            return today - dt.timedelta(days=offsets[0])

        special = {
            today - dt.timedelta(days=15): None,  # notice overdue
            first_day_back(range(7, 14), lambda d: notice_due_date(d, unit=u["province"]), 0, 3): None,  # due soon
            today - dt.timedelta(days=2): None,  # notice open
            # replies due soon: notice issued 6 days after the session, reply due in 0..3 days
            first_day_back(
                range(30, 45), lambda d: reply_due_date(d + dt.timedelta(days=6), unit=u["agencies"][0]), 0, 3
            ): 6,
            today - dt.timedelta(days=16): 6,  # replies open
        }
        days = sorted(days[: count - len(special)] + list(special))
        staff = users["staff"]
        n_petitions = 0
        for held_on in days:
            organiser = rng.choice(self._organisers(u, held_on))
            chair = self.leaders.get(organiser.pk)
            rows = []
            for _ in range(rng.randint(3, 8)):
                collective = rng.random() < 0.25
                clarified = rng.random() < 0.2
                content, field_name, _agency = petition_of(rng)
                rows.append(
                    dict(
                        petitioner_kind="collective" if collective else "person",
                        petitioner_name=rng.choice(COLLECTIVES) if collective else person_name(rng),
                        petitioner_address=f"Xóm {rng.randint(1, 12)}, {organiser.place_name}",
                        petitioner_phone=f"09{rng.randint(10000000, 99999999)}",
                        content=content,
                        field=fields[field_name],
                        clarified_at_conference=clarified,
                        conference_answer="Đồng chí chủ trì đã giải thích rõ chính sách tại hội nghị."
                        if clarified
                        else "",
                    )
                )
            with clock_at(min(held_on, today), self.clock_rng):
                session = session_record_with_petitions(
                    organising_unit=organiser,
                    kind=SessionKind.AD_HOC if rng.random() < 0.3 else SessionKind.PERIODIC,
                    held_on=held_on,
                    topic=rng.choice(TOPICS),
                    place=f"Hội trường {organiser.name}",
                    chair=chair,
                    actor=staff,
                    participants=[
                        {"name": "Ủy ban MTTQ cùng cấp", "role": "front"},
                        {"name": "Đại diện các hộ dân", "role": "citizen", "headcount": rng.randint(20, 120)},
                    ],
                    petitions=rows,
                )
            n_petitions += len(rows)
            # The notice: most on time, some late, some still missing (overdue or not yet due).
            if held_on > today:
                continue
            delay = special[held_on] if held_on in special else rng.choice([3, 5, 7, 8, 9, 10, 12, 16])
            if delay is None or (held_on not in special and rng.random() < 0.06):
                continue
            issued_on = min(held_on + dt.timedelta(days=delay), today)
            if not organiser.is_active_on(issued_on):
                # The organiser ended before its notice was due out: the successor sends it.
                self.deferred["sessions"][session.pk] = issued_on
                continue
            self._notice(session, issued_on, organiser, chair, u)
            if held_on in special:
                continue  # left waiting: its replies fall due in the coming days
            for petition in session.petitions.filter(status=PetitionStatus.ASSIGNED).order_by("pk"):
                self._answer(petition, users, u)
        return {"sessions": len(days), "petitions": n_petitions}

    def _notice(self, session, issued_on, organiser, chair, u):
        """The chair's conclusions, sent out on ``issued_on``: each petition to the department
        or the local People's Committee in office that day."""
        today = self.today
        staff = self.staff
        symbol = default_notice_symbol(organiser)
        pending = list(session.petitions.filter(status=PetitionStatus.RECORDED).order_by("pk"))
        agencies = province_on(u, issued_on)["agencies"]
        local = [ubnd for _a, _p, ubnd in u["communes"] + u["districts"] if ubnd.is_active_on(issued_on)]
        with clock_at(issued_on, self.clock_rng):
            notice_issue(
                session=session,
                number=notice_next_number(session=session, symbol=symbol, issued_on=issued_on),
                symbol=symbol,
                issued_on=issued_on,
                actor=staff,
                signer_name=chair.full_name if chair else "",
                signer_position=chair.position if chair else "",
                body="Đồng chí chủ trì kết luận, giao các cơ quan, đơn vị giải quyết các kiến nghị dưới đây.",
                backdate_reason="Nhập lại từ sổ theo dõi văn bản của cơ quan." if (today - issued_on).days > 3 else "",
                assignments={p.pk: self._responsible(p, agencies, local) for p in pending},
            )

    def _successors_act(self, users, u):
        """After the reorganisation: the successors send the notices their predecessors had not
        sent by 30/6/2025, and answer what passed to them."""
        for pk, issued_on in self.deferred["sessions"].items():
            session = DialogueSession.objects.select_related("organising_unit").get(pk=pk)
            organiser = session.organising_unit
            self._notice(session, issued_on, organiser, self.leaders.get(organiser.pk), u)
            for petition in session.petitions.filter(status=PetitionStatus.ASSIGNED).order_by("pk"):
                self._answer(petition, users, u)
        pending, self.deferred["petitions"] = self.deferred["petitions"], []
        for pk in dict.fromkeys(pending):
            petition = Petition.objects.select_related("responsible_unit", "assigned_unit").get(pk=pk)
            took_over = REFORM_DAY + dt.timedelta(days=self.rng.randint(5, 40))
            if petition.status == PetitionStatus.ASSIGNED:
                self._answer(petition, users, u, not_before=took_over)
            elif allows(petition.status, Action.REPLY) and self.rng.random() < 0.7:
                unit = petition.responsible_unit
                with clock_at(took_over, self.clock_rng):
                    reply_record(petition=petition, replied_on=took_over, number=f"{self.rng.randint(10, 999)}/{unit.symbol or 'CV'}",
                                 summary="Đơn vị kế thừa đã xem xét, trả lời người kiến nghị.", actor=self._officer(unit))  # fmt: skip

    def _responsible(self, petition, agencies, local):
        """The agency that handles the petition's matter; some go to the local People's Committee."""
        symbol = next((s for c, _f, s in PETITION_CATALOGUE if c == petition.content), "")
        by_symbol = {a.symbol: a for a in agencies}
        if symbol in by_symbol and (self.rng.random() < 0.75 or not local):
            return by_symbol[symbol]
        return self.rng.choice(local or agencies)

    def _answer(self, petition, users, u, not_before=None):
        """Move an assigned petition on: replied on time or late, forwarded, complex, or left open.
        Each act is stamped with the day it happened, by a unit in office that day: what falls
        after its unit ended waits for the successor (``_successors_act``)."""
        rng, today = self.rng, self.today
        roll = rng.random()
        unit = petition.responsible_unit
        agency_user = self._officer(unit)
        act_on = petition.assigned_on + dt.timedelta(days=rng.choice([5, 12, 20, 26, 29, 33, 41]))
        act_on = max(act_on, not_before or act_on)
        if act_on > today or roll < 0.12:
            return  # still waiting: open, due soon or overdue depending on the date
        if not unit.is_active_on(act_on):
            self.deferred["petitions"].append(petition.pk)
            return
        if roll < 0.70:
            with clock_at(act_on, self.clock_rng):
                reply = reply_record(
                    petition=petition, replied_on=act_on, number=f"{rng.randint(10, 999)}/{petition.assigned_unit.symbol or 'CV'}",
                    summary="Đơn vị đã kiểm tra, giải quyết và trả lời bằng văn bản cho người kiến nghị.", actor=agency_user,
                )  # fmt: skip
            # The Front assesses some replies; a few are judged unsatisfactory. The Front in
            # office that day, over a unit still in office (an ended unit's closed replies stay
            # in its history).
            assessed_on = act_on + dt.timedelta(days=rng.randint(1, 10))
            if assessed_on <= today and rng.random() < 0.4 and unit.is_active_on(assessed_on):
                unsatisfied = rng.random() < 0.3
                with clock_at(assessed_on, self.clock_rng):
                    reply_assess(
                        reply=reply, assessor=users["front"], assessed_on=assessed_on,
                        result=Assessment.UNSATISFIED if unsatisfied else Assessment.SATISFIED,
                        reason="Trả lời chưa đúng trọng tâm, chưa nêu thời hạn khắc phục." if unsatisfied else "",
                        unit=province_on(u, assessed_on)["front"],
                    )  # fmt: skip
        elif roll < 0.80:
            province = province_on(u, act_on)
            competent = province["ubnd"] if petition.assigned_unit != province["ubnd"] else province["party"]
            with clock_at(act_on, self.clock_rng):
                petition_forward(petition=petition, to_unit=competent, reason="Nội dung vượt thẩm quyền, đề nghị cấp tỉnh xem xét.",
                                 forwarded_on=act_on, actor=agency_user)  # fmt: skip
            later = act_on + dt.timedelta(days=rng.choice([10, 20, 40]))
            if later <= today and rng.random() < 0.6:
                if not competent.is_active_on(later):
                    self.deferred["petitions"].append(petition.pk)
                    return
                with clock_at(later, self.clock_rng):
                    reply_record(petition=petition, replied_on=later, number=f"{rng.randint(10, 999)}/{competent.symbol}",
                                 summary="Cấp có thẩm quyền đã xem xét, trả lời người kiến nghị.",
                                 actor=self._officer(competent))  # fmt: skip
        elif roll < 0.92:
            target = act_on + dt.timedelta(days=rng.choice([20, 45, 90]))
            with clock_at(act_on, self.clock_rng):
                complex_notice_send(petition=petition, notified_on=act_on, new_target_on=target,
                                    reason="Vụ việc phức tạp, cần đo đạc, xác minh nguồn gốc đất.", actor=agency_user,
                                    target_reason="" if target > today else "Nhập lại từ hồ sơ lưu của đơn vị.")  # fmt: skip
            final = target - dt.timedelta(days=rng.choice([-5, 3, 10]))
            if final <= today and rng.random() < 0.6:
                if not unit.is_active_on(max(final, act_on)):
                    self.deferred["petitions"].append(petition.pk)
                    return
                with clock_at(max(final, act_on), self.clock_rng):
                    reply_record(petition=petition, replied_on=max(final, act_on), number=f"{rng.randint(10, 999)}/CV",
                                 summary="Trả lời cuối cùng sau khi xác minh.", actor=agency_user)  # fmt: skip
        elif roll < 0.96:
            with clock_at(act_on, self.clock_rng):
                supervision_note_add(
                    petition=petition, author=users["front"], text="MTTQ đề nghị đơn vị sớm trả lời kiến nghị."
                )
        else:
            with clock_at(act_on, self.clock_rng):
                petition_withdraw(petition=petition, reason="Người kiến nghị đã rút kiến nghị.", actor=users["staff"])
