"""The agreement terms copied onto the search rows (`matching.index.terms_refresh`) follow every
change of the member catalog's rows, so the search's "on an agreement in force" is what
`contracts.selectors.catalog.entries_in_force` says, on any date (this module runs on both
databases)."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps

from catalog.models import Product
from catalog.services import product_data_from, product_update
from contracts.models import ScheduleEntry
from contracts.selectors.agreements import current_schedule
from contracts.selectors.catalog import entries_in_force
from contracts.services.agreements import (agreement_renew, agreement_terminate, amendment_decide,
                                           amendment_propose)
from contracts.services.catalog_index import catalog_index_refresh
from matching.index import index_refresh, terms_span
from matching.models import SearchDoc
from matching.search import in_force
from matching.selectors import match
from matching.spec import need_spec
from tests.cast import SYSTEM
from tests.helpers import make_product

D = dt.date


def marked(on_date) -> set[int]:
    return set(SearchDoc.objects.filter(in_force(on_date)).values_list("product_id", flat=True))


def unmarked(on_date) -> set[int]:
    return set(SearchDoc.objects.exclude(in_force(on_date)).values_list("product_id", flat=True))


def assert_right(*dates) -> None:
    every = set(SearchDoc.objects.values_list("product_id", flat=True))
    for on_date in dates:
        expected = set(entries_in_force(on_date).values_list("product_id", flat=True))
        assert marked(on_date) == expected, on_date
        assert unmarked(on_date) == every - expected, on_date  # never NULL: two groups exactly


def around(agreement) -> list:
    one = dt.timedelta(days=1)
    return [agreement.start_date - one, agreement.start_date, agreement.end_date, agreement.end_date + one,
            agreement.end_date + 400 * one]


def test_spans():
    assert terms_span([]) == (None, None, False)
    assert terms_span([(D(2026, 1, 1), D(2026, 12, 31))]) == (D(2026, 1, 1), D(2026, 12, 31), False)
    # overlapping, and following without a day's gap: one span
    assert terms_span([(D(2027, 1, 1), D(2027, 6, 30)), (D(2026, 1, 1), D(2026, 12, 31)),
                       (D(2026, 3, 1), D(2026, 4, 1))]) == (D(2026, 1, 1), D(2027, 6, 30), False)
    # a day's gap: split (the search asks the catalog's table)
    assert terms_span([(D(2026, 1, 1), D(2026, 12, 30)), (D(2027, 1, 1), D(2027, 6, 30))]) == (None, None, True)
    # no dates, or an end before the start: never in force
    assert terms_span([(None, D(2026, 1, 1)), (D(2026, 2, 1), D(2026, 1, 1))]) == (None, None, False)


def test_activation_amendments_renewal_and_termination(cast, agreements):
    staff = cast.actor(cast.staff)
    a, b = agreements[cast.vendor_a.pk], agreements[cast.vendor_b.pk]
    off = make_product(cast.vendor_a, "Loose Tablet", price="99.00")
    assert off.pk not in marked(a.start_date)
    assert_right(*around(a))
    device = current_schedule(a).entries.get(line_reference="CB").product
    tablet = make_product(cast.vendor_a, "Slate Tablet", price="199.00")
    amendment = amendment_propose(agreement=a, kind="add_products", summary="A tablet",
                                  set_entries=[{"product": tablet.pk, "line_reference": "CB",
                                                "tiers": [{"min_quantity": 1, "unit_price": "180.00"}]}],
                                  actor=staff)
    assert tablet.pk not in marked(a.start_date)  # nothing changes until approved
    amendment_decide(amendment=amendment, approve=True, actor=staff)
    assert tablet.pk in marked(a.start_date)
    assert_right(*around(a))
    removal = amendment_propose(agreement=a, kind="remove_products", summary="Drop the device",
                                remove_products=[device.pk], actor=staff)
    amendment_decide(amendment=removal, approve=True, actor=staff)
    assert device.pk not in marked(a.start_date)
    assert_right(*around(a))
    agreement_renew(agreement=a, actor=staff)
    assert_right(*around(a), a.end_date + dt.timedelta(days=366))
    agreement_terminate(agreement=b, reason="Vendor breach", actor=staff)
    assert_right(*around(b))
    assert not marked(b.start_date) & set(current_schedule(b).entries.values_list("product_id", flat=True))


def test_product_deactivation_and_reindexing(cast, agreements):
    licence = Product.objects.get(name="Vendor B LLC Management")
    today = agreements[cast.vendor_b.pk].start_date
    product_update(product=licence, data=product_data_from(licence, active=False), actor=SYSTEM)
    assert licence.pk not in marked(today)
    assert_right(today)
    licence.refresh_from_db()
    product_update(product=licence, data=product_data_from(licence, active=True), actor=SYSTEM)
    assert licence.pk in marked(today)
    index_refresh(product_ids=[licence.pk])  # a rebuilt row keeps its terms
    index_refresh(product_ids=Product.objects.filter(pk=licence.pk).values("pk"))
    assert_right(today)
    index_refresh(everything=True)
    assert_right(*around(agreements[cast.vendor_a.pk]))


def test_terms_with_a_gap_ask_the_catalog(cast, agreements, clock):
    """A product on two agreements whose terms leave a gap: in force in each term, not between."""
    a, b = agreements[cast.vendor_a.pk], agreements[cast.vendor_b.pk]
    device = current_schedule(a).entries.get(line_reference="CB").product
    ScheduleEntry.objects.create(version=current_schedule(b), product=device, line_reference="CB2",
                                 line_description="Also here", unit="device", list_price=device.list_price,
                                 tiers=[{"min_quantity": 1, "unit_price": "250.00"}])
    b.start_date, b.end_date = a.end_date + dt.timedelta(days=10), a.end_date + dt.timedelta(days=400)
    b.save(update_fields=["start_date", "end_date"])
    catalog_index_refresh(agreement_ids=[b.pk])  # bulk writers refresh (see contracts.services.catalog_index)
    assert SearchDoc.objects.get(pk=device.pk).terms_split
    gap = a.end_date + dt.timedelta(days=5)
    assert device.pk in marked(a.end_date) and device.pk not in marked(gap) and device.pk in marked(b.start_date)
    assert_right(*around(a), *around(b), gap)
    clock.set(dt.datetime.combine(gap, dt.time(12), tzinfo=dt.timezone.utc))
    outcome = match(need_spec(text="chromebook"), explain=False)
    assert device.pk in [r.product.pk for r in outcome.other]
    clock.set(dt.datetime.combine(b.start_date, dt.time(12), tzinfo=dt.timezone.utc))
    outcome = match(need_spec(text="chromebook"), explain=False)
    assert device.pk in [r.product.pk for r in outcome.on_agreement]


def test_the_migration_fills_the_same_terms(cast, agreements):
    before = list(SearchDoc.objects.order_by("pk").values_list("pk", "terms_from", "terms_until", "terms_split"))
    assert any(row[1] for row in before)
    SearchDoc.objects.update(terms_from=None, terms_until=None, terms_split=False)
    importlib.import_module("matching.migrations.0002_searchdoc_terms").fill(apps, None)
    assert list(SearchDoc.objects.order_by("pk").values_list("pk", "terms_from", "terms_until",
                                                             "terms_split")) == before
