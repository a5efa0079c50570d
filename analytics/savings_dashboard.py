"""The savings dashboard's one query, with the names joined after grouping: the grouped rows
(a UNION ALL built with the ORM over the rollup, keyed by ids) are wrapped in an outer SELECT
that LEFT JOINs the dimension's names (member and vendor: organisation name; agreement: number
and title; category: name) to the rows of the "by" arm. Grouping by the id alone lets the
database hash the groups (grouping by id and name, it cannot know the name follows the id);
only the grouped rows meet the names.

The rows come from a plain cursor, so the values are converted as the ORM would: money to
Decimal (on SQLite, whose sums of decimals are floats, as Django's own converter does: 15
significant digits, then quantized to the cent), counts to int."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Iterator

from django.db import connections
from django.db.models import F, QuerySet

# dimension -> (the rollup's foreign key, the name paths on its model, as n1, n2)
LABELS = {"member": ("district", ("organisation__name",)), "agreement": ("agreement", ("number", "title")),
          "vendor": ("vendor", ("organisation__name",)), "category": ("category", ("name",)), "state": None}
MONEY = {"paid", "rebate", "list_value", "alone_value", "vs_list", "vs_alone", "vs_prior", "prior_paid",
         "prior_value"}
_FLOAT = decimal.Context(prec=15)
_CENT, _CONTEXT = Decimal("0.01"), decimal.Context(prec=18)


def _money(value):
    if value is None or isinstance(value, Decimal):
        return value
    return _FLOAT.create_decimal_from_float(float(value)).quantize(_CENT, context=_CONTEXT)


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def dashboard_query(query: QuerySet, dimension: str, model) -> Iterator[dict]:
    """Run the grouped UNION ALL `query` (columns arm, k_month, k0, t_...) with the dimension's
    names joined to its "by" rows; yields dicts (n1, n2: the names, None where not joined)."""
    alias = query.db  # (the database the router reads analytics from: a replica, in an analytics request)
    connection = connections[alias]
    sql, params = query.query.get_compiler(using=alias).as_sql()
    labels = LABELS[dimension]
    quote = connection.ops.quote_name
    if labels is None:
        outer, all_params = f"SELECT u.*, NULL AS n1, NULL AS n2 FROM ({sql}) u", params
    else:
        field, paths = labels
        related = model._meta.get_field(field).related_model
        names = related._base_manager.order_by().annotate(
            n_key=F("pk"), **{f"n{i}": F(path) for i, path in enumerate(paths, 1)}).values(
            "n_key", *(f"n{i}" for i in range(1, len(paths) + 1)))
        names_sql, names_params = names.query.get_compiler(using=alias).as_sql()
        second = "n.n2" if len(paths) > 1 else "NULL"
        outer = (f"SELECT u.*, n.n1 AS n1, {second} AS n2 FROM ({sql}) u LEFT JOIN ({names_sql}) n "
                 f"ON u.{quote('arm')} = 'by' AND n.{quote('n_key')} = u.{quote('k0')}")
        all_params = tuple(params) + tuple(names_params)
    with connection.cursor() as cursor:
        cursor.execute(outer, all_params)
        columns = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            values = dict(zip(columns, row))
            for name in list(values):
                if name.startswith("t_"):
                    value = values[name]
                    if name[2:] in MONEY:
                        values[name] = _money(value)
                    elif value is not None:
                        values[name] = int(value)
            values["k_month"] = _date(values["k_month"])
            yield values
