"""Changing the catalog: categories and vendors' products. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.acting import VENDOR, Actor, acts_as
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from catalog.choices import DATA_CATEGORIES, GRADE_BANDS, INTEROPERABILITY, SUBJECTS, ProductKind
from catalog.models import Category, Product
from catalog.signals import products_changed
from vendors.models import Vendor
from core.locks import lock
from core.money import CENT

PRODUCT_FIELDS = ("vendor", "name", "description", "category", "kind", "grade_bands", "subjects",
                  "interoperability", "data_collected", "list_price", "unit", "active")


def _catalog_index_refresh(product_ids) -> None:
    """Tell the apps that copy product listings (the member catalog's search table, owned by
    contracts) that these products changed; see `catalog.signals`."""
    products_changed.send(sender=Product, product_ids=product_ids)


@transaction.atomic
def category_ensure(*, code: str, name: str, description: str = "", actor: Actor) -> Category:
    """Create the category if it does not exist; rename it if its name changed."""
    category = Category.objects.filter(code=code).first()
    if category is None:
        category = Category.objects.create(code=code, name=name, description=description)
        audit_record(actor=actor, action=AuditAction.CATEGORY_CREATED, obj=category,
                     after=snapshot(category, ("code", "name", "description")))
    elif category.name != name:
        before = snapshot(category, ("code", "name", "description"))
        category.name = name
        category.save(update_fields=["name"])
        audit_record(actor=actor, action=AuditAction.CATEGORY_UPDATED, obj=category, before=before,
                     after=snapshot(category, ("code", "name", "description")))
        _catalog_index_refresh(Product.objects.filter(category=category).values("pk"))
    return category


@dataclass
class ProductData:
    """What a vendor says about a product. Lists hold codes from `catalog.choices`."""

    name: str
    category: Category
    kind: str
    list_price: Decimal
    unit: str
    description: str = ""
    grade_bands: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    interoperability: list[str] = field(default_factory=list)
    data_collected: list[str] = field(default_factory=list)
    active: bool = True


def _may_manage(actor: Actor, vendor: Vendor) -> bool:
    return actor.is_system or acts_as(actor, VENDOR, vendor.organisation)


def _codes(values, allowed, name: str, errors: dict) -> list[str]:
    known = [code for code, _ in allowed]
    values = list(dict.fromkeys(v.strip() for v in (values or []) if v and v.strip()))
    unknown = [v for v in values if v not in known]
    if unknown:
        errors[name] = f"Unknown value(s): {', '.join(unknown)}. Known: {', '.join(known)}."
    return [code for code in known if code in values]  # canonical order


def _clean(data: ProductData) -> dict:
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "Name the product."
    elif len(name) > 200:
        errors["name"] = "At most 200 characters."
    if data.kind not in ProductKind.values:
        errors["kind"] = f"One of {', '.join(ProductKind.values)}."
    if not isinstance(data.category, Category):
        errors["category"] = "Choose a category."
    try:
        price = Decimal(str(data.list_price))
        if not price.is_finite() or price < 0:
            raise InvalidOperation
        if price != price.quantize(CENT):
            errors["list_price"] = "Give the price in dollars and cents."
        price = price.quantize(CENT)
        if price >= Decimal("10000000000"):
            errors["list_price"] = "The price is too large."
    except (InvalidOperation, ValueError, TypeError):
        errors["list_price"] = "Give the list price as an amount, e.g. 18.50."
        price = Decimal("0")
    unit = (data.unit or "").strip()
    if not unit:
        errors["unit"] = "Give the unit the price is for, e.g. student/year, device."
    values = {
        "name": name, "description": (data.description or "").strip(), "category": data.category,
        "kind": data.kind, "list_price": price, "unit": unit[:40], "active": bool(data.active),
        "grade_bands": _codes(data.grade_bands, GRADE_BANDS, "grade_bands", errors),
        "subjects": _codes(data.subjects, SUBJECTS, "subjects", errors),
        "interoperability": _codes(data.interoperability, INTEROPERABILITY, "interoperability", errors),
        "data_collected": _codes(data.data_collected, DATA_CATEGORIES, "data_collected", errors),
    }
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def product_create(*, vendor: Vendor, data: ProductData, actor: Actor) -> Product:
    """A vendor adds one of its products."""
    if not _may_manage(actor, vendor):
        raise PermissionDenied("Only the vendor's own users may add its products.")
    values = _clean(data)
    if Product.objects.filter(vendor=vendor, name__iexact=values["name"]).exists():
        raise ValidationError({"name": "You already have a product with this name."})
    product = Product.objects.create(vendor=vendor, **values)
    audit_record(actor=actor, action=AuditAction.PRODUCT_CREATED, obj=product,
                 after=snapshot(product, PRODUCT_FIELDS))
    return product


@transaction.atomic
def product_update(*, product: Product, data: ProductData, actor: Actor) -> Product:
    """A vendor changes one of its products."""
    product = lock(Product.objects.all()).select_related("vendor__organisation").get(pk=product.pk)
    if not _may_manage(actor, product.vendor):
        raise PermissionDenied("Only the vendor's own users may change its products.")
    values = _clean(data)
    if Product.objects.filter(vendor=product.vendor, name__iexact=values["name"]).exclude(pk=product.pk).exists():
        raise ValidationError({"name": "You already have a product with this name."})
    before = snapshot(product, PRODUCT_FIELDS)
    for name, value in values.items():
        setattr(product, name, value)
    after = snapshot(product, PRODUCT_FIELDS)
    if after != before:
        product.save()
        audit_record(actor=actor, action=AuditAction.PRODUCT_UPDATED, obj=product, before=before, after=after)
        _catalog_index_refresh([product.pk])
    return product


def product_data_from(product: Product, **changes) -> ProductData:
    data = ProductData(name=product.name, category=product.category, kind=product.kind,
                       list_price=product.list_price, unit=product.unit,
                       description=product.description, grade_bands=list(product.grade_bands),
                       subjects=list(product.subjects),
                       interoperability=list(product.interoperability),
                       data_collected=list(product.data_collected), active=product.active)
    for name, value in changes.items():
        setattr(data, name, value)
    return data


