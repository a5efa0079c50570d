"""The `<id:...>` path converter for pages: a database id, 1 to 2^63 - 1.

Django's `<int:...>` takes any number of digits; an id beyond 64 bits then fails inside SQLite
("Python int too large to convert to SQLite INTEGER") when it filters a foreign key. With this
converter such an address is simply not found (404).

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

from django.urls import register_converter

from core.limits import ID_MAX


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            raise ValueError(f"{value} is not an id")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


class YearConverter:
    """A calendar year EdPool can date things in (DATE_MIN to DATE_MAX)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        from core.limits import DATE_MAX, DATE_MIN

        number = int(value)
        if not DATE_MIN.year <= number <= DATE_MAX.year:
            raise ValueError(f"{value} is not a year EdPool handles")
        return number

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class QuarterConverter:
    regex = "[1-4]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(YearConverter, "year")
register_converter(QuarterConverter, "quarter")
