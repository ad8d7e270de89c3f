"""How a petitioner is shown: the one presentation of a petitioner's identity for every page,
export, document and message. Who may see a protected petitioner is decided by
``petitions.selectors.may_see_petitioner``; this module only formats what that allows.

    petitioner_of(petition, viewer)    -> ShownPetitioner  (pages, exports, documents)
    {% petitioner p as who %}          the same in a template (``portal`` library; viewer = request.user)
    petitioner_name(name, protected)   for rows read with ``values()`` and no viewer (notifications)

``content`` is the petition's text as that reader may see it (a protected petitioner's name,
address, phone and e-mail removed from it). ``viewer=None`` means "no particular reader" (a document sent to agencies, a notification, a
public page): a protected petitioner is then always hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import Petition
from .publicity import redact
from .selectors import may_see_petitioner

PROTECTED = gettext_lazy("Người kiến nghị được bảo vệ danh tính")


@dataclass(frozen=True)
class ShownPetitioner:
    """What a reader may see of a petitioner. ``hidden``: the identity is protected from this
    reader; every field but ``name`` (the protection notice) and ``kind`` is then empty, and
    ``content`` (the petition's text) has the petitioner's data removed."""

    name: str
    kind: str
    address: str
    phone: str
    email: str
    hidden: bool
    protected: bool
    content: str = ""

    def __str__(self) -> str:
        return self.name


def petitioner_of(petition: Petition, viewer=None) -> ShownPetitioner:
    kind = petition.get_petitioner_kind_display()
    if not may_see_petitioner(viewer, petition):
        return ShownPetitioner(
            str(PROTECTED), kind, "", "", "", hidden=True, protected=True, content=redact(petition.content, petition)
        )
    return ShownPetitioner(
        petition.petitioner_name,
        kind,
        petition.petitioner_address,
        petition.petitioner_phone,
        petition.petitioner_email,
        hidden=False,
        protected=petition.identity_protected,
        content=petition.content,
    )


def petitioner_name(name: str, protected: bool) -> str:
    """The name for a text without a particular reader (notifications, mails to several people)."""
    return str(PROTECTED) if protected else name
