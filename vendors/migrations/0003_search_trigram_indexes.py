"""Trigram indexes for the public portal's search (`portal.selectors.search`): on PostgreSQL,
`icontains` on these columns uses them; on SQLite this migration does nothing (core.trigram)."""

from django.db import migrations

from core.trigram import upper_trigram_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("vendors", "0002_service_area"),
    ]

    operations = [
        upper_trigram_indexes("vendors_vendor", ("legal_name",)),
    ]
