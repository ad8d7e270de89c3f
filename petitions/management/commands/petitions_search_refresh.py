"""``python manage.py petitions_search_refresh``: rewrite the petitions' search columns, e.g.
after a unit or a field was renamed (the services keep them in step on every other change)."""

from django.core.management.base import BaseCommand

from petitions.models import Petition
from petitions.search import search_columns_refresh


class Command(BaseCommand):
    help = "Ghi lại cột tìm kiếm (không dấu) của mọi kiến nghị, theo từng lô."

    def handle(self, *args, **options):
        count = search_columns_refresh(Petition)
        self.stdout.write(f"{count} petitions refreshed")
