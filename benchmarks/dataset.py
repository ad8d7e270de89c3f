"""A synthetic country: units, users, sessions, petitions and what answered them, loaded with
PostgreSQL ``COPY`` from in-memory TSV chunks generated in Python.

Scale 1 is national: 34 provinces, about 3,500 units, 60,000 sessions over five years and
1,000,000 petitions, with realistic state mixes. Legal dates come from ``petitions.deadlines``
(one call per distinct start date, cached), never from arithmetic here. Notifications already
recorded "yesterday" are loaded too, so that one day of the deadline jobs does one day's work.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone

from common.text import normalise_search
from notifications.engine import stages_for
from notifications.models import EmailStatus, Notification, ObligationKind
from petitions.codes import new_receipt_code
from petitions.deadlines import FORWARDED, NOTICE, REPLY, WorkCalendar, explain_due_date
from petitions.models import (
    Assessment,
    ComplexCaseNotice,
    Field,
    Forwarding,
    Petition,
    PetitionEvent,
    PetitionStatus,
    ReplyAssessment,
    SupervisionNote,
    WrittenReply,
)
from petitions.search import petition_search_text, petitioner_search_text, reply_search_text
from sessions.models import (
    ConclusionNotice,
    DialogueSession,
    NoticeRecipient,
    SessionKind,
    SessionParticipant,
    SessionUnit,
)
from units.models import DataVersion, DocumentFormat, Leader, Membership, Role, Unit, UnitKind, UnitLevel
from units.versions import data_changed_everywhere

NATIONAL = {"provinces": 34, "units": 3500, "sessions": 60_000, "petitions": 1_000_000}
REFORM_DAY = dt.date(2025, 7, 1)  # districts abolished (two-level local government)
YEARS = 5
AGENCIES_PER_PROVINCE = 10
DISTRICTS_PER_PROVINCE = 6
UNITS_PER_PROVINCE = 1 + 4 + AGENCIES_PER_PROVINCE + 3 * DISTRICTS_PER_PROVINCE  # without communes
UNITS_PER_COMMUNE = 4

KINDS = [
    # code, name, format, party, front, board
    ("area", "Địa bàn hành chính", DocumentFormat.STATE, False, False, False),
    ("party_committee", "Cấp ủy Đảng", DocumentFormat.PARTY, True, False, False),
    ("peoples_committee", "Ủy ban nhân dân", DocumentFormat.STATE, False, False, False),
    ("agency", "Sở, ban, ngành, cơ quan chuyên môn", DocumentFormat.STATE, False, False, False),
    ("front", "Ủy ban Mặt trận Tổ quốc Việt Nam", DocumentFormat.STATE, False, True, False),
    ("mass_mobilisation", "Ban Dân vận / Ban Tuyên giáo và Dân vận", DocumentFormat.PARTY, False, False, True),
]
AGENCY_NAMES = [
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Nội vụ",
    "Công an tỉnh",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
]
FIELD_NAMES = [
    "Đất đai",
    "Môi trường",
    "Giao thông",
    "Xây dựng, quy hoạch",
    "Y tế",
    "Giáo dục",
    "Chính sách xã hội",
    "An ninh, trật tự",
    "Nông nghiệp",
    "Điện, nước sinh hoạt",
    "Cải cách hành chính",
    "Khác",
]
CONTENTS = [
    "Đề nghị sửa chữa tuyến đường liên thôn bị xuống cấp nghiêm trọng sau mùa mưa lũ.",
    "Đề nghị giải quyết dứt điểm việc cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân.",
    "Phản ánh tình trạng ô nhiễm môi trường do cơ sở chăn nuôi gây ra.",
    "Đề nghị bố trí kinh phí xây dựng nhà văn hóa thôn.",
    "Đề nghị xem xét mức bồi thường, hỗ trợ khi thu hồi đất làm dự án.",
    "Phản ánh việc cấp nước sinh hoạt không ổn định trong mùa khô.",
    "Đề nghị tăng cường bảo đảm an ninh trật tự tại khu vực chợ.",
    "Đề nghị hỗ trợ giống cây trồng cho các hộ bị thiệt hại do thiên tai.",
    "Kiến nghị đơn giản hóa thủ tục hành chính về đăng ký hộ tịch.",
    "Đề nghị nâng cấp trạm y tế xã và bổ sung nhân lực.",
    "Đề nghị sớm chi trả chế độ cho người có công với cách mạng.",
    "Phản ánh tình trạng khai thác cát trái phép trên sông.",
    "Đề nghị khắc phục điểm sạt lở taluy dương trên tuyến đường vào bản.",
    "Phản ánh nguy cơ sạt lở bờ sông đe dọa nhà ở của các hộ dân ven sông.",
    "Đề nghị di dời các hộ dân ra khỏi vùng có nguy cơ sạt lở đất.",
    "Đề nghị xây dựng kè chống sạt lở bờ suối.",
    "Đề nghị lắp đặt hệ thống chiếu sáng công cộng trên tuyến đường trục xã.",
    "Phản ánh tình trạng xe quá tải làm hư hỏng đường giao thông nông thôn.",
    "Đề nghị kiên cố hóa kênh mương nội đồng phục vụ tưới tiêu.",
    "Đề nghị hỗ trợ vốn vay ưu đãi cho hộ nghèo, hộ cận nghèo phát triển sản xuất.",
    "Phản ánh việc thu gom rác thải sinh hoạt không thường xuyên.",
    "Đề nghị xử lý dứt điểm tình trạng lấn chiếm hành lang an toàn giao thông.",
    "Đề nghị sửa chữa phòng học xuống cấp tại điểm trường lẻ.",
    "Đề nghị bổ sung giáo viên cho trường mầm non.",
    "Phản ánh chất lượng nước sạch không bảo đảm vệ sinh.",
    "Đề nghị xem xét công nhận hộ thoát nghèo đúng thực tế.",
    "Kiến nghị công khai quy hoạch sử dụng đất của xã.",
    "Đề nghị làm rõ việc thu hồi đất nông nghiệp không đúng quy trình.",
    "Phản ánh tình trạng cháy nổ do đường dây điện hạ thế cũ nát.",
    "Đề nghị nâng cấp lưới điện nông thôn để giảm tình trạng mất điện.",
    "Đề nghị tăng cường phòng chống dịch bệnh trên gia súc, gia cầm.",
    "Phản ánh tình trạng tụ tập gây mất trật tự vào ban đêm.",
    "Đề nghị rút ngắn thời gian giải quyết hồ sơ cấp phép xây dựng.",
    "Đề nghị cắm mốc giới đất rừng giao cho hộ gia đình.",
    "Phản ánh việc chậm chi trả tiền hỗ trợ thiệt hại do bão lũ.",
    "Đề nghị xây dựng cầu dân sinh thay cho cầu tạm.",
    "Đề nghị bảo hiểm y tế cho người cao tuổi chưa có thẻ.",
    "Phản ánh tiếng ồn, khói bụi từ xưởng sản xuất gạch.",
    "Đề nghị mở lớp dạy nghề cho lao động nông thôn.",
    "Kiến nghị đẩy nhanh tiến độ dự án đường tránh.",
]
# Where the matter is, added to some petitions (so contents are not a handful of strings).
PLACES = ["thôn", "xóm", "bản", "tổ dân phố", "khu"]
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lò",
    "Hà",
    "Quách",
]
GIVEN = [
    "Văn An",
    "Thị Bình",
    "Văn Cường",
    "Thị Dung",
    "Văn Hải",
    "Thị Hạnh",
    "Văn Khánh",
    "Thị Lan",
    "Văn Minh",
    "Thị Thu",
    "Đức Thắng",
    "Thị Hoa",
    "Minh Tuấn",
    "Thị Mai",
    "Quang Huy",
    "Ngọc Ánh",
    "Hữu Nghĩa",
    "Thị Phương",
    "Xuân Trường",
    "Thanh Hương",
]
TOPICS = [
    "Đối thoại với nhân dân về công tác bồi thường, giải phóng mặt bằng",
    "Tiếp xúc, đối thoại với đoàn viên, hội viên",
    "Đối thoại về xây dựng nông thôn mới",
    "Đối thoại với thanh niên về việc làm",
    "Đối thoại về cải cách hành chính",
    "Đối thoại với nhân dân về bảo vệ môi trường",
]
PROVINCE_NAMES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Thành phố Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau",
    "An Giang",
]  # fmt: skip

_REQUIRED = object()


class BenchmarkRefused(Exception):
    """The benchmark will not run here (SQLite, or a database that is not a scratch one)."""


# ---------------------------------------------------------------------------------------------
# COPY writer
# ---------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class CopyTable:
    """Rows for one model, as dicts keyed by attname; every other column gets the model
    field's default (so a column added later is filled, or the run stops on a required one)."""

    CHUNK = 100_000

    def __init__(self, model: type[models.Model], now: dt.datetime):
        self.model = model
        self.table = model._meta.db_table
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.defaults = [self._default(f, now) for f in fields]
        self.buffer: list[str] = []
        self.count = 0
        self.checked = False

    @staticmethod
    def _default(f, now):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        if f.has_default():
            value = f.get_default()
            return json.dumps(value) if isinstance(f, models.JSONField) else value
        if f.null:
            return None
        if isinstance(f, (models.CharField, models.TextField, models.FileField)):
            return ""
        return _REQUIRED

    def add(self, row: dict) -> None:
        values = [row.get(a, d) for a, d in zip(self.attnames, self.defaults)]
        if not self.checked:
            missing = [a for a, v in zip(self.attnames, values) if v is _REQUIRED]
            if missing:
                raise ValueError(f"{self.table}: no value for required column(s) {missing}")
            self.checked = True
        self.buffer.append("\t".join(map(_encode, values)))
        self.count += 1
        if len(self.buffer) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        stream = io.StringIO("\n".join(self.buffer) + "\n")
        self.buffer = []
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {connection.ops.quote_name(self.table)} ({columns}) FROM STDIN", stream)


