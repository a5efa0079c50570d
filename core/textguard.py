"""The last line before the database: no text column is saved holding a NUL character or longer
than the column, on either database.

PostgreSQL refuses both (a DataError, i.e. a 500), while SQLite stores them silently, so the same
input behaved differently. Schemas, forms and importers check text first and name the field in
their own words; this catches whatever reaches a model save without such a check, as a
ValidationError naming the field, which pages show and the API answers with 422. (Bulk writes
and QuerySet.update() do not send signals: their callers check the text themselves.)

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

NUL_MESSAGE = "Contains a NUL character (\\0), which cannot be stored; remove it."


def text_problems(instance, fields=None) -> dict[str, str]:
    problems: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if fields is not None and field.name not in fields and field.attname not in fields:
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            problems[field.name] = NUL_MESSAGE
        elif isinstance(field, models.CharField) and field.max_length and len(value) > field.max_length:
            problems[field.name] = f"At most {field.max_length:,} characters (this is {len(value):,})."
    return problems


def refuse_unstorable_text(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:  # loading fixtures
        return
    problems = text_problems(instance, update_fields)
    if problems:
        raise ValidationError(problems)
