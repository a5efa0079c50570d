"""Matching a buyer's need to products: the search table and the needs buyers save.

`SearchDoc` is derived data (one row per product, rebuilt by `matching.index`): the product's
normalised words (`matching.text.document`) and a copy of the facts must-haves read, so one table
answers "which products match these words and have every hard must-have". The database's own
full-text index sits beside it (migration 0001): on PostgreSQL a stored `tsvector` column
`document` (name words weighted A, the rest B) with a GIN index; on SQLite an FTS5 table
`matching_fts` (rowid = product id, columns name and body).

`Need` is what a buyer asked and what matched when it was last matched; one with no good match
(`matching.selectors.is_good_match`) is kept as unmet, for staff and the next needs survey.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SearchDoc(models.Model):
    product = models.OneToOneField("catalog.Product", primary_key=True, on_delete=models.CASCADE,
                                   related_name="+")
    name_words = models.TextField()
    body_words = models.TextField()  # description, category and vendor
    active = models.BooleanField(default=True)
    kind = models.CharField(max_length=30, blank=True)  # device, software, content, service
    grade_bands = models.JSONField(default=list)
    subjects = models.JSONField(default=list)
    languages = models.JSONField(default=list)
    interoperability = models.JSONField(default=list)
    accessibility = models.CharField(max_length=30, blank=True)
    essa_tier = models.PositiveSmallIntegerField(null=True)
    collects_student_data = models.BooleanField(default=True)
    # Copy of the product's agreement terms (`contracts.selectors.catalog.catalog_terms`), so the
    # search marks products in force without a join: when its terms make one unbroken span, the
    # product is on an agreement in force exactly on the days from `terms_from` to `terms_until`
    # (none: on no agreement); when they leave a gap (`terms_split`), the search asks the member
    # catalog's table for that row. Kept right by `matching.index.terms_refresh`, which
    # `contracts.signals.catalog_rows_changed` calls whenever the catalog's rows of a product change.
    terms_from = models.DateField(null=True)
    terms_until = models.DateField(null=True)
    terms_split = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"search row of product {self.product_id}"


class SearchWord(models.Model):
    """Every word the index holds (never pruned): what a buyer's misspelt word is corrected to."""

    word = models.CharField(max_length=60, primary_key=True)

    def __str__(self) -> str:
        return self.word


class NeedStatus(models.TextChoices):
    MATCHED = "matched", "Matched"
    UNMET = "unmet", "Unmet need"


class Need(models.Model):
    district = models.ForeignKey("members.District", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=500)
    must_haves = models.JSONField(default=list)  # hard: a product lacking one never appears
    nice_to_haves = models.JSONField(default=list)  # soft: they rank
    quantity = models.PositiveIntegerField()
    budget_per_unit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=20, choices=NeedStatus.choices)
    # When it was last matched, and what: counts and the best products (ids, best first).
    matched_at = models.DateTimeField()
    result_count = models.PositiveIntegerField(default=0)
    good_count = models.PositiveIntegerField(default=0)
    top_product_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]
