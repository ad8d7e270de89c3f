"""Bring existing petitions into the follow-through machine:

- ``responsible_unit``: the assigned unit, or the unit of the latest forwarding;
- ``reply_starts_on``: R3 was counted from the notice's issue date;
- a reply the Front judged unsatisfactory reopens the case (staff now decide: supplementary reply
  or closing with a reason); a reply it judged satisfactory closes it. Each such change is
  written on the petition's timeline.

Forwardings recorded before this release keep no target of their own (none was set then): the
competent unit's clock starts with forwardings made from now on."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

MESSAGE_REOPENED = (
    "MTTQ đã đánh giá không hài lòng văn bản trả lời: kiến nghị được mở lại để cơ quan tổ chức quyết định."
)
MESSAGE_CLOSED = "MTTQ đã đánh giá hài lòng văn bản trả lời: kiến nghị kết thúc."


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Petition = apps.get_model("petitions", "Petition")
    Forwarding = apps.get_model("petitions", "Forwarding")
    ReplyAssessment = apps.get_model("petitions", "ReplyAssessment")
    PetitionEvent = apps.get_model("petitions", "PetitionEvent")

    petitions = Petition.objects.using(db)
    petitions.filter(assigned_unit__isnull=False).update(responsible_unit=F("assigned_unit"))
    petitions.filter(assigned_on__isnull=False).update(reply_starts_on=F("assigned_on"), reply_start_basis="issue")
    last_to = Forwarding.objects.using(db).filter(petition=OuterRef("pk")).order_by("-forwarded_on", "-id")
    petitions.filter(pk__in=Forwarding.objects.using(db).values("petition_id")).update(
        responsible_unit=Subquery(last_to.values("to_unit_id")[:1])
    )

    last_assessed = ReplyAssessment.objects.using(db).filter(petition=OuterRef("pk")).order_by("-created_at", "-id")
    judged = petitions.filter(status="replied", assessment__in=["satisfied", "unsatisfied"]).annotate(
        last_assessed_on=Subquery(last_assessed.values("assessed_on")[:1])
    )
    events = []
    for petition in judged.iterator(chunk_size=2000):
        if petition.assessment == "unsatisfied":
            petition.status = "reopened"
            petition.reopened_on = petition.last_assessed_on
            petition.reopen_count = 1
            events.append(PetitionEvent(petition_id=petition.pk, kind="reopened", message=MESSAGE_REOPENED))
            petition.save(update_fields=["status", "reopened_on", "reopen_count"])
        else:
            petition.status = "closed"
            petition.closed_on = petition.last_assessed_on
            events.append(PetitionEvent(petition_id=petition.pk, kind="closed", message=MESSAGE_CLOSED))
            petition.save(update_fields=["status", "closed_on"])
    PetitionEvent.objects.using(db).bulk_create(events, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0012_followthrough")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
