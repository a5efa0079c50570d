"""The shared bounds refuse absurd values with a message naming the field."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import limits


def field_message(exc: ValidationError) -> tuple[str, str]:
    (field, messages), = exc.value.message_dict.items()
    return field, messages[0]


@pytest.mark.parametrize("value", [0, -1, limits.QUANTITY_MAX + 1, 99_999_999_999_999, 10**12, True, 1.5, "3", None])
def test_quantity_out_of_bounds_names_the_field(value):
    with pytest.raises(ValidationError) as exc:
        limits.check_quantity(value, field="lines[1].quantity")
    field, message = field_message(exc)
    assert field == "lines[1].quantity"
    assert "whole number" in message


@pytest.mark.parametrize("value", [1, 250, limits.QUANTITY_MAX])
def test_quantity_in_bounds(value):
    assert limits.check_quantity(value, field="q") == value


@pytest.mark.parametrize("raw,expected", [("12", 12), (" 1,000 ", 1000)])
def test_parse_int(raw, expected):
    assert limits.parse_int(raw, field="quantity") == expected


@pytest.mark.parametrize("raw", ["", "x", "1e3", "99999999999999999999999999", "-5", "0", "12.5", "\x00",
                                 "²", "①", "١٢٣", "１２"])
def test_parse_int_refuses(raw):
    with pytest.raises(ValidationError):
        limits.parse_int(raw, field="quantity")


@pytest.mark.parametrize("raw,expected", [("10", Decimal("10.00")), ("$1,234.50", Decimal("1234.50")),
                                          (Decimal("0.1"), Decimal("0.10"))])
def test_money(raw, expected):
    assert limits.check_money(raw, field="amount") == expected


@pytest.mark.parametrize("raw", ["1e30", "NaN", "Infinity", "-1", "1.234", "abc", "10000000000.01"])
def test_money_refuses(raw):
    with pytest.raises(ValidationError) as exc:
        limits.check_money(raw, field="annual_value")
    assert field_message(exc)[0] == "annual_value"


def test_text_refuses_nul_and_overlong():
    with pytest.raises(ValidationError):
        limits.check_text("a\x00b", field="name")
    with pytest.raises(ValidationError) as exc:
        limits.check_text("x" * 131_072, field="name", max_length=300)
    assert "131,072" in field_message(exc)[1]
    assert limits.check_text("  ok ", field="name") == "ok"
    with pytest.raises(ValidationError):
        limits.check_text(" ", field="name", required=True)
