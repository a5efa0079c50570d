"""Trigram indexes for `icontains` searches, as the catalog's search has them (catalog migration
0003, contracts 0003): on PostgreSQL, a GIN index with pg_trgm's `gin_trgm_ops` lets
`LIKE '%word%'` skip the rows without the word; on SQLite the migration does nothing.

Django writes `col__icontains=word` on PostgreSQL as `UPPER("table"."col"::text) LIKE UPPER(...)`:
the index is on that same expression, so the unchanged `icontains` lookups use it (the same
results on both databases). If the database user may not create the extension, search works
without the indexes (scanning the table)."""

from __future__ import annotations

from django.db import migrations


def _name(table: str, column: str) -> str:
    return f"{table}_{column}_utrgm"[:63]


def upper_trigram_indexes(table: str, columns: tuple[str, ...]) -> migrations.RunPython:
    """A migration operation creating (and, reversed, dropping) the indexes on PostgreSQL only."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SAVEPOINT upper_trgm")
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                for column in columns:
                    cursor.execute(f'CREATE INDEX IF NOT EXISTS "{_name(table, column)}" ON "{table}" '
                                   f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)')
            except Exception:
                cursor.execute("ROLLBACK TO SAVEPOINT upper_trgm")
            else:
                cursor.execute("RELEASE SAVEPOINT upper_trgm")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for column in columns:
                    cursor.execute(f'DROP INDEX IF EXISTS "{_name(table, column)}"')

    return migrations.RunPython(create, drop, elidable=False)
