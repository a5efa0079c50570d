"""What the summed rollup tables (analytics.YearRollup, analytics.MonthRollupTotal) share: their
rows are written by INSERT ... SELECT ... SUM ... GROUP BY over the monthly rollup, in SQL."""

from __future__ import annotations

from typing import Iterable

from django.db import connection, models, transaction
from django.db.models import QuerySet


def columns(model: type[models.Model], names: Iterable[str]) -> str:
    """The quoted columns of these fields (`x_id` for a foreign key x), for an INSERT's column list."""
    return ", ".join(connection.ops.quote_name(model._meta.get_field(n.removesuffix("_id")).column) for n in names)


def rebuild_table(model: type[models.Model], names: Iterable[str], sums: QuerySet) -> int:
    """Rewrite every row of the model's table from `sums` (a grouped queryset whose values are the
    fields `names`, in that order): one DELETE and one INSERT ... SELECT, in a transaction.
    Returns the number of rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        model.objects.all().delete()
        sql, params = sums.query.sql_with_params()
        cursor.execute(f"INSERT INTO {table} ({columns(model, names)}) {sql}", params)
    return model.objects.count()
