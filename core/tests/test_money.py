"""Money in whole cents (core.money): the one rounding rule and reading amounts within bounds."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings, strategies as st

from core import limits
from core.bounds import AMOUNT_MAX
from core.money import CENT, MoneyError, allocate, cents, is_whole_cents, parse_amount

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6,
                      allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("amount, expected", [
    ("2.345", "2.35"), ("2.344999", "2.34"), ("-2.345", "-2.35"), ("0.005", "0.01"),
    ("0.004", "0.00"), ("2.355", "2.36"), ("10", "10.00")])
def test_half_a_cent_rounds_away_from_zero(amount, expected):
    result = cents(Decimal(amount))
    assert result == Decimal(expected) and str(result) == expected


@settings(max_examples=300, deadline=None)
@given(amounts)
def test_cents_is_the_nearest_cent_with_halves_up(amount):
    rounded = cents(amount)
    assert is_whole_cents(rounded) and rounded.as_tuple().exponent == -2
    assert abs(rounded - amount) <= Decimal("0.005")
    if abs(rounded - amount) == Decimal("0.005"):
        assert abs(rounded) > abs(amount)  # a half goes away from zero
    assert cents(rounded) == rounded
    assert cents(-amount) == -rounded


@settings(max_examples=300, deadline=None)
@given(st.integers(0, int(AMOUNT_MAX * 100)))
def test_every_amount_in_whole_cents_within_bounds_reads_back(whole_cents):
    amount = Decimal(whole_cents) / 100
    for written in (amount, str(amount), f"${amount:,.2f}", f" {amount} "):
        parsed = parse_amount(written)
        assert parsed == amount and parsed.as_tuple().exponent == -2


@settings(max_examples=200, deadline=None)
@given(amounts)
def test_a_fraction_of_a_cent_is_refused_never_rounded(amount):
    if amount == amount.quantize(CENT, rounding=ROUND_HALF_UP):
        return
    with pytest.raises(MoneyError) as refused:
        parse_amount(amount, minimum=Decimal("-1e13"), maximum=Decimal("1e13"))
    assert refused.value.reason == MoneyError.FRACTION_OF_CENT


@pytest.mark.parametrize("value, reason", [
    ("abc", MoneyError.UNREADABLE), ("", MoneyError.UNREADABLE), (True, MoneyError.UNREADABLE),
    (None, MoneyError.UNREADABLE), ("1" * 50, MoneyError.UNREADABLE), ([1], MoneyError.UNREADABLE),
    ("-0.01", MoneyError.OUT_OF_BOUNDS), (AMOUNT_MAX + CENT, MoneyError.OUT_OF_BOUNDS),
    ("NaN", MoneyError.OUT_OF_BOUNDS), ("Infinity", MoneyError.OUT_OF_BOUNDS),
    ("1.001", MoneyError.FRACTION_OF_CENT)])
def test_parse_amount_says_why(value, reason):
    with pytest.raises(MoneyError) as refused:
        parse_amount(value)
    assert refused.value.reason == reason


def test_parse_amount_bounds_are_inclusive():
    assert parse_amount("0") == Decimal("0.00")
    assert parse_amount(AMOUNT_MAX) == AMOUNT_MAX
    assert parse_amount(1.5) == Decimal("1.50")
    assert parse_amount("-5", minimum=Decimal("-10")) == Decimal("-5.00")


@pytest.mark.parametrize("value, message", [
    ("abc", "'abc' is not an amount in dollars and cents."),
    ("-1", "Must be from $0.00 to $10,000,000,000.00."),
    ("1.005", "At most two decimal places (dollars and cents).")])
def test_check_money_names_the_field(value, message):
    with pytest.raises(ValidationError) as exc:
        limits.check_money(value, field="approval_limit")
    assert exc.value.message_dict == {"approval_limit": [message]}


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=30))
def test_allocate_splits_a_total_exactly_in_proportion(total_cents, weights):
    total = Decimal(total_cents) / 100
    shares = allocate(total, [Decimal(w) / 100 for w in weights])
    assert sum(shares) == total and all(s >= 0 and is_whole_cents(s) for s in shares)
    whole = sum(weights)
    if whole:
        for share, weight in zip(shares, weights):  # within a cent of the exact share
            assert abs(share - total * weight / whole) < Decimal("0.01")


def test_allocate_examples():
    assert allocate(Decimal("100.00"), [Decimal("1"), Decimal("1"), Decimal("1")]) == \
        [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert allocate(Decimal("5.00"), [Decimal(0), Decimal(0)]) == [Decimal("5.00"), Decimal(0)]
    assert allocate(Decimal("0"), [Decimal("3")]) == [Decimal("0.00")]
