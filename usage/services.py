"""Importing licence usage: a district's rows (product, month, active users, licences used), all or
nothing, for the importing district only. A product and month the batch gives replace what the
district had reported for them (audited: `usage.replaced`, with the figures replaced per month);
its other products of the same month stay.

Plausibility (the same for CSV and API imports): a district may use more licences than it bought
through the consortium (licences bought before joining or elsewhere, active users counted on a
site licence), so usage above licences bought is stored and flagged wherever it is shown
("above licences bought": `usage.selectors.ProductUse.above_bought`, the import's message and the
API's `above_bought`). A figure more than PLAUSIBLE_TIMES times both the licences the district
bought of the product through the consortium (in the 12 months to the row's month, and the months
of the batch) and its enrolment is a typo (an extra zero, a figure of another unit), not a
district's usage: the whole batch is refused, naming the row. With neither figure known (no
enrolment on record and nothing bought) only the general bound (1,000,000) applies."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.acting import APPROVER, BUYER
from audit.actions import AuditAction
from audit.services import audit_record
from catalog.selectors import products_by_id_or_name
from core import clock
from core.limits import ID_MAX, QUANTITY_MAX, check_int, check_text, parse_int
from core.locks import lock
from members.models import District
from orders.bought import units_bought
from orders.selectors import actor_is_district
from usage.models import UsageImport, UsageRecord

# A figure above this many times both the licences bought and the enrolment is refused as a typo.
PLAUSIBLE_TIMES = 10
# At most this many rows in one import (CSV or API): 200 products over two years is 4,800.
MAX_ROWS = 5_000
# The earliest month anyone may report (EdPool's first agreements are far later).
FIRST_MONTH = dt.date(2000, 1, 1)
IMPORTERS = (BUYER, APPROVER)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
PRODUCT_TEXT_MAX = 200


@dataclass(frozen=True)
class CleanRow:
    product_id: int
    month: dt.date
    active_users: Optional[int]
    licences_used: Optional[int]


def this_month() -> dt.date:
    return clock.today().replace(day=1)


def parse_month(raw: Any, *, field: str = "month") -> dt.date:
    """'YYYY-MM' as the month's first day, from 2000-01 to the current month (the consortium's
    calendar): usage cannot be reported for a month that has not begun."""
    text = check_text(str(raw) if raw is not None else "", field=field, max_length=20)
    found = MONTH_RE.match(text)
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValidationError({field: f"{text[:20]!r} is not a month: write it as YYYY-MM (e.g. 2026-09)."})
    month = dt.date(int(found.group(1)), int(found.group(2)), 1)
    latest = this_month()
    if month > latest:
        raise ValidationError({field: f"{text} is in the future: report months up to {latest:%Y-%m}."})
    if month < FIRST_MONTH:
        raise ValidationError({field: f"{text} is too early: months start at {FIRST_MONTH:%Y-%m}."})
    return month


def _figure(raw: Any, *, field: str, what: str) -> Optional[int]:
    """A count from 0 to QUANTITY_MAX; None when not given (blank)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        check_text(raw, field=field, max_length=40)
        return parse_int(raw, field=field, minimum=0, maximum=QUANTITY_MAX, what=what)
    return check_int(raw, field=field, minimum=0, maximum=QUANTITY_MAX, what=what)