_ENCODED: dict = {}


def _encode(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, (dt.date, dt.datetime)):
        text = _ENCODED.get(value)
        if text is None:
            text = _ENCODED[value] = value.isoformat()
        return text
    return str(value)


# ---------------------------------------------------------------------------------------------
# The plan: how many of everything at a scale
# ---------------------------------------------------------------------------------------------


@dataclass
class Plan:
    scale: float
    provinces: int
    communes: int
    sessions: int
    petitions: int

    @classmethod
    def for_scale(cls, scale: float) -> Plan:
        if not 0 < scale <= 10:
            raise ValueError("--scale must be in (0, 10]")
        provinces = max(1, round(NATIONAL["provinces"] * scale))
        communes = max(
            2 * provinces, round((NATIONAL["units"] * scale - UNITS_PER_PROVINCE * provinces) / UNITS_PER_COMMUNE)
        )
        return cls(
            scale=scale,
            provinces=provinces,
            communes=communes,
            sessions=max(10, round(NATIONAL["sessions"] * scale)),
            petitions=max(50, round(NATIONAL["petitions"] * scale)),
        )

    @property
    def units(self) -> int:
        return self.provinces * UNITS_PER_PROVINCE + self.communes * UNITS_PER_COMMUNE


@dataclass
class Built:
    """What the measurements need to know about the generated data."""

    today: dt.date
    plan: Plan
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    province_id: int = 0
    commune_id: int = 0
    province_staff_id: int = 0
    # The province-level user of each role (staff, leader, front, board, agency).
    province_user_ids: dict[str, int] = field(default_factory=dict)
    commune_staff_id: int = 0
    agency_user_id: int = 0
    agency_unit_id: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------------------------------------
