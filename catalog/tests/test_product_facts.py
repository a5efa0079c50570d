"""Product facts (issue 14): the old kinds' migration, validation, versions and the staff check."""

from __future__ import annotations

import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError

from audit.actions import AuditAction
from audit.models import AuditEvent
from catalog import musthaves
from catalog.models import Product, ProductFactsVersion
from catalog.selectors import facts_to_check
from catalog.services import (ProductData, category_ensure, product_create, product_data_from,
                              product_facts_check, product_update)
from tests.cast import SYSTEM

migration = importlib.import_module("catalog.migrations.0004_product_facts")


def data(**changes) -> ProductData:
    values = dict(name="Phonics Pal", category=category_ensure(code="reading", name="Reading", actor=SYSTEM),
                  kind="software", price_unit="per_student", list_price=Decimal("12.00"), unit="student/year",
                  grade_bands=["K-2"], subjects=["ela"], languages=["es", "en"], interoperability=["clever"],
                  accessibility="wcag21aa", essa_tier=2, essa_study_url="https://studies.example.org/pal")
    values.update(changes)
    return ProductData(**values)


@pytest.mark.parametrize("old, family, unit", [
    ("software_per_student", "software", "per_student"), ("software_per_teacher", "software", "per_teacher"),
    ("software_per_site", "software", "per_site"), ("device", "device", "per_device"),
    ("service", "service", "per_session"), ("content", "content", "per_student"),
    ("something_else", "software", "per_student")])
def test_old_kinds_map_to_a_family_and_a_price_unit(old, family, unit):
    assert migration.kind_and_unit(old) == (family, unit)


@pytest.mark.parametrize("old", list(migration.OLD_KINDS))
def test_mapping_back_gives_the_old_kind(old):
    assert migration.old_kind_of(*migration.kind_and_unit(old)) == old


def test_the_data_migration_maps_stored_products(cast):
    product = product_create(vendor=cast.vendor_a, data=data(), actor=SYSTEM)
    other = product_create(vendor=cast.vendor_a, data=data(name="Board", kind="device", price_unit=""), actor=SYSTEM)
    Product.objects.filter(pk=product.pk).update(kind="software_per_teacher", price_unit="per_student")
    Product.objects.filter(pk=other.pk).update(kind="device", price_unit="per_student")
    migration.map_kinds(django_apps, None)
    assert Product.objects.values_list("kind", "price_unit").get(pk=product.pk) == ("software", "per_teacher")
    assert Product.objects.values_list("kind", "price_unit").get(pk=other.pk) == ("device", "per_device")


def test_the_data_migration_gives_existing_products_version_1(cast):
    product = product_create(vendor=cast.vendor_a, data=data(), actor=SYSTEM)
    ProductFactsVersion.objects.all().delete()
    Product.objects.update(facts_version=0)
    migration.first_versions(django_apps, None)
    version = ProductFactsVersion.objects.get()
    assert (version.product_id, version.number, version.created_by) == (product.pk, 1, None)
    assert version.facts["kind"] == "software" and version.facts["essa_study_url"].startswith("https://")
    assert Product.objects.get(pk=product.pk).facts_version == 1


def test_a_new_product_states_its_facts_as_version_1(cast):
    product = product_create(vendor=cast.vendor_a, data=data(price_unit=""), actor=cast.actor(cast.vendor_user_a))
    assert (product.kind, product.price_unit, product.languages) == ("software", "per_student", ["en", "es"])
    version = product.facts_versions.get()
    assert (version.number, product.facts_version, version.created_by) == (1, 1, cast.vendor_user_a)
    assert version.facts["languages"] == ["en", "es"] and version.facts["category"] == "reading"
    assert version.facts["essa_tier"] == 2 and not product.facts_checked
    # The must-have vocabulary reads the same fields.
    assert musthaves.met("language:es", product) and musthaves.met("essa:3", product)
    assert musthaves.met("a11y:wcag21aa", product) and not musthaves.met("essa:1", product)


@pytest.mark.parametrize("changes, field", [
    ({"languages": ["en", "xx"]}, "languages"),
    ({"languages": "en"}, "languages"),
    ({"essa_tier": 0}, "essa_tier"),
    ({"essa_tier": 5}, "essa_tier"),
    ({"essa_tier": "two"}, "essa_tier"),
    ({"essa_tier": "²"}, "essa_tier"),  # a digit to str.isdigit, no number to int()
    ({"essa_tier": True}, "essa_tier"),
    ({"essa_study_url": "ftp://studies.example.org/pal"}, "essa_study_url"),
    ({"essa_study_url": "javascript:alert(1)"}, "essa_study_url"),
    ({"essa_study_url": "https://example.org/" + "a" * 500}, "essa_study_url"),
    ({"essa_study_url": "https://example.org/\x00"}, "essa_study_url"),
    ({"essa_tier": None}, "essa_tier"),  # a study link without the tier it supports
    ({"name": "Pal\x00"}, "name"),
    ({"description": "x\x00y"}, "description"),
    ({"kind": "software_per_student"}, "kind"),
    ({"price_unit": "per_galaxy"}, "price_unit"),
    ({"accessibility": "wcag99"}, "accessibility"),
])
def test_refused_facts_name_the_field_and_store_nothing(cast, changes, field):
    with pytest.raises(ValidationError) as refused:
        product_create(vendor=cast.vendor_a, data=data(**changes), actor=SYSTEM)
    assert field in refused.value.message_dict
    assert not Product.objects.exists() and not ProductFactsVersion.objects.exists()


