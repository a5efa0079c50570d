"""The member catalog's search table: one row per product on the schedule in force of an active
agreement, with everything catalog search filters, matches, ranks and orders on, so one indexed
table answers a search and its count without joins.

Derived data, never edited by hand: `contracts.services.catalog_index.catalog_index_refresh`
rebuilds the rows of the agreements or products whose sources changed (see that module for who
calls it). Python lower-cases the text columns, as it does the search words, so matching is the
same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import models

from contracts.models.agreement import MasterAgreement, ScheduleEntry


class CatalogEntry(models.Model):
    # The schedule entry this row stands for (its id orders ties, as before).
    entry = models.OneToOneField(ScheduleEntry, primary_key=True, on_delete=models.CASCADE,
                                 related_name="catalog_row")
    agreement = models.ForeignKey(MasterAgreement, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("catalog.Category", on_delete=models.CASCADE, related_name="+")
    # The agreement's term: a row is in the catalog on the days between them.
    start_date = models.DateField(null=True)
    end_date = models.DateField(null=True)
    # Copies of the product's filter fields.
    kind = models.CharField(max_length=30)
    grade_bands = models.JSONField(default=list)
    subjects = models.JSONField(default=list)
    interoperability = models.JSONField(default=list)
    product_name = models.CharField(max_length=200)  # orders ties of rank
    # Lower-cased text searched: the name; the category's name and the vendor's legal name; the
    # name and the description.
    name_text = models.TextField()
    other_text = models.TextField()
    search_text = models.TextField()

    def __str__(self) -> str:
        return f"{self.product_name} ({self.entry_id})"