def clean_usage_rows(rows: list[dict[str, Any]], *,
                     key: Callable[[int], str] = lambda i: f"rows[{i}]") -> list[CleanRow]:
    """Every row checked; all problems raised together as {"<key(i)>.<field>": [message]} so a
    file or a request is refused whole, each problem named by its row and column."""
    if not rows:
        raise ValidationError({"rows": "No rows: give at least one (product, month, figures)."})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"rows": f"At most {MAX_ROWS:,} rows in one import (this has {len(rows):,}); "
                                       "split it by month."})
    errors: dict[str, list[str]] = {}

    def refuse(i: int, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            errors.setdefault(f"{key(i)}.{field}", []).extend(messages)

    # First pass: the product keys, so products are looked up in two queries for the whole batch.
    keys: list[Optional[int | str]] = []
    for i, row in enumerate(rows):
        raw = row.get("product")
        try:
            if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
                raise ValidationError({"product": "Required: the product's id or its exact name."})
            if isinstance(raw, int):
                keys.append(check_int(raw, field="product", minimum=1, maximum=ID_MAX, what="a product id"))
                continue
            text = check_text(str(raw), field="product", max_length=PRODUCT_TEXT_MAX)
            keys.append(int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else text)
        except ValidationError as exc:
            keys.append(None)
            refuse(i, exc)
    by_id, by_name = products_by_id_or_name(ids=[k for k in keys if isinstance(k, int)],
                                            names=[k for k in keys if isinstance(k, str)])
    clean: list[CleanRow] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for i, row in enumerate(rows):
        product_id = None
        product_key = keys[i]
        if isinstance(product_key, int):
            if product_key in by_id:
                product_id = product_key
            else:
                refuse(i, ValidationError({"product": f"No product with id {product_key}."}))
        elif isinstance(product_key, str):
            found = by_name.get(product_key.lower(), [])
            if len(found) == 1:
                product_id = found[0].pk
            elif not found:
                refuse(i, ValidationError({"product": f"No product is named {product_key[:80]!r}: give its id "
                                                      "or its exact name (see the template's list)."}))
            else:
                ids = ", ".join(f"{p.pk} ({p.vendor.organisation.name})" for p in found[:5])
                refuse(i, ValidationError({"product": f"{len(found)} products are named {product_key[:80]!r}: "
                                                      f"give the id of yours: {ids}."}))
        month = None
        try:
            month = parse_month(row.get("month"))
        except ValidationError as exc:
            refuse(i, exc)
        figures: dict[str, Optional[int]] = {}
        for field, what in (("active_users", "a number of active users"),
                            ("licences_used", "a number of licences")):
            try:
                figures[field] = _figure(row.get(field), field=field, what=what)
            except ValidationError as exc:
                figures[field] = 0  # refused: do not also say "give a figure"
                refuse(i, exc)
        if figures["active_users"] is None and figures["licences_used"] is None:
            refuse(i, ValidationError({"licences_used": "Give licences used, active users or both."}))
        if product_id is not None and month is not None:
            earlier = seen.get((product_id, month))
            if earlier is not None:
                refuse(i, ValidationError({"month": f"This product and month are already in {key(earlier)}: "
                                                    "one row per product and month."}))
            else:
                seen[(product_id, month)] = i
                clean.append(CleanRow(product_id, month, figures["active_users"], figures["licences_used"]))
    if errors:
        raise ValidationError(errors)
    return clean


def require_importer(actor, district: District) -> None:
    if not actor_is_district(actor, district, IMPORTERS):
        raise ValidationError({"district": "Only the district's own buyer or approver may import its usage."})


def bought_for_batch(district: District, clean: list[CleanRow]) -> tuple[dict[int, int], dt.date, dt.date]:
    """{product id: units the district bought of it through the consortium} from 12 months before
    the batch's first month to the end of its last month, and that window."""
    months = [r.month for r in clean]
    first, last = min(months), max(months)
    since = first - dt.timedelta(days=364)
    until = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    bought: dict[int, int] = {}
    for row in units_bought(since=since, until=until, district_ids=[district.pk],
                            product_ids={r.product_id for r in clean}):
        bought[row.product_id] = bought.get(row.product_id, 0) + row.units
    return bought, since, until


def check_plausible(district: District, clean: list[CleanRow], *, key: Callable[[int], str]) -> dict[int, int]:
    """Refuse (all rows named together) a figure above PLAUSIBLE_TIMES times both the licences
    bought and the enrolment (see the module); answer what was bought, for the flags."""
    bought, since, until = bought_for_batch(district, clean)
    enrolment = district.enrollment or 0
    errors: dict[str, list[str]] = {}
    for i, row in enumerate(clean):
        units = bought.get(row.product_id, 0)
        ceiling = PLAUSIBLE_TIMES * max(units, enrolment)
        if not ceiling:
            continue
        for field, figure, what in (("licences_used", row.licences_used, "licences used"),
                                    ("active_users", row.active_users, "active users")):
            if figure is not None and figure > ceiling:
                errors.setdefault(f"{key(i)}.{field}", []).append(
                    f"{figure:,} {what} is more than {PLAUSIBLE_TIMES} times both the licences your district "
                    f"bought of this product through the consortium ({units:,} from {since:%Y-%m} to "
                    f"{until:%Y-%m}) and its enrolment ({enrolment:,} students): check the figure (an extra "
                    f"zero?). Nothing was saved.")
    if errors:
        raise ValidationError(errors)
    return bought


def above_bought(clean: list[CleanRow], bought: dict[int, int]) -> int:
    """How many rows report more used than the licences bought (stored, flagged)."""
    return sum(1 for r in clean
               if (r.licences_used if r.licences_used is not None else r.active_users) > bought.get(r.product_id, 0))


@transaction.atomic
def usage_import(*, district: District, rows: list[dict[str, Any]], source: str, file_name: str = "",
                 replace: bool = True, actor, key: Callable[[int], str] = lambda i: f"rows[{i}]") -> UsageImport:
    """Store a batch of the district's usage, all or nothing. A product and month the batch gives
    replaces what the district reported for that product and month before (audited, with the
    number of figures replaced per month); the district's other products of the month stay. With
    `replace=False` (a page that has not asked yet) such a batch is refused, naming the months."""
    require_importer(actor, district)
    if source not in UsageImport.Source.values:
        raise ValidationError({"source": f"Unknown source {source!r}."})
    file_name = check_text(file_name, field="file", max_length=300)
    clean = clean_usage_rows(rows, key=key)
    bought = check_plausible(district, clean, key=key)
    # One import at a time per district: a double submit waits, then replaces the same months.
    list(lock(District.objects.filter(pk=district.pk)))
    months = sorted({r.month for r in clean})
    pairs = {(r.product_id, r.month) for r in clean}
    # Only the figures of the products and months the batch gives are replaced: a file correcting
    # one product's month leaves the district's other products of that month alone.
    earlier_ids: list[int] = []
    replaced_by_month: dict[str, int] = {}
    for pk, product_id, month in UsageRecord.objects.filter(
            district=district, month__in=months, product_id__in={p for p, _ in pairs}
    ).values_list("pk", "product_id", "month"):
        if (product_id, month) in pairs:
            earlier_ids.append(pk)
            replaced_by_month[f"{month:%Y-%m}"] = replaced_by_month.get(f"{month:%Y-%m}", 0) + 1
    replaced = sum(replaced_by_month.values())
    if replaced and not replace:
        raise ValidationError({"replace": f"You already reported {', '.join(sorted(replaced_by_month))} "
                                          f"({replaced:,} figure(s) of the same products): tick \"Replace\" "
                                          "to replace those figures with this file's; nothing was saved."})
    UsageRecord.objects.filter(pk__in=earlier_ids).delete()
    batch = UsageImport.objects.create(
        district=district, source=source, file_name=file_name, rows=len(clean),
        months=[f"{m:%Y-%m}" for m in months], replaced=replaced,
        created_by=actor.user,
        created_at=clock.now())
    UsageRecord.objects.bulk_create([
        UsageRecord(district=district, product_id=r.product_id, month=r.month, active_users=r.active_users,
                    licences_used=r.licences_used, batch=batch) for r in clean])
    batch.above_bought = above_bought(clean, bought)  # not stored: shown once, flagged on read
    after = {"district_id": district.pk, "source": source, "file_name": file_name, "rows": len(clean),
             "months": batch.months, "above_bought": batch.above_bought}
    if replaced:
        audit_record(actor=actor, action=AuditAction.USAGE_REPLACED, obj=batch,
                     object_repr=f"{district.name}: usage of {', '.join(sorted(replaced_by_month))}",
                     before={"figures_by_month": replaced_by_month}, after=after)
    audit_record(actor=actor, action=AuditAction.USAGE_IMPORTED, obj=batch,
                 object_repr=f"{district.name}: {len(clean)} usage figure(s)", after=after)
    return batch
