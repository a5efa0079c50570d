"""Bounded types for API schemas and parameters, defined once from `core.limits`.

Use them instead of bare `int`, `Decimal`, `str` and `date` in Ninja schemas and operation
parameters: Ninja refuses a value out of bounds with a 422 naming the field before the operation
runs, and the OpenAPI document states every bound (so clients and the fuzzer know them).

    class LineIn(Schema):
        product_id: Id
        quantity: Quantity
        reference: text_of(Order.reference) = ""

    def product_list(request, vendor_id: AnyId = 0, page: Page = 1, page_size: page_size(500) = 100)

Text fields take `text(n)`, or `text_of(Model.field)` for the max_length of the model's column. NUL characters are refused for every text value in one place (`edpool.api.EdPoolParser`).

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Optional

from pydantic import Field, StringConstraints, WithJsonSchema
from ninja import Schema

from core import limits

Id = Annotated[int, Field(ge=1, le=limits.ID_MAX, description="An EdPool id.")]
# Filters where 0 (the default) means "any".
AnyId = Annotated[int, Field(ge=0, le=limits.ID_MAX, description="An EdPool id; 0 for any.")]
Page = Annotated[int, Field(ge=1, le=limits.PAGE_MAX, description="Page number, from 1.")]
Quantity = Annotated[int, Field(ge=1, le=limits.QUANTITY_MAX, description="Whole units.")]
PooledQuantity = Annotated[int, Field(ge=1, le=limits.POOLED_QUANTITY_MAX,
                                      description="Whole units, pooled over the consortium.")]
Day = Annotated[dt.date, Field(ge=limits.DATE_MIN, le=limits.DATE_MAX)]
Moment = Annotated[dt.datetime, Field(ge=dt.datetime.combine(limits.DATE_MIN, dt.time.min, dt.timezone.utc),
                                      le=dt.datetime.combine(limits.DATE_MAX, dt.time.min, dt.timezone.utc))]


def page_size(maximum: int) -> type:
    return Annotated[int, Field(ge=1, le=maximum, description=f"Results per page, 1 to {maximum}.")]


def whole(minimum: int, maximum: int, description: str = "") -> type:
    """A small bounded whole number (months, days, counts)."""
    return Annotated[int, Field(ge=minimum, le=maximum, description=description or None)]


def decimal(minimum: Decimal | int | str, maximum: Decimal | int | str, places: int = 2,
            description: str = "") -> type:
    """A decimal within bounds, sent as a JSON number or a string ("1234.50"); the document states
    both forms, the bounds and the `places` decimal places expected. The places themselves are
    the services' to check (with the other rules of the record, so every problem comes at once)."""
    minimum, maximum = Decimal(minimum), Decimal(maximum)
    sign = "-?" if minimum < 0 else ""
    digits = len(str(int(maximum)))
    pattern = rf"^{sign}\d{{1,{digits}}}(\.\d{{1,{places}}})?$" if places else rf"^{sign}\d{{1,{digits}}}$"
    schema = {"anyOf": [{"type": "number", "minimum": float(minimum), "maximum": float(maximum)},
                        {"type": "string", "pattern": pattern}]}
    if description:
        schema["description"] = description
    return Annotated[Decimal, Field(ge=minimum, le=maximum, allow_inf_nan=False), WithJsonSchema(schema)]


UnitPrice = decimal(0, limits.UNIT_PRICE_MAX, 2, "Dollars and cents, per unit.")
Amount = decimal(0, limits.AMOUNT_MAX, 2, "Dollars and cents.")


def text(max_length: int, *, min_length: int = 0) -> type:
    """Text of at most max_length characters (never a NUL character: refused for all text)."""
    return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length)]


def text_of(column, *, unbounded: int = limits.NOTE_MAX, min_length: int = 0) -> type:
    """Text bounded like a model's column (`text_of(Order.reference)`): its max_length, or
    `unbounded` (NOTE_MAX unless said) for a TextField."""
    field = column.field
    return text(field.max_length or unbounded, min_length=min_length)


Email = text(limits.EMAIL_MAX)
Filename = text(255)


def _base64_max() -> int:
    from django.conf import settings

    # The document check names an oversized document with its size limit; far beyond it the
    # schema refuses the string itself.
    return (settings.MAX_DOCUMENT_BYTES + 2) // 3 * 4 + 64 * 1024


Base64 = Annotated[str, StringConstraints(max_length=_base64_max()),
                   Field(description="The file's bytes, base64-encoded (standard alphabet, with padding).")]
Filter = text(limits.FILTER_MAX)  # search and filter text in query strings
StateList = text(4 * 56)  # comma-separated state codes: every state, DC and territories
ShortText = text(limits.SHORT_TEXT_MAX)
Note = text(limits.NOTE_MAX)
LongText = text(limits.LONG_TEXT_MAX)


class ApiError(Schema):
    """Every error the API answers: a sentence, and for refused input the messages per field
    (`lines[2].quantity`, `__all__` for the request as a whole)."""

    detail: str
    errors: Optional[dict[str, list[str]]] = None


def decimal_text(description: str, example: str) -> type:
    """A decimal the API answers as a string ("1234.50", never a JSON number, so no client loses
    a cent to floating point). For responses; requests take `decimal` (a number or a string)."""
    schema = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": description,
              "examples": [example]}
    return Annotated[str, WithJsonSchema(schema)]


MoneyText = decimal_text("Dollars and cents, as a decimal string.", "1234.50")
RateText = decimal_text("A fraction, as a decimal string: \"0.0200\" is 2%.", "0.0200")
DecimalText = decimal_text("An exact decimal number (a score, a weight, a share), as a decimal string.", "8.50")
