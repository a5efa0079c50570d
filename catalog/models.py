"""The catalog: categories of education technology (products come with the compliance issue)."""

from __future__ import annotations

from django.db import models


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
