"""Give every existing petition a receipt code (unique, unguessable) before the column becomes
unique and required."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

from petitions.codes import new_receipt_code


def fill_codes(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    HistoricalPetition = apps.get_model("petitions", "HistoricalPetition")
    used = set(Petition.objects.exclude(receipt_code=None).values_list("receipt_code", flat=True))
    batch = []
    for petition in Petition.objects.filter(receipt_code=None).only("pk").order_by("pk").iterator(chunk_size=2000):
        code = new_receipt_code()
        while code in used:
            code = new_receipt_code()
        used.add(code)
        petition.receipt_code = code
        batch.append(petition)
        if len(batch) >= 2000:
            Petition.objects.bulk_update(batch, ["receipt_code"])
            batch = []
    if batch:
        Petition.objects.bulk_update(batch, ["receipt_code"])
    # The history rows of a petition carry its code too: one set-based UPDATE.
    HistoricalPetition.objects.filter(receipt_code=None).update(
        receipt_code=Subquery(Petition.objects.filter(pk=OuterRef("id")).values("receipt_code")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0007_citizen_codes_protection_publication")]

    operations = [migrations.RunPython(fill_codes, migrations.RunPython.noop)]
