"""Writes on the unit tree: a reorganisation ending units (the obligations the ended units still
owe are passed on by ``ops.reorganisation``, which calls each layer's service)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from common.dates import vn_date

from .models import Leader, Membership, Reorganisation, ReorganisationStep, Unit


def reorganisation_check(*, reorganisation: Reorganisation, steps: list[tuple[Unit, Unit]]) -> None:
    """A successor must be another unit, active on the effective date and not itself ended by
    the same reorganisation; an old unit has one successor."""
    day = reorganisation.effective_on
    if not steps:
        raise ValidationError(_("Vui lòng chọn ít nhất một đơn vị chấm dứt hoạt động và đơn vị kế thừa."))
    old_ids = [old.pk for old, _new in steps]
    if len(set(old_ids)) != len(old_ids):
        raise ValidationError(_("Mỗi đơn vị chấm dứt hoạt động chỉ có một đơn vị kế thừa."))
    for old, new in steps:
        if old.pk == new.pk:
            raise ValidationError(_("Đơn vị kế thừa phải khác đơn vị chấm dứt hoạt động (%(unit)s).") % {"unit": old})
        if new.pk in old_ids:
            raise ValidationError(
                _("%(unit)s cũng chấm dứt hoạt động trong lần sắp xếp này, không thể là đơn vị kế thừa.")
                % {"unit": new}
            )
        if not new.is_active_on(day):
            raise ValidationError(
                _("Đơn vị kế thừa %(unit)s không hoạt động vào ngày %(day)s.") % {"unit": new, "day": vn_date(day)}
            )
        taken = ReorganisationStep.objects.filter(predecessor=old).exclude(reorganisation_id=reorganisation.pk)
        if taken.exists():
            raise ValidationError(_("%(unit)s đã có đơn vị kế thừa trong một lần sắp xếp khác.") % {"unit": old})


@transaction.atomic
def reorganisation_record(
    *, name: str, effective_on: dt.date, steps: list[tuple[Unit, Unit]], decision: str = "", note: str = ""
) -> Reorganisation:
    """Record a reorganisation: on ``effective_on`` each old unit ends and its successor takes
    over (applied by ``ops.reorganisation.reorganisation_apply``, also from the daily job)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Vui lòng nhập tên của lần sắp xếp.")})
    if not isinstance(effective_on, dt.date):
        raise ValidationError({"effective_on": _("Vui lòng nhập ngày có hiệu lực.")})
    reorganisation = Reorganisation(name=name, effective_on=effective_on, decision=decision.strip(), note=note)
    reorganisation_check(reorganisation=reorganisation, steps=steps)
    reorganisation.save()
    ReorganisationStep.objects.bulk_create(
        ReorganisationStep(reorganisation=reorganisation, predecessor=old, successor=new) for old, new in steps
    )
    return reorganisation


@transaction.atomic
def unit_end(*, unit: Unit, on: dt.date) -> dict[str, int]:
    """End ``unit`` on the day before ``on``: its last active day, its memberships (accounts that
    were not moved beforehand lose its scope) and its heads' terms. Running it again changes
    nothing."""
    last = on - dt.timedelta(days=1)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.active_to is None or unit.active_to > last:
        unit.active_to = last
        unit.save(update_fields=["active_to"])
    memberships = 0
    for membership in Membership.objects.select_for_update().filter(unit=unit, is_active=True):
        membership.is_active = False
        membership.save(update_fields=["is_active"])  # with its history row
        memberships += 1
    heads = (
        Leader.objects.filter(unit=unit)
        .filter(Q(term_end__isnull=True) | Q(term_end__gt=last))
        .filter(term_start__lte=last)
        .update(term_end=last)
    )
    return {"memberships": memberships, "heads": heads}
