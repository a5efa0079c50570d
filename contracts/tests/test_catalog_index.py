"""The catalog's search table (`contracts.models.CatalogEntry`) follows every change of its
sources, and search on it means what `contracts.selectors.catalog` says, on SQLite and PostgreSQL
alike (this module runs on both)."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone

from catalog.models import Category, Product
from catalog.services import category_ensure, product_data_from, product_update
from contracts.models import CatalogEntry, ScheduleEntry
from contracts.selectors.agreements import current_schedule
from contracts.selectors.catalog import catalog_count, catalog_page, catalog_search, entries_in_force
from contracts.services.agreements import (agreement_renew, agreement_terminate, amendment_decide,
                                           amendment_propose)
from contracts.services.catalog_index import catalog_index_refresh
from tests.helpers import make_product
from tests.cast import SYSTEM
from vendors.models import Vendor
from vendors.services import vendor_update


def expected_rows() -> dict[int, dict]:
    """What the table must hold, worked out here from the sources."""
    out = {}
    for e in (ScheduleEntry.objects.filter(version__is_current=True, version__agreement__state="active",
                                           product__active=True)
              .select_related("version__agreement", "product__category", "product__vendor")):
        p, a = e.product, e.version.agreement
        out[e.pk] = {"agreement": a.pk, "product": p.pk, "category": p.category_id,
                     "start_date": a.start_date, "end_date": a.end_date, "kind": p.kind,
                     "grade_bands": p.grade_bands, "subjects": p.subjects,
                     "interoperability": p.interoperability, "product_name": p.name,
                     "name_text": p.name.lower(),
                     "other_text": f"{p.category.name}\n{p.vendor.legal_name}".lower(),
                     "search_text": f"{p.name}\n{p.description}".lower()}
    return out


def table_rows() -> dict[int, dict]:
    return {r.entry_id: {"agreement": r.agreement_id, "product": r.product_id, "category": r.category_id,
                         "start_date": r.start_date, "end_date": r.end_date, "kind": r.kind,
                         "grade_bands": r.grade_bands, "subjects": r.subjects,
                         "interoperability": r.interoperability, "product_name": r.product_name,
                         "name_text": r.name_text, "other_text": r.other_text, "search_text": r.search_text}
            for r in CatalogEntry.objects.all()}


def assert_table_right() -> None:
    assert table_rows() == expected_rows()


def names(entries) -> list[str]:
    return [e.product.name for e in entries]


def test_pending_agreements_are_not_in_the_catalog(cast, awarded):
    from contracts.services.agreements import agreements_create_from_award, schedule_map_product

    staff = cast.actor(cast.staff)
    for agreement in agreements_create_from_award(solicitation=awarded, actor=staff):
        product = make_product(agreement.vendor, f"{agreement.vendor.legal_name} Chromebook")
        schedule_map_product(agreement=agreement, line_reference="CB", product=product, actor=staff)
    assert not CatalogEntry.objects.exists() and catalog_search(q="chromebook").count() == 0


def test_activation_fills_and_an_approved_amendment_replaces_the_rows(cast, agreements):
    assert len(table_rows()) == 4
    assert_table_right()
    staff = cast.actor(cast.staff)
    agreement = agreements[cast.vendor_a.pk]
    device = current_schedule(agreement).entries.get(line_reference="CB").product
    tablet = make_product(cast.vendor_a, "Slate Tablet", price="199.00")
    amendment = amendment_propose(
        agreement=agreement, kind="add_products", summary="A tablet, and a lower device price",
        set_entries=[{"product": device.pk, "tiers": [{"min_quantity": 1, "unit_price": "280.00"}]},
                     {"product": tablet.pk, "line_reference": "CB",
                      "tiers": [{"min_quantity": 1, "unit_price": "180.00"}]}], actor=staff)
    assert names(catalog_search(q="slate")) == []  # nothing changes until approved
    assert_table_right()
    amendment_decide(amendment=amendment, approve=True, actor=staff)
    assert_table_right()
    [slate] = catalog_search(q="slate")
    assert slate.product == tablet and slate.version.number == 2
    [entry] = catalog_search(q="chromebook", product_id=device.pk)
    assert entry.version.number == 2 and entry.tiers[0]["unit_price"] == "280.00"
    rejected = amendment_propose(agreement=agreement, kind="remove_products", summary="Drop the tablet",
                                 remove_products=[tablet.pk], actor=staff)
    amendment_decide(amendment=rejected, approve=False, reason="No", actor=staff)
    assert names(catalog_search(q="slate")) == ["Slate Tablet"]
    removal = amendment_propose(agreement=agreement, kind="remove_products", summary="Drop the tablet",
                                remove_products=[tablet.pk], actor=staff)
    amendment_decide(amendment=removal, approve=True, actor=staff)
    assert names(catalog_search(q="slate")) == []
    assert_table_right()


def test_term_renewal_expiry_and_termination(cast, agreements):
    staff = cast.actor(cast.staff)
    a, b = agreements[cast.vendor_a.pk], agreements[cast.vendor_b.pk]
    end = a.end_date
    after_end = end + dt.timedelta(days=1)
    assert catalog_count(q="management", on_date=end) == 2
    assert catalog_count(q="management", on_date=after_end) == 0  # expiry needs no write
    assert catalog_count(q="management", on_date=a.start_date - dt.timedelta(days=1)) == 0
    agreement_renew(agreement=a, actor=staff)
    assert_table_right()
    assert names(catalog_search(q="management", on_date=after_end)) == ["Vendor A, Inc. Management"]
    agreement_terminate(agreement=b, reason="Vendor breach", actor=staff)
    assert_table_right()
    assert names(catalog_search(q="management")) == ["Vendor A, Inc. Management"]


def test_product_edits_are_searched_at_once(cast, agreements):
    licence = Product.objects.get(name="Vendor B LLC Management")
    licence = product_update(product=licence, data=product_data_from(
        licence, name="Roster Hub", description="Rostering and single sign-on", grade_bands=["K-2"],
        subjects=["math"], interoperability=["oneroster"], kind="software"), actor=SYSTEM)
    assert_table_right()
    # Still in the Management category: 2, against 4 + 1 + 2 for the name.
    assert names(catalog_search(q="management")) == ["Vendor A, Inc. Management", "Roster Hub"]
    assert names(catalog_search(q="sign-on roster")) == ["Roster Hub"]
    assert names(catalog_search(grade_band="K-2")) == names(catalog_search(subject="math")) == ["Roster Hub"]
    assert names(catalog_search(interoperability="oneroster", kind="software")) == ["Roster Hub"]
    licence = product_update(product=licence, data=product_data_from(licence, active=False), actor=SYSTEM)
    assert_table_right()
    assert names(catalog_search(q="roster")) == []
    product_update(product=licence, data=product_data_from(licence, active=True), actor=SYSTEM)
    assert names(catalog_search(q="roster")) == ["Roster Hub"]
    assert_table_right()


def test_vendor_and_category_renames_are_searched_at_once(cast, agreements):
    vendor_update(vendor=cast.vendor_b, name="Vendor B", legal_name="Quokka Learning LLC", actor=SYSTEM)
    assert_table_right()
    assert sorted(names(catalog_search(q="quokka"))) == ["Vendor B LLC Chromebook 11", "Vendor B LLC Management"]
    assert catalog_count(q="llc") == 2  # still in the product names
    category_ensure(code="management", name="Device fleet tools", actor=SYSTEM)
    assert_table_right()
    assert sorted(names(catalog_search(q="fleet"))) == ["Vendor A, Inc. Management", "Vendor B LLC Management"]
    assert names(catalog_search(q="fleet quokka")) == ["Vendor B LLC Management"]


def test_admin_edits_keep_the_table_right(cast, agreements):
    request = RequestFactory().post("/admin/")
    request.user = cast.staff
    device = Product.objects.get(name="Vendor A, Inc. Chromebook 11")
    device.name = "Vendor A, Inc. Notebook 11"
    site._registry[Product].save_model(request, device, None, True)
    vendor = Vendor.objects.get(pk=cast.vendor_a.pk)
    vendor.legal_name = "Wombat Devices, Inc."
    site._registry[Vendor].save_model(request, vendor, None, True)
    category = Category.objects.get(code="chromebooks")
    category.name = "Laptops"
    site._registry[Category].save_model(request, category, None, True)
    assert_table_right()
    assert names(catalog_search(q="wombat notebook laptops")) == ["Vendor A, Inc. Notebook 11"]


def test_the_migration_fills_the_same_rows(cast, agreements):
    expected = table_rows()
    CatalogEntry.objects.all().delete()
    importlib.import_module("contracts.migrations.0003_catalog_entry").fill(apps, None)
    assert table_rows() == expected
    assert catalog_index_refresh(everything=True) == len(expected)
    assert table_rows() == expected


# --- What search means -------------------------------------------------------------------------

def reference_search(q: str = "", on_date=None) -> list[int]:
    """The documented rules, in Python, on the sources: every word in the name, description,
    category or vendor; rank name 4 (+1), category or vendor 2, description 1; then product name,
    then entry."""
    terms = q.lower().split()[:8]
    found = []
    for e in entries_in_force(on_date).select_related("product__category", "product__vendor"):
        p = e.product
        name, other = p.name.lower(), f"{p.category.name}\n{p.vendor.legal_name}".lower()
        text = f"{p.name}\n{p.description}".lower()
        if all(t in text or t in other for t in terms):
            rank = sum(4 * (t in name) + 2 * (t in other) + (t in text) for t in terms)
            found.append((-rank, p.name, e.pk))
    return [pk for _, _, pk in sorted(found)]


def test_search_follows_the_documented_rules(cast, agreements):
    staff = cast.actor(cast.staff)
    described = {
        "Phonics Reader": ("Early reading with decodable books", "reading", "software"),
        "Fluency Tutor": ("Reading fluency practice: 100% online_", "reading", "software"),
        "Écoute Français": ("Écoute et compréhension for French classes", "languages", "software"),
        "Math Garden": ("Number sense, K-2 (reading-free)", "math", "software"),
    }
    for vendor, agreement in ((cast.vendor_a, agreements[cast.vendor_a.pk]),
                              (cast.vendor_b, agreements[cast.vendor_b.pk])):
        products = []
        for name, (description, category, kind) in described.items():
            product = make_product(vendor, name, price="20.00", category_code=category, kind=kind)
            products.append(product_update(product=product, data=product_data_from(product, description=description),
                                           actor=SYSTEM))
        amendment = amendment_propose(
            agreement=agreement, kind="add_products", summary="More titles", actor=staff,
            set_entries=[{"product": p.pk, "line_reference": "LIC",
                          "tiers": [{"min_quantity": 1, "unit_price": "18.00"}]} for p in products])
        amendment_decide(amendment=amendment, approve=True, actor=staff)
    assert_table_right()
    queries = ["", "reading", "READING", "read", "reader", "vendor", "vendor b", "inc. management",
               "écoute", "ÉCOUTE français", "100%", "online_", "%", "_", "k-2", "languages", "math",
               "reading math", "chromebook vendor a,", "nothing-like-this", "a b c d e f g h i j"]
    for q in queries:
        expected = reference_search(q)
        assert [e.pk for e in catalog_search(q=q)] == expected, q
        assert catalog_count(q=q) == len(expected), q
        pages = []
        for page in range(1, 5):
            entries, count = catalog_page(q=q, page=page, page_size=3)
            assert count == len(expected), (q, page)
            pages += [e.pk for e in entries]
        assert pages == expected[:12], q
    # Same name from both vendors: the tie goes to the older entry.
    ties = [e for e in catalog_search(q="phonics reader") if e.product.name == "Phonics Reader"]
    assert len(ties) == 2 and ties[0].pk < ties[1].pk
    later = timezone.localdate() + dt.timedelta(days=365 * 10)
    assert reference_search("reading", on_date=later) == [] == list(catalog_search(q="reading", on_date=later))
    assert catalog_page(q="reading", page=99) == ([], len(reference_search("reading")))
    assert catalog_page(q="nothing-like-this") == ([], 0)
