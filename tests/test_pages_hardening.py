"""Pages given numbers no one means: page numbers and ids beyond 64 bits, impossible years.
SQLite failed on them (OverflowError, a 500); a page number is now clamped, an address with such
an id or year is simply not found."""

from __future__ import annotations

import pytest

BIG = [2**63, 10**20]


@pytest.mark.parametrize("big", BIG)
def test_page_numbers_and_ids_beyond_64_bits(client, cast, big):
    assert client.get(f"/catalog/?page={big}").status_code == 200
    assert client.get("/catalog/?page=abc").status_code == 200
    for url in (f"/catalog/products/{big}/", f"/solicitations/{big}/", f"/agreements/{big}/",
                f"/memberships/{big}/", f"/orders/{big}/"):
        assert client.get(url).status_code == 404, url


def test_impossible_years_in_addresses_are_not_found(client, cast):
    client.force_login(cast.vendor_user_a)
    assert client.get("/vendor/sales-reports/1/9999-q1/").status_code == 404
    assert client.get("/vendor/sales-reports/1/2026-q5/").status_code == 404