def test_a_change_of_facts_makes_a_version_and_no_change_makes_none(cast):
    vendor = cast.actor(cast.vendor_user_a)
    product = product_create(vendor=cast.vendor_a, data=data(), actor=vendor)
    product = product_update(product=product, data=product_data_from(product), actor=vendor)
    product = product_update(product=product, data=product_data_from(
        product, name="Phonics Pal 2", description="Renamed", list_price=Decimal("13.00")), actor=vendor)
    assert product.facts_versions.count() == 1 and product.facts_version == 1
    product = product_update(product=product, data=product_data_from(
        product, languages=["en"], essa_tier=3), actor=vendor)
    latest = product.facts_versions.order_by("-number").first()
    assert (latest.number, Product.objects.get(pk=product.pk).facts_version) == (2, 2)
    assert latest.changed == ["languages", "essa_tier"] and latest.facts["languages"] == ["en"]
    assert product.facts_versions.get(number=1).facts["languages"] == ["en", "es"]  # kept as it was


def test_staff_check_the_current_version_and_a_later_change_undoes_it(cast):
    vendor, staff = cast.actor(cast.vendor_user_a), cast.actor(cast.staff)
    product = product_create(vendor=cast.vendor_a, data=data(), actor=vendor)
    assert list(facts_to_check()) == [product]
    with pytest.raises(PermissionDenied):
        product_facts_check(product=product, actor=vendor)
    with pytest.raises(PermissionDenied):
        product_facts_check(product=product, actor=cast.actor(cast.buyer_a))
    assert not AuditEvent.objects.filter(action=AuditAction.PRODUCT_FACTS_CHECKED).exists()
    with pytest.raises(ValidationError):
        product_facts_check(product=product, version=2, actor=staff)  # not the version reviewed
    version = product_facts_check(product=product, version=1, actor=staff)
    product.refresh_from_db()
    assert (version.checked_by, product.facts_checked_version, product.facts_checked) == (cast.staff, 1, True)
    assert product.facts_checked_at == version.checked_at
    assert AuditEvent.objects.filter(action=AuditAction.PRODUCT_FACTS_CHECKED, object_id=str(product.pk)).count() == 1
    assert list(facts_to_check()) == []
    with pytest.raises(ValidationError):  # a double submit changes nothing
        product_facts_check(product=product, actor=staff)
    assert AuditEvent.objects.filter(action=AuditAction.PRODUCT_FACTS_CHECKED).count() == 1

    product = product_update(product=product, data=product_data_from(product, interoperability=["clever", "lti13"]),
                             actor=vendor)
    product.refresh_from_db()
    assert (product.facts_version, product.facts_checked_version, product.facts_checked) == (2, 1, False)
    assert list(facts_to_check()) == [product]
    assert product_facts_check(product=product, actor=staff).number == 2


def test_the_worklist_puts_facts_changed_since_a_check_first(cast):
    vendor, staff = cast.actor(cast.vendor_user_a), cast.actor(cast.staff)
    first = product_create(vendor=cast.vendor_a, data=data(name="First"), actor=vendor)
    second = product_create(vendor=cast.vendor_a, data=data(name="Second"), actor=vendor)
    product_facts_check(product=second, actor=staff)
    assert list(facts_to_check()) == [first]
    product_update(product=second, data=product_data_from(second, subjects=["ela", "math"]), actor=vendor)
    assert list(facts_to_check()) == [second, first]


def test_inactive_products_are_not_on_the_worklist(cast):
    product = product_create(vendor=cast.vendor_a, data=data(active=False), actor=SYSTEM)
    assert product.facts_version == 1 and list(facts_to_check()) == []


def test_an_admin_edit_of_facts_makes_a_version(client, cast):
    from accounts.services import user_create_or_update
    from tests.cast import PASSWORD

    product = product_create(vendor=cast.vendor_a, data=data(), actor=SYSTEM)
    product_facts_check(product=product, actor=cast.actor(cast.staff))
    user_create_or_update(email=cast.staff.email, can_open_admin=True, actor=cast.actor(cast.staff))
    assert client.login(email=cast.staff.email, password=PASSWORD)
    form = client.get(f"/admin/catalog/product/{product.pk}/change/").context["adminform"].form
    posted = {name: form[name].value() for name in form.fields}
    posted = {k: v for k, v in posted.items() if v is not None}
    for name in ("grade_bands", "subjects", "languages", "interoperability", "data_collected"):
        posted[name] = json.dumps(getattr(product, name))
    posted["languages"] = '["en"]'
    response = client.post(f"/admin/catalog/product/{product.pk}/change/", posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert (product.languages, product.facts_version, product.facts_checked) == (["en"], 2, False)
    assert product.facts_versions.get(number=2).changed == ["languages"]
    assert client.get("/admin/catalog/productfactsversion/").status_code == 200
