"""The catalog: categories of education technology, and vendors' products."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from catalog.choices import ProductKind


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
    """A product a vendor offers. Lists (grade bands, subjects, interoperability, data collected)
    hold codes from `catalog.choices`. Changed only through `catalog.services`."""

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    kind = models.CharField(max_length=30, choices=ProductKind.choices)
    grade_bands = models.JSONField(default=list, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    interoperability = models.JSONField(default=list, blank=True)
    data_collected = models.JSONField(default=list, blank=True)
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
