"""Keeping the member catalog's search table (`contracts.models.CatalogEntry`) right.

A row stands for each entry of the current schedule version of an agreement in the active state
whose product is active. It copies the agreement's term (searches filter on the date, so expiry
needs nothing), the product's filter fields and name, and the lower-cased text searched: the
product's name; its category's name and its vendor's legal name; its name and description.

Whatever changes one of those sources calls `catalog_index_refresh` for what it changed, in the
same transaction, after its own change and its audit event:

- `contracts.services.agreements`: `agreement_activate`, `agreement_renew`,
  `agreement_terminate`, `amendment_decide` (an approved amendment makes a new current version);
- `catalog.services`: `product_update`, `category_ensure` (when it renames a category);
- `vendors.services`: `vendor_update` (when the legal name changes);
- the admin pages of products, categories and vendors (`catalog.admin`, `vendors.admin`).

The schedule changes outside amendments only before signature, while the agreement is pending and
so not in the catalog (`agreement_activate` builds its rows). Code that writes the sources in bulk
(the benchmarks) calls `catalog_index_refresh(everything=True)` afterwards; migration
`contracts.0003` filled the table for existing data.

The rows are derived data: the change that caused a refresh carries the audit event, the refresh
records none. After writing, it sends `contracts.signals.catalog_rows_changed` with the products
whose rows changed: `matching` copies each product's agreement terms onto its own search table.
Refreshes take one transaction-level lock on PostgreSQL (SQLite runs one writer at a time
anyway), so two transactions changing overlapping sources cannot leave a stale row: the later
refresh reads what the earlier one committed.
"""

from __future__ import annotations

from typing import Iterable, Optional

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from contracts.models import CatalogEntry, ScheduleEntry
from contracts.signals import catalog_rows_changed
from contracts.states import AgreementState

# pg_advisory_xact_lock key that serialises refreshes ("EDPCATIX").
LOCK_KEY = 0x4544504341544958
BATCH = 2000

Ids = Optional[Iterable[int] | QuerySet]


def catalog_texts(*, name: str, description: str, category: str, vendor: str) -> tuple[str, str, str]:
    """(name text, category-and-vendor text, name-and-description text), lower-cased like the
    search words. Words never contain whitespace, so none can match across the line breaks."""
    return name.lower(), f"{category}\n{vendor}".lower(), f"{name}\n{description}".lower()


def _row(entry: ScheduleEntry) -> CatalogEntry:
    product, agreement = entry.product, entry.version.agreement
    name_text, other_text, search_text = catalog_texts(
        name=product.name, description=product.description, category=product.category.name,
        vendor=product.vendor.legal_name)
    return CatalogEntry(entry=entry, agreement=agreement, product=product, category=product.category,
                        start_date=agreement.start_date, end_date=agreement.end_date, kind=product.kind,
                        grade_bands=product.grade_bands, subjects=product.subjects,
                        interoperability=product.interoperability, product_name=product.name,
                        name_text=name_text, other_text=other_text, search_text=search_text)


def catalog_index_lock() -> None:
    """Take the refreshes' lock (PostgreSQL; till the end of the transaction). Code keeping data
    derived from this table (matching's copy of agreement terms) takes it first, before its own
    lock, so both follow the table's changes in order and always lock in the same order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@transaction.atomic
def catalog_index_refresh(*, agreement_ids: Ids = None, product_ids: Ids = None,
                          everything: bool = False) -> int:
    """Rebuild the catalog rows of these agreements and these products (ids, or a queryset of
    ids, e.g. `Product.objects.filter(vendor=v).values("pk")`), or of everything. Returns the
    number of rows written."""
    if everything:
        rows_scope, entries_scope = Q(), Q()
    else:
        rows_scope, entries_scope = Q(pk__in=[]), Q(pk__in=[])
        if agreement_ids is not None:
            ids = agreement_ids if isinstance(agreement_ids, QuerySet) else list(agreement_ids)
            rows_scope |= Q(agreement_id__in=ids)
            entries_scope |= Q(version__agreement_id__in=ids)
        if product_ids is not None:
            ids = product_ids if isinstance(product_ids, QuerySet) else list(product_ids)
            rows_scope |= Q(product_id__in=ids)
            entries_scope |= Q(product_id__in=ids)
    catalog_index_lock()
    touched = set() if everything else set(CatalogEntry.objects.filter(rows_scope).values_list("product_id", flat=True))
    CatalogEntry.objects.filter(rows_scope).delete()
    entries = (ScheduleEntry.objects.filter(entries_scope, version__is_current=True,
                                            version__agreement__state=AgreementState.ACTIVE,
                                            product__active=True)
               .select_related("version__agreement", "product__category", "product__vendor")
               .order_by("pk"))
    written, batch = 0, []
    for entry in entries.iterator(chunk_size=BATCH):
        batch.append(_row(entry))
        touched.add(entry.product_id)
        if len(batch) == BATCH:
            written += len(CatalogEntry.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(CatalogEntry.objects.bulk_create(batch))
    catalog_rows_changed.send(sender=CatalogEntry, product_ids=sorted(touched), everything=everything)
    return written
