"""Trigram indexes for the public portal's search (`portal.selectors.search`): on PostgreSQL,
`icontains` on these columns uses them; on SQLite this migration does nothing (core.trigram)."""

from django.db import migrations

from core.trigram import upper_trigram_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("contracts", "0007_priorprice"),
    ]

    operations = [
        upper_trigram_indexes("contracts_masteragreement", ("number", "title",)),
    ]
