"""The catalog: categories of education technology, and vendors' products."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from catalog.choices import ACCESSIBILITY, ESSA_TIERS, PRICE_UNITS, PRODUCT_FAMILIES


class Category(models.Model):
    """A category vendors sell in and solicitations are issued for, e.g. "Devices: Chromebooks"."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


def search_text_of(name: str, description: str) -> str:
    return f"{name}\n{description}".lower()


class Product(models.Model):
    """A product a vendor offers. Lists (grade bands, subjects, languages, interoperability, data
    collected) hold codes from `catalog.choices`. Changed only through `catalog.services`.

    Its facts (`FACT_FIELDS`) are versioned: every change makes a `ProductFactsVersion`;
    `facts_version` is the current one and `facts_checked_version` the last one consortium staff
    checked (equal when the current facts are checked)."""

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    kind = models.CharField(max_length=30, choices=PRODUCT_FAMILIES)
    price_unit = models.CharField(max_length=20, choices=PRICE_UNITS)
    grade_bands = models.JSONField(default=list, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    interoperability = models.JSONField(default=list, blank=True)
    data_collected = models.JSONField(default=list, blank=True)
    accessibility = models.CharField(max_length=20, choices=ACCESSIBILITY, default="not_evaluated")
    essa_tier = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=ESSA_TIERS, validators=[MinValueValidator(1), MaxValueValidator(4)])
    essa_study_url = models.URLField(max_length=500, blank=True)
    facts_version = models.PositiveIntegerField(default=0, editable=False)
    facts_checked_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    facts_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    list_price = models.DecimalField(max_digits=12, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0"))])
    unit = models.CharField(max_length=40)
    active = models.BooleanField(default=True)
    # Lower-cased name and description (kept by `save`). The member catalog searches its own
    # copy, with category and vendor, in `contracts.models.CatalogEntry`.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="product_name_unique_per_vendor"),
            models.CheckConstraint(condition=models.Q(essa_tier__isnull=True) | models.Q(essa_tier__gte=1, essa_tier__lte=4),
                                   name="product_essa_tier_1_to_4"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_text_of(self.name, self.description)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"search_text"}
        super().save(*args, **kwargs)

    @property
    def collects_student_data(self) -> bool:
        return bool(self.data_collected)

    @property
    def facts_checked(self) -> bool:
        """Whether staff checked the current version of its facts."""
        return bool(self.facts_version) and self.facts_checked_version == self.facts_version


# The facts of a product that describe it for matching (and that staff check): a change of any
# of them makes a new version. Name, description, price and "offered now" are not facts.
FACT_FIELDS = ("category", "kind", "price_unit", "unit", "grade_bands", "subjects", "languages",
               "interoperability", "accessibility", "data_collected", "essa_tier", "essa_study_url")


class ProductFactsVersion(models.Model):
    """One version of a product's facts, as they were stated (`facts`: FACT_FIELDS as JSON, the
    category by its code), who stated them, and whether consortium staff checked them."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="facts_versions")
    number = models.PositiveIntegerField()
    facts = models.JSONField()
    changed = models.JSONField(default=list)  # the FACT_FIELDS that differ from the version before
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_by_label = models.CharField(max_length=200, blank=True)  # "Vendor user at Acme", "system"
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["product", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="one_facts_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.product} facts v{self.number}"
