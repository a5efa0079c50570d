"""edpool matching-reindex: rebuild the matching search table and its full-text index from the
products (after bulk loads, or to repair it)."""

from django.core.management.base import BaseCommand

from matching.index import index_refresh


class Command(BaseCommand):
    help = "Rebuild the matching search table and full-text index from every product."

    def handle(self, *args, **options):
        written = index_refresh(everything=True)
        self.stdout.write(f"{written:,} products indexed for matching.")