# Safety
# ---------------------------------------------------------------------------------------------


def check_database(*, allow_any: bool = False) -> str:
    """The benchmark wipes the tables it fills: only on PostgreSQL, and only on a database named
    for it (``*bench*``) or a Django test database, unless told otherwise."""
    if connection.vendor != "postgresql":
        raise BenchmarkRefused(
            f"The benchmark needs PostgreSQL (this database is {connection.vendor}). "
            "Set DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_bench, then `python manage.py migrate`."
        )
    name = connection.settings_dict["NAME"]
    if not allow_any and "bench" not in name and not name.startswith("test_"):
        raise BenchmarkRefused(
            f"Refusing to wipe database {name!r}: use a scratch database whose name contains 'bench' "
            "(e.g. portal_bench), or pass --allow-any-database."
        )
    return name


WIPED_MODELS = [
    DataVersion,
    Notification,
    SessionUnit,
    PetitionEvent,
    ReplyAssessment,
    SupervisionNote,
    ComplexCaseNotice,
    Forwarding,
    WrittenReply,
    Petition,
    NoticeRecipient,
    ConclusionNotice,
    SessionParticipant,
    DialogueSession,
    Membership,
    Leader,
    Unit,
    UnitKind,
    Field,
]


def wipe() -> None:
    tables = [m._meta.db_table for m in WIPED_MODELS] + [get_user_model()._meta.db_table, "django_session"]
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " RESTART IDENTITY CASCADE"
        )


def existing_petitions() -> int:
    return Petition.objects.count()


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


class _Ids:
    def __init__(self):
        self.next: Counter = Counter()

    def __call__(self, model) -> int:
        self.next[model] += 1
        return self.next[model]


