"""What of a petition may be made public: personal data removed from texts, the draft of a
publication, and the public view of a petition that the lookup page shows.

The public pages read only ``PublicPetition`` / ``Publication`` texts, never the model's
petitioner fields, so a template cannot show a name by mistake.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from regulations.states import DeadlineState

from .codes import format_code
from .models import Petition, PetitionStatus, Publication, WrittenReply

# Forms of address that may precede a name in a text ("ông Đinh Văn A", "hộ bà Lò Thị Mai").
_HONORIFICS = re.compile(
    r"^(?:hộ\s+gia\s+đình\s+|gia\s+đình\s+|hộ\s+)?(?:ông|bà|anh|chị|cụ|cô|chú|bác|em)\s+", re.IGNORECASE
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Vietnamese phone numbers (0… or +84…, separators allowed) and identity card numbers (9 or 12 digits).
_PHONE = re.compile(r"(?<![\w+])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")


def lookup_url(petition: Petition) -> str:
    """The public lookup address of ``petition``, absolute (``SITE_URL``): printed on the receipt,
    in its QR code and in the mails to the petitioner. (``public:lookup`` is the public app's URL.)"""
    query = urlencode({"ma": format_code(petition.receipt_code)})
    return f"{settings.SITE_URL.rstrip('/')}{reverse('public:lookup')}?{query}"


def redacted_mark() -> str:
    return _("[đã ẩn]")


def _own_data(petition: Petition) -> list[str]:
    """The petitioner's own data as it may appear in a text, longest first."""
    return _data_of(
        name=petition.petitioner_name,
        phone=petition.petitioner_phone,
        email=petition.petitioner_email,
        address=petition.petitioner_address,
    )


def _data_of(*, name: str, phone: str, email: str, address: str) -> list[str]:
    values = set()
    name = (name or "").strip()
    if name:
        values.add(name)
        bare = _HONORIFICS.sub("", name).strip()
        if len(bare) >= 3:
            values.add(bare)
    for value in (address, email):
        value = (value or "").strip()
        if len(value) >= 3:
            values.add(value)
    phone = re.sub(r"\D", "", phone or "")
    if len(phone) >= 6:
        values.add(phone)
    return sorted(values, key=len, reverse=True)


def _phone_pattern(digits: str) -> re.Pattern:
    return re.compile(r"(?<!\d)" + r"[\s.\-]?".join(re.escape(d) for d in digits) + r"(?!\d)")


def _pattern(value: str) -> re.Pattern:
    if value.isdigit():
        return _phone_pattern(value)
    return re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)", re.IGNORECASE)


def redact(text: str, petition: Petition) -> str:
    """``text`` without the petitioner's name, address, phone and e-mail, nor any e-mail address,
    phone number or identity card number."""
    return _redact(text, _own_data(petition))


def redact_values(text: str, *, name: str, phone: str, email: str, address: str) -> str:
    """``redact`` for a row read with ``values()``."""
    return _redact(text, _data_of(name=name, phone=phone, email=email, address=address))


def _redact(text: str, own: list[str]) -> str:
    text = text or ""
    mark = redacted_mark()
    for value in own:
        text = _pattern(value).sub(mark, text)
    for pattern in (_EMAIL, _PHONE, _ID_NUMBER):
        text = pattern.sub(mark, text)
    return text


def personal_data_in(text: str, petition: Petition) -> list[str]:
    """What personal data ``text`` still holds (to refuse publishing it)."""
    text = text or ""
    found = [value for value in _own_data(petition) if _pattern(value).search(text)]
    for pattern in (_EMAIL, _PHONE, _ID_NUMBER):
        found += pattern.findall(text)
    return found


def latest_reply(petition: Petition) -> WrittenReply | None:
    return petition.replies.select_related("unit").order_by("-replied_on", "-id").first()


def publication_draft(petition: Petition) -> dict:
    """The texts staff start from: the petition and its latest reply, personal data removed."""
    publication = Publication.objects.filter(petition=petition).first()
    if publication is not None:
        return {"question": publication.question, "answer": publication.answer}
    reply = latest_reply(petition)
    return {
        "question": redact(petition.content, petition),
        "answer": redact(reply.summary, petition) if reply else "",
    }


# ---------------------------------------------------------------------------------------------
# The public view of one petition (the lookup page)
# ---------------------------------------------------------------------------------------------


@dataclass
class PublicPetition:
    code: str
    content: str
    field: str
    session_topic: str
    session_held_on: dt.date
    organising_unit: str
    responsible_unit: str
    status: str
    status_label: str
    state: str | None
    state_label: str
    due_on: dt.date | None
    forwardings: list[tuple[str, dt.date]] = field(default_factory=list)
    complex_notices: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    replies: list[tuple[str, dt.date]] = field(default_factory=list)
    published_question: str = ""
    published_answer: str = ""
    published_at: dt.datetime | None = None

    @property
    def is_published(self) -> bool:
        return bool(self.published_answer)


def public_petition(petition: Petition) -> PublicPetition:
    """What the public lookup shows of ``petition`` (annotated by ``with_reply_states``): no
    personal data of anybody, only units, dates, statuses and the published texts."""
    state = getattr(petition, "current_state", None)
    responsible = petition.assigned_unit
    forwardings = list(petition.forwardings.select_related("to_unit").order_by("forwarded_on", "id"))
    if petition.status == PetitionStatus.FORWARDED and forwardings:
        responsible = forwardings[-1].to_unit
    # No publication row: the reverse accessor raises an AttributeError subclass, hence the default.
    publication = getattr(petition, "publication", None)
    published = publication is not None and publication.is_published
    return PublicPetition(
        code=format_code(petition.receipt_code),
        content=redact(petition.content, petition),
        field=str(petition.field) if petition.field_id else "",
        session_topic=petition.session.topic,
        session_held_on=petition.session.held_on,
        organising_unit=str(petition.session.organising_unit),
        responsible_unit=str(responsible) if responsible else "",
        status=petition.status,
        status_label=petition.get_status_display(),
        state=state,
        state_label=str(DeadlineState(state).label) if state in DeadlineState.values else "",
        due_on=getattr(petition, "current_due_on", None) or petition.complex_target_on or petition.reply_due_on,
        forwardings=[(str(f.to_unit), f.forwarded_on) for f in forwardings],
        complex_notices=[
            (c.notified_on, c.new_target_on) for c in petition.complex_notices.order_by("notified_on", "id")
        ],
        replies=[(str(r.unit), r.replied_on) for r in petition.replies.select_related("unit").order_by("replied_on")],
        published_question=publication.question if published else "",
        published_answer=publication.answer if published else "",
        published_at=publication.published_at if published else None,
    )
