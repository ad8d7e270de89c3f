"""factory_boy factories for the whole domain."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from petitions.models import Field, Petition, PetitionStatus
from sessions.models import DialogueSession, SessionKind
from units.models import DocumentFormat, Leader, Membership, Role, Unit, UnitKind, UnitLevel


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Nguyễn Văn"
    last_name = factory.Sequence(lambda n: f"Cán bộ {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.django.Password("demo-pass-123")


class UnitKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitKind
        django_get_or_create = ("code",)

    code = "peoples_committee"
    name = "Ủy ban nhân dân"
    document_format = DocumentFormat.STATE
    # As in the data migration: only party committees and People's Committees are bound by default.
    bound_by_dialogue_rule = factory.LazyAttribute(lambda k: k.code in ("peoples_committee", "party_committee"))


class PartyKindFactory(UnitKindFactory):
    code = "party_committee"
    name = "Cấp ủy Đảng"
    document_format = DocumentFormat.PARTY
    is_party_committee = True
    bound_by_dialogue_rule = True


class AgencyKindFactory(UnitKindFactory):
    code = "agency"
    name = "Cơ quan chuyên môn"
    bound_by_dialogue_rule = False


class AreaKindFactory(UnitKindFactory):
    code = "area"
    name = "Địa bàn hành chính"
    bound_by_dialogue_rule = False


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"UBND xã Số {n}")
    kind = factory.SubFactory(UnitKindFactory)
    level = UnitLevel.COMMUNE
    parent = None
    symbol = "UBND"
    place_name = "Hòa Bình"


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    unit = factory.SubFactory(UnitFactory)
    full_name = factory.Sequence(lambda n: f"Bùi Văn Chủ Trì {n}")
    position = "Chủ tịch UBND"
    term_start = dt.date(2021, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.STAFF


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("name",)

    name = "Đất đai"


class DialogueSessionFactory(factory.django.DjangoModelFactory):
    """A session created directly (bypassing services) with its R2 due date worked out."""

    class Meta:
        model = DialogueSession

    organising_unit = factory.SubFactory(UnitFactory)
    kind = SessionKind.PERIODIC
    held_on = dt.date(2026, 3, 10)
    chair_name = "Đồng chí Bí thư"
    place = "Hội trường UBND"
    topic = factory.Sequence(lambda n: f"Đối thoại về giải phóng mặt bằng đợt {n}")
    notice_due_on = factory.LazyAttribute(
        lambda o: __import__("petitions.deadlines", fromlist=["x"]).notice_due_date(o.held_on)
    )


class PetitionFactory(factory.django.DjangoModelFactory):
    """A petition as recorded at a session (status ``recorded``, no clock yet)."""

    class Meta:
        model = Petition

    session = factory.SubFactory(DialogueSessionFactory)
    petitioner_name = factory.Sequence(lambda n: f"Hộ gia đình ông Đinh Văn {n}")
    content = factory.Sequence(lambda n: f"Đề nghị xem xét bồi thường đất nông nghiệp, hồ sơ {n}")
    field = factory.SubFactory(FieldFactory)
    status = PetitionStatus.RECORDED
    assigned_unit = None
    # The unit answering now: the assigned unit once the notice gave it the petition.
    responsible_unit = factory.LazyAttribute(
        lambda o: None if o.status in (PetitionStatus.RECORDED, PetitionStatus.CLARIFIED) else o.assigned_unit
    )