class Generator:
    def __init__(self, plan: Plan, today: dt.date, seed: int = 20250701, log=print):
        self.plan = plan
        self.today = today
        self.rng = random.Random(seed)
        self.receipt_codes: set[str] = set()
        self.log = log
        self.now = timezone.now()
        self.ids = _Ids()
        self.tables = {}
        self.unit_names: dict[int, str] = {}
        self.calendar = WorkCalendar()
        self._notice_due: dict[dt.date, dt.date] = {}
        self._reply_due: dict[dt.date, dt.date] = {}
        self._forward_due: dict[dt.date, dt.date] = {}
        self.built = Built(today=today, plan=plan)
        tz = timezone.get_current_timezone()
        self._morning: dict[dt.date, dt.datetime] = {}
        self._tz = tz
        self.yesterday = today - dt.timedelta(days=1)
        self.notice_stages = stages_for(_settings().NOTICE_REMINDER_DAYS)
        self.reply_stages = stages_for(_settings().REPLY_REMINDER_DAYS)

    # -- helpers ---------------------------------------------------------------------------
    def table(self, model) -> CopyTable:
        if model not in self.tables:
            self.tables[model] = CopyTable(model, self.now)
        return self.tables[model]

    def add(self, model, row: dict) -> int:
        if "id" not in row:
            row["id"] = self.ids(model)
        self.table(model).add(row)
        return row["id"]

    def at(self, day: dt.date) -> dt.datetime:
        value = self._morning.get(day)
        if value is None:
            value = self._morning[day] = dt.datetime.combine(day, dt.time(8, 30), tzinfo=self._tz)
        return value

    def notice_due(self, held_on: dt.date) -> dt.date:
        due = self._notice_due.get(held_on)
        if due is None:
            due = self._notice_due[held_on] = explain_due_date(NOTICE, held_on, calendar=self.calendar).due
        return due

    def reply_due(self, assigned_on: dt.date) -> dt.date:
        due = self._reply_due.get(assigned_on)
        if due is None:
            due = self._reply_due[assigned_on] = explain_due_date(REPLY, assigned_on, calendar=self.calendar).due
        return due

    def forward_due(self, forwarded_on: dt.date) -> dt.date:
        due = self._forward_due.get(forwarded_on)
        if due is None:
            due = self._forward_due[forwarded_on] = explain_due_date(
                FORWARDED, forwarded_on, calendar=self.calendar
            ).due
        return due

    # -- run -------------------------------------------------------------------------------
    def run(self) -> Built:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        self._kinds_and_fields()
        self._units_users()
        self.log(
            f"  units and users generated ({self.table(Unit).count} units, {self.table(get_user_model()).count} users)"
        )
        gin = _drop_gin_indexes([m._meta.db_table for m in WIPED_MODELS])
        self._sessions_and_petitions()
        for tbl in self.tables.values():
            tbl.flush()
            self.built.counts[tbl.table] = tbl.count
        with connection.cursor() as cursor:  # built once over the loaded rows: much faster
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no index build while FK checks are pending
            for definition in gin:
                cursor.execute(definition)
        self._reset_sequences()
        # As after a service's write: every area has a data version, so dashboards are cached.
        data_changed_everywhere()
        # Statistics now, for the measurements that may follow in this transaction; ``generate``
        # vacuums after the commit.
        with connection.cursor() as cursor:
            for model in self.tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.built.seconds = time.perf_counter() - started
        return self.built

    def _reset_sequences(self):
        with connection.cursor() as cursor:
            for model in self.tables:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST((SELECT MAX(id) FROM "
                    + connection.ops.quote_name(table)
                    + "), 1))",
                    [table],
                )

    # -- reference data --------------------------------------------------------------------
    def _kinds_and_fields(self):
        self.kinds = {}
        for code, name, fmt, party, front, board in KINDS:
            self.kinds[code] = self.add(
                UnitKind,
                {
                    "code": code,
                    "name": name,
                    "document_format": fmt,
                    "is_party_committee": party,
                    "is_front": front,
                    "receives_mass_mobilisation_reports": board,
                    # R1 binds the heads of party committees and People's Committees.
                    "bound_by_dialogue_rule": party or code == "peoples_committee",
                },
            )
        self.field_names = {self.add(Field, {"name": name, "is_active": True}): name for name in FIELD_NAMES}
        self.fields = list(self.field_names)

    # -- the tree, its users and leaders ---------------------------------------------------
    def _unit(self, name, kind, parent=None, level=UnitLevel.PROVINCE, symbol="", place="", **extra) -> dict:
        pk = self.ids(Unit)
        own = f"{pk:0{Unit.PATH_STEP}d}."
        path = (parent["path"] if parent else "") + own
        row = {
            "id": pk,
            "name": name,
            "short_name": "",
            "kind_id": self.kinds[kind],
            "level": level,
            "parent_id": parent["id"] if parent else None,
            "path": path,
            "depth": parent["depth"] + 1 if parent else 0,
            "symbol": symbol,
            "place_name": place,
            **extra,
        }
        self.table(Unit).add(row)
        self.unit_names[pk] = name
        return row

    def _user(self, username: str, name: str) -> int:
        first, _, last = name.rpartition(" ")
        return self.add(
            get_user_model(),
            {
                "username": username,
                "password": "!benchmark-unusable",
                "first_name": first[:150],
                "last_name": last[:150],
                "email": f"{username}@bench.example.vn",
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "date_joined": self.now,
                "last_login": None,
            },
        )

    def _member(self, user_id: int, unit: dict, role: str, organisation: dict | None = None):
        self.add(
            Membership,
            {
                "user_id": user_id,
                "unit_id": unit["id"],
                "role": role,
                "organisation_id": organisation["id"] if organisation else None,
                "is_active": True,
            },
        )

    def _person(self) -> str:
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"

    def _head(self, unit: dict, position: str) -> int:
        name = self._person()
        user_id = self._user(f"head{unit['id']}", name)
        return self.add(
            Leader,
            {
                "unit_id": unit["id"],
                "full_name": name,
                "position": position,
                "user_id": user_id,
                "term_start": dt.date(2020, 10, 1),
                "term_end": None,
            },
        )

    def _units_users(self):
        plan = self.plan
        self.provinces = []
        per_province = [
            plan.communes // plan.provinces + (1 if i < plan.communes % plan.provinces else 0)
            for i in range(plan.provinces)
        ]
        for p in range(plan.provinces):
            place = PROVINCE_NAMES[p % len(PROVINCE_NAMES)] + ("" if p < len(PROVINCE_NAMES) else f" {p}")
            area = self._unit(f"Tỉnh {place}", "area", place=place)
            party = self._unit(f"Tỉnh ủy {place}", "party_committee", area, symbol="TU", place=place)
            pc = self._unit(f"UBND tỉnh {place}", "peoples_committee", area, symbol="UBND", place=place)
            front = self._unit(f"Ủy ban MTTQ Việt Nam tỉnh {place}", "front", area, symbol="MTTQ", place=place)
            board = self._unit(
                f"Ban Tuyên giáo và Dân vận Tỉnh ủy {place}", "mass_mobilisation", area, symbol="BTGDVTU", place=place
            )
            agencies = [
                self._unit(n, "agency", pc, symbol="S", place=place) for n in AGENCY_NAMES[:AGENCIES_PER_PROVINCE]
            ]
            prov = {"area": area, "party": party, "pc": pc, "agencies": agencies, "districts": [], "communes": []}
            leaders = {party["id"]: self._head(party, "Bí thư Tỉnh ủy"), pc["id"]: self._head(pc, "Chủ tịch UBND tỉnh")}
            users = {}
            for role, org in ((Role.STAFF, party), (Role.LEADER, party), (Role.FRONT, front), (Role.BOARD, board)):
                users[role] = self._user(f"{role}{area['id']}", self._person())
                self._member(users[role], area, role, org)
            prov["staff_user"] = users[Role.STAFF]
            prov["users"] = users
            prov["agency_users"] = {}
            for unit in [pc, *agencies]:
                uid = self._user(f"agency{unit['id']}", self._person())
                self._member(uid, unit, Role.AGENCY)
                prov["agency_users"][unit["id"]] = uid
            for d in range(DISTRICTS_PER_PROVINCE):
                dplace = f"{place} {d + 1}"
                darea = self._unit(
                    f"Huyện {dplace}",
                    "area",
                    area,
                    UnitLevel.DISTRICT,
                    place=dplace,
                    active_to=REFORM_DAY - dt.timedelta(days=1),
                )
                dparty = self._unit(
                    f"Huyện ủy {dplace}",
                    "party_committee",
                    darea,
                    UnitLevel.DISTRICT,
                    "HU",
                    dplace,
                    active_to=REFORM_DAY - dt.timedelta(days=1),
                )
                dpc = self._unit(
                    f"UBND huyện {dplace}",
                    "peoples_committee",
                    darea,
                    UnitLevel.DISTRICT,
                    "UBND",
                    dplace,
                    active_to=REFORM_DAY - dt.timedelta(days=1),
                )
                leaders[dparty["id"]] = self._head(dparty, "Bí thư Huyện ủy")
                leaders[dpc["id"]] = self._head(dpc, "Chủ tịch UBND huyện")
                uid = self._user(f"agency{dpc['id']}", self._person())
                self._member(uid, dpc, Role.AGENCY)
                prov["agency_users"][dpc["id"]] = uid
                prov["districts"].append({"area": darea, "party": dparty, "pc": dpc})
            for c in range(per_province[p]):
                cplace = f"{place} {c + 1}"
                carea = self._unit(f"Xã {cplace}", "area", area, UnitLevel.COMMUNE, place=cplace)
                cparty = self._unit(f"Đảng ủy xã {cplace}", "party_committee", carea, UnitLevel.COMMUNE, "ĐU", cplace)
                cpc = self._unit(f"UBND xã {cplace}", "peoples_committee", carea, UnitLevel.COMMUNE, "UBND", cplace)
                cfront = self._unit(f"Ủy ban MTTQ xã {cplace}", "front", carea, UnitLevel.COMMUNE, "MTTQ", cplace)
                leaders[cparty["id"]] = self._head(cparty, "Bí thư Đảng ủy xã")
                leaders[cpc["id"]] = self._head(cpc, "Chủ tịch UBND xã")
                cusers = {}
                for role, org in ((Role.STAFF, cparty), (Role.LEADER, cparty), (Role.FRONT, cfront)):
                    cusers[role] = self._user(f"{role}{carea['id']}", self._person())
                    self._member(cusers[role], carea, role, org)
                uid = self._user(f"agency{cpc['id']}", self._person())
                self._member(uid, cpc, Role.AGENCY)
                prov["agency_users"][cpc["id"]] = uid
                prov["communes"].append({"area": carea, "party": cparty, "pc": cpc, "staff_user": cusers[Role.STAFF]})
            prov["leaders"] = leaders
            self.provinces.append(prov)
        first = self.provinces[0]
        self.built.province_id = first["area"]["id"]
        self.built.province_staff_id = first["staff_user"]
        self.built.commune_id = first["communes"][0]["area"]["id"]
        self.built.commune_staff_id = first["communes"][0]["staff_user"]
        # The busiest agency (agencies[0] gets the largest share below).
        self.built.agency_unit_id = first["agencies"][0]["id"]
        self.built.agency_user_id = first["agency_users"][first["agencies"][0]["id"]]
        self.built.province_user_ids = {**first["users"], Role.AGENCY: self.built.agency_user_id}

    # -- sessions and petitions -------------------------------------------------------------
    def _organiser(self, prov, held_on):
        r = self.rng.random()
        if held_on < REFORM_DAY:
            if r < 0.2:
                return self.rng.choice((prov["party"], prov["pc"])), None
            if r < 0.5:
                d = self.rng.choice(prov["districts"])
                return self.rng.choice((d["party"], d["pc"])), d["pc"]
        elif r < 0.25:
            return self.rng.choice((prov["party"], prov["pc"])), None
        c = self.rng.choice(prov["communes"])
        return self.rng.choice((c["party"], c["pc"])), c["pc"]

    def _agency(self, prov):
        # Skewed: the first agency (land and environment) answers the most petitions.
        agencies = prov["agencies"]
        return agencies[0] if self.rng.random() < 0.3 else self.rng.choice(agencies)

    def _sessions_and_petitions(self):
        plan, rng, today = self.plan, self.rng, self.today
        start = today - dt.timedelta(days=365 * YEARS)
        span = (today - start).days
        per_session = [1] * plan.sessions
        for _ in range(plan.petitions - plan.sessions):
            per_session[rng.randrange(plan.sessions)] += 1
        notice_numbers: Counter = Counter()
        withdrawn_reason = "Nhập trùng, thu hồi"
        progress = max(1, plan.sessions // 10)
        for s in range(plan.sessions):
            if s and s % progress == 0:
                self.log(f"  … {s:,} sessions generated")
            prov = self.provinces[s % len(self.provinces)]
            held_on = start + dt.timedelta(days=rng.randrange(span + 1))
            organiser, local_pc = self._organiser(prov, held_on)
            due = self.notice_due(held_on)
            withdrawn = rng.random() < 0.02
            issued_on = None
            if not withdrawn:
                if due >= today:  # still within R2: 60% already issued
                    if rng.random() < 0.6 and held_on < today:
                        issued_on = held_on + dt.timedelta(days=rng.randint(1, max(1, (today - held_on).days)))
                else:
                    r = rng.random()
                    if r < 0.88:
                        issued_on = held_on + dt.timedelta(days=rng.randint(1, (due - held_on).days))
                    elif r < 0.97:
                        issued_on = min(today, due + dt.timedelta(days=rng.randint(1, 20)))
            chair = prov["leaders"].get(organiser["id"])
            topic = rng.choice(TOPICS)
            place = f"Hội trường {organiser['name']}"
            session_id = self.add(
                DialogueSession,
                {
                    "organising_unit_id": organiser["id"],
                    "kind": SessionKind.AD_HOC if rng.random() < 0.25 else SessionKind.PERIODIC,
                    "held_on": held_on,
                    "chair_id": chair,
                    "chair_name": "",
                    "place": place,
                    "topic": topic,
                    "notice_due_on": due,
                    "notice_issued_on": issued_on,
                    "created_at": self.at(held_on),
                    "updated_at": self.at(issued_on or held_on),
                    "withdrawn_at": self.at(held_on + dt.timedelta(days=1)) if withdrawn else None,
                    "withdrawal_reason": withdrawn_reason if withdrawn else "",
                    "search_text": normalise_search(topic, place, organiser["name"])[:1000],
                },
            )
            if issued_on:
                year = issued_on.year
                notice_numbers[(organiser["id"], year)] += 1
                self.add(
                    ConclusionNotice,
                    {
                        "session_id": session_id,
                        "issuing_unit_id": organiser["id"],
                        "number": notice_numbers[(organiser["id"], year)],
                        "symbol": "TB/" + organiser["symbol"] if organiser["symbol"] != "UBND" else "TB-UBND",
                        "numbering_period": str(year),
                        "issued_on": issued_on,
                        "subject": f"Thông báo kết luận hội nghị: {topic}"[:500],
                        "body": "",
                        "created_at": self.at(issued_on),
                    },
                )
            elif not withdrawn and held_on <= today:
                stage = self._stage(self.notice_stages, due)
                if stage:
                    user = prov["staff_user"]
                    self._notified(ObligationKind.NOTICE, session_id, stage, user, due, session_id=session_id)
            # The units the session gives work to (``SessionUnit``, as the services keep it).
            self._session_work: set[int] = set()
            for _ in range(per_session[s]):
                self._petition(prov, session_id, held_on, organiser, local_pc, issued_on, withdrawn)
            for unit_id in sorted(self._session_work):
                self.add(SessionUnit, {"session_id": session_id, "unit_id": unit_id})

    def _stage(self, stages, due: dt.date) -> str | None:
        for stage in stages:
            if _in_stage(stage, due, self.yesterday):
                return stage.name
        return None

    def _notified(self, obligation, object_id, stage, user_id, due, *, session_id=None, petition_id=None):
        self.add(
            Notification,
            {
                "recipient_id": user_id,
                "obligation": obligation,
                "object_id": object_id,
                "stage": stage,
                "session_id": session_id,
                "petition_id": petition_id,
                "due_on": due,
                "title": f"{obligation} {stage} #{object_id}",
                "body": "",
                "url": "",
                "created_at": self.at(self.yesterday),
                "email_status": EmailStatus.SENT,
                "email_attempts": 1,
                "email_sent_at": self.at(self.yesterday),
            },
        )

    def _receipt_code(self) -> str:
        """A unique receipt code, drawn like the product's (``petitions.codes``), reproducibly."""
        code = new_receipt_code(self.rng)
        while code in self.receipt_codes:
            code = new_receipt_code(self.rng)
        self.receipt_codes.add(code)
        return code

    def _petition(self, prov, session_id, held_on, organiser, local_pc, issued_on, session_withdrawn):
        rng, today = self.rng, self.today
        created = self.at(held_on)
        content = rng.choice(CONTENTS)
        if rng.random() < 0.6:
            content = f"{content[:-1]} tại {rng.choice(PLACES)} {rng.randint(1, 20)}, {organiser['name']}."
        row = {
            "session_id": session_id,
            "petitioner_kind": "collective" if rng.random() < 0.15 else "person",
            "petitioner_name": self._person(),
            "petitioner_address": "",
            "petitioner_phone": "",
            "petitioner_email": "",
            "receipt_code": self._receipt_code(),
            "identity_protected": rng.random() < 0.03,
            "content": content,
            "field_id": rng.choice(self.fields) if rng.random() < 0.95 else None,
            "clarified_at_conference": False,
            "conference_answer": "",
            "assigned_unit_id": None,
            "status": PetitionStatus.RECORDED,
            "assigned_on": None,
            "reply_due_on": None,
            "responded_on": None,
            "complex_target_on": None,
            "final_replied_on": None,
            "created_at": created,
            "updated_at": created,
            "withdrawal_reason": "",
            "assessment": "",
        }
        pk = row["id"] = self.ids(Petition)
        if rng.random() < 0.25:
            row.update(
                status=PetitionStatus.CLARIFIED,
                clarified_at_conference=True,
                conference_answer="Đã giải thích tại hội nghị.",
            )
            if session_withdrawn:
                row.update(status=PetitionStatus.WITHDRAWN, withdrawal_reason="Nhập trùng, thu hồi")
            self._add_petition(row)
            return
        if local_pc is not None and rng.random() < 0.7:
            responsible = local_pc
        else:
            responsible = self._agency(prov)
        if session_withdrawn:
            row.update(status=PetitionStatus.WITHDRAWN, withdrawal_reason="Nhập trùng, thu hồi")
            self._add_petition(row)
            return
        if issued_on is None:  # the notice is not out yet: units may be chosen, nothing assigned
            if rng.random() < 0.5:
                row["assigned_unit_id"] = responsible["id"]
            self._add_petition(row)
            return
        due = self.reply_due(issued_on)
        row.update(
            assigned_unit_id=responsible["id"],
            responsible_unit_id=responsible["id"],
            status=PetitionStatus.ASSIGNED,
            assigned_on=issued_on,
            reply_starts_on=issued_on,
            reply_start_basis="issue",
            reply_due_on=due,
        )
        if rng.random() < 0.015:
            row.update(status=PetitionStatus.WITHDRAWN, withdrawal_reason="Người kiến nghị rút kiến nghị")
            self._add_petition(row)
            return
        r = rng.random()
        kind = "reply" if r < 0.85 else "forward" if r < 0.92 else "complex" if r < 0.97 else "never"
        allowed = max(1, (due - issued_on).days)
        delay = rng.randint(1, allowed) if rng.random() < 0.85 else allowed + rng.randint(1, 60)
        day = issued_on + dt.timedelta(days=delay)
        agency_user = prov["agency_users"].get(responsible["id"])
        if kind == "never" or day > today:
            stage = self._stage(self.reply_stages, due)
            if stage and agency_user:
                self._notified(ObligationKind.REPLY, pk, stage, agency_user, due, session_id=session_id, petition_id=pk)
            self._add_petition(row)
            return
        row["updated_at"] = self.at(day)
        if kind == "reply":
            self._reply(row, responsible, day)
        elif kind == "forward":
            target = prov["pc"] if responsible["kind_id"] == self.kinds["agency"] else self._agency(prov)
            # The competent unit becomes responsible, with its own target from the forwarding.
            forward_due = self.forward_due(day)
            later = day + dt.timedelta(days=rng.randint(10, 90))
            answered = later <= today and rng.random() < 0.8
            self.add(
                Forwarding,
                {
                    "petition_id": pk,
                    "from_unit_id": responsible["id"],
                    "to_unit_id": target["id"],
                    "forwarded_on": day,
                    "due_on": forward_due,
                    "answered_on": later if answered else None,
                    "reason": "Không thuộc thẩm quyền giải quyết.",
                    "created_at": self.at(day),
                },
            )
            row.update(
                status=PetitionStatus.FORWARDED,
                responded_on=day,
                responsible_unit_id=target["id"],
                forward_due_on=forward_due,
            )
            self._session_work.add(target["id"])
            if answered:
                self._reply(row, target, later)
        else:
            target = day + dt.timedelta(days=60)
            notice_id = self.add(
                ComplexCaseNotice,
                {
                    "petition_id": pk,
                    "unit_id": responsible["id"],
                    "notified_on": day,
                    "new_target_on": target,
                    "reason": "Vụ việc phức tạp, cần xác minh thêm.",
                    "created_at": self.at(day),
                },
            )
            row.update(status=PetitionStatus.COMPLEX, responded_on=day, complex_target_on=target)
            final = day + dt.timedelta(days=rng.randint(20, 80))
            if final <= today and rng.random() < 0.8:
                self._reply(row, responsible, final)
            else:
                stage = self._stage(self.reply_stages, target)
                if stage and agency_user:
                    self._notified(
                        ObligationKind.COMPLEX,
                        notice_id,
                        stage,
                        agency_user,
                        target,
                        session_id=session_id,
                        petition_id=pk,
                    )
        self._add_petition(row)

    def _add_petition(self, row: dict) -> None:
        if row["status"] != PetitionStatus.WITHDRAWN and row["assigned_unit_id"]:
            self._session_work.add(row["assigned_unit_id"])
        unit = self.unit_names.get(row.get("responsible_unit_id") or row["assigned_unit_id"], "")
        row["search_text"] = petition_search_text(row["content"], self.field_names.get(row["field_id"], ""), unit)
        row["petitioner_search"] = petitioner_search_text("" if row["identity_protected"] else row["petitioner_name"])
        self.table(Petition).add(row)
        for reply in row.pop("_replies", ()):  # the copies a reply keeps of its petition (WrittenReply)
            reply.update(
                search_text=reply_search_text(
                    reply["number"], reply["summary"], row["search_text"], row["petitioner_search"]
                ),
                petition_session_id=row["session_id"],
                petition_assigned_unit_id=row["assigned_unit_id"],
                petition_responsible_unit_id=row.get("responsible_unit_id"),
            )
            self.add(WrittenReply, reply)

    def _reply(self, row: dict, unit: dict, day: dt.date):
        rng = self.rng
        # Written with the petition (``_add_petition``), once its search columns are known.
        row.setdefault("_replies", []).append(
            {
                "petition_id": row["id"],
                "unit_id": unit["id"],
                "replied_on": day,
                "number": f"{rng.randint(1, 999)}/{unit['symbol'] or 'VP'}",
                "summary": "Đã xem xét và trả lời kiến nghị theo quy định.",
                "created_at": self.at(day),
            }
        )
        if row["responded_on"] is None:
            row["responded_on"] = day
        row.update(status=PetitionStatus.REPLIED, final_replied_on=day, updated_at=self.at(day))
        if day <= self.today - dt.timedelta(days=7):
            r = rng.random()
            row["assessment"] = Assessment.SATISFIED if r < 0.5 else Assessment.UNSATISFIED if r < 0.58 else ""
            # The Front's assessment closes (satisfied) or reopens (not satisfied) the case.
            assessed = day + dt.timedelta(days=7)
            if row["assessment"] == Assessment.SATISFIED:
                row.update(status=PetitionStatus.CLOSED, closed_on=assessed)
            elif row["assessment"] == Assessment.UNSATISFIED:
                row.update(status=PetitionStatus.REOPENED, reopened_on=assessed, reopen_count=1)


def _drop_gin_indexes(tables: list[str]) -> list[str]:
    """Drop the GIN indexes of ``tables`` (the trigram search indexes: maintaining them row by
    row would make the load several times slower); returns their definitions to rebuild."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef ILIKE '%% USING gin %%'",
            [tables],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _, definition in found]


def _in_stage(stage, due: dt.date, day: dt.date) -> bool:
    left = (due - day).days
    if stage.min_left is not None and left < stage.min_left:
        return False
    return not (stage.max_left is not None and left > stage.max_left)


def _settings():
    from django.conf import settings

    return settings


def generate(*, scale: float, today: dt.date, seed: int = 20250701, log=print) -> Built:
    """Wipe the benchmark tables and load a dataset at ``scale``, in one transaction."""
    from django.db import transaction

    plan = Plan.for_scale(scale)
    with transaction.atomic():
        wipe()
        built = Generator(plan, today, seed=seed, log=log).run()
    if not connection.in_atomic_block:
        # VACUUM also sets the visibility map, so index-only scans work at once, as on a database
        # autovacuum has visited; it cannot run inside a transaction (there ANALYZE did).
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for model in [*WIPED_MODELS, get_user_model()]:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        built.seconds += time.perf_counter() - started
    return built


def describe_existing(today: dt.date) -> Built:
    """The ``Built`` of a dataset already in the database (``--reuse``)."""
    User = get_user_model()
    province = Unit.objects.filter(depth=0).order_by("id").first()
    if province is None:
        raise BenchmarkRefused("No benchmark data to reuse: run without --reuse first.")
    commune = Unit.objects.filter(parent=province, level=UnitLevel.COMMUNE).order_by("id").first()
    agency = Unit.objects.filter(path__startswith=province.path, kind__code="agency").order_by("id").first()
    plan = Plan.for_scale(1.0)
    plan.petitions = Petition.objects.count()
    plan.sessions = DialogueSession.objects.count()
    built = Built(today=today, plan=plan)
    built.province_id, built.commune_id, built.agency_unit_id = province.pk, commune.pk, agency.pk
    built.province_staff_id = Membership.objects.get(unit=province, role=Role.STAFF).user_id
    built.province_user_ids = dict(
        Membership.objects.filter(
            unit=province, role__in=[Role.STAFF, Role.LEADER, Role.FRONT, Role.BOARD]
        ).values_list("role", "user_id")
    )
    built.commune_staff_id = Membership.objects.get(unit=commune, role=Role.STAFF).user_id
    built.agency_user_id = Membership.objects.get(unit=agency, role=Role.AGENCY).user_id
    built.province_user_ids[Role.AGENCY] = built.agency_user_id
    built.counts = {"petitions": plan.petitions}
    assert User.objects.filter(pk=built.province_staff_id).exists()
    return built
