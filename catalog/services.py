"""Changing the catalog: categories and vendors' products. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from accounts.acting import VENDOR, Actor, acts_as, require_staff
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from catalog.choices import (ACCESSIBILITY, DATA_CATEGORIES, DEFAULT_PRICE_UNIT, GRADE_BANDS,
                             INTEROPERABILITY, LANGUAGES, PRICE_UNITS, PRODUCT_FAMILIES, SUBJECTS)
from catalog.facts import facts_of, facts_version_record
from catalog.models import Category, Product, ProductFactsVersion
from catalog.signals import products_changed
from vendors.models import Vendor
from core.clock import now
from core.locks import lock
from core.money import CENT
from core.textguard import NUL_MESSAGE

PRODUCT_FIELDS = ("vendor", "name", "description", "category", "kind", "price_unit", "grade_bands",
                  "subjects", "languages", "interoperability", "accessibility", "data_collected",
                  "essa_tier", "essa_study_url", "list_price", "unit", "active")


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
    """What a vendor says about a product. Lists hold codes from `catalog.choices`; `kind` is a
    family (device, software, content, service); a blank `price_unit` is the family's usual one."""

    name: str
    category: Category
    kind: str
    list_price: Decimal
    unit: str
    description: str = ""
    price_unit: str = ""
    grade_bands: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    interoperability: list[str] = field(default_factory=list)
    data_collected: list[str] = field(default_factory=list)
    accessibility: str = "not_evaluated"
    essa_tier: Optional[int] = None
    essa_study_url: str = ""
    active: bool = True


def _may_manage(actor: Actor, vendor: Vendor) -> bool:
    return actor.is_system or acts_as(actor, VENDOR, vendor.organisation)


def _codes(values, allowed, name: str, errors: dict) -> list[str]:
    known = [code for code, _ in allowed]
    if isinstance(values, str) or not isinstance(values, (list, tuple, set)) and values is not None:
        errors[name] = "Give a list of codes."
        return []
    values = list(dict.fromkeys(str(v).strip() for v in (values or []) if v is not None and str(v).strip()))
    unknown = [v for v in values if v not in known]
    if unknown:
        shown = ", ".join(repr(v)[:40] for v in unknown[:5])
        errors[name] = f"Unknown value(s): {shown}. Known: {', '.join(known)}."
    return [code for code in known if code in values]  # canonical order


def _choice(value, allowed, name: str, errors: dict, *, default: str = "") -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value and default:
        return default
    known = [code for code, _ in allowed]
    if value not in known:
        errors[name] = f"One of {', '.join(known)}."
        return default
    return value


def _essa(data: ProductData, errors: dict) -> tuple[Optional[int], str]:
    tier = data.essa_tier
    if tier in (None, ""):
        tier = None
    elif isinstance(tier, bool) or not isinstance(tier, (int, str)) or not str(tier).strip().isascii() \
            or not str(tier).strip().isdigit() or not 1 <= int(str(tier).strip()) <= 4:  # "²" is a digit
        errors["essa_tier"] = "An ESSA tier of evidence is 1, 2, 3 or 4 (or none)."
        tier = None
    else:
        tier = int(str(tier).strip())
    url = (data.essa_study_url or "").strip()
    if url:
        if "\x00" in url:
            errors["essa_study_url"] = NUL_MESSAGE
        elif len(url) > 500:
            errors["essa_study_url"] = "At most 500 characters."
        else:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors["essa_study_url"] = "Give the study's web address, starting with https:// (or http://)."
        if tier is None and "essa_tier" not in errors:
            errors["essa_tier"] = "Say which ESSA tier the linked study supports, or remove the link."
    return tier, url


def _clean(data: ProductData) -> dict:
    errors: dict[str, str] = {}
    for name in ("name", "description", "unit"):
        if "\x00" in (getattr(data, name) or ""):
            errors[name] = NUL_MESSAGE
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "Name the product."
    elif len(name) > 200:
        errors["name"] = "At most 200 characters."
    kind = _choice(data.kind, PRODUCT_FAMILIES, "kind", errors)
    price_unit = _choice(data.price_unit, PRICE_UNITS, "price_unit", errors,
                         default=DEFAULT_PRICE_UNIT.get(kind, ""))
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
    essa_tier, essa_study_url = _essa(data, errors)
    values = {
        "name": name, "description": (data.description or "").strip(), "category": data.category,
        "kind": kind, "price_unit": price_unit, "list_price": price, "unit": unit[:40],
        "active": bool(data.active),
        "grade_bands": _codes(data.grade_bands, GRADE_BANDS, "grade_bands", errors),
        "subjects": _codes(data.subjects, SUBJECTS, "subjects", errors),
        "languages": _codes(data.languages, LANGUAGES, "languages", errors),
        "interoperability": _codes(data.interoperability, INTEROPERABILITY, "interoperability", errors),
        "data_collected": _codes(data.data_collected, DATA_CATEGORIES, "data_collected", errors),
        "accessibility": _choice(data.accessibility, ACCESSIBILITY, "accessibility", errors,
                                 default="not_evaluated"),
        "essa_tier": essa_tier, "essa_study_url": essa_study_url,
    }
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def product_create(*, vendor: Vendor, data: ProductData, actor: Actor) -> Product:
    """A vendor adds one of its products; its facts are version 1."""
    if not _may_manage(actor, vendor):
        raise PermissionDenied("Only the vendor's own users may add its products.")
    values = _clean(data)
    if Product.objects.filter(vendor=vendor, name__iexact=values["name"]).exists():
        raise ValidationError({"name": "You already have a product with this name."})
    product = Product.objects.create(vendor=vendor, **values)
    facts_version_record(product=product, previous=None, actor=actor)
    product.save(update_fields=["facts_version"])
    audit_record(actor=actor, action=AuditAction.PRODUCT_CREATED, obj=product,
                 after=snapshot(product, PRODUCT_FIELDS + ("facts_version",)))
    return product


@transaction.atomic
def product_update(*, product: Product, data: ProductData, actor: Actor) -> Product:
    """A vendor changes one of its products. A change of its facts makes a new version, which
    consortium staff have not checked yet."""
    product = lock(Product.objects.all()).select_related("vendor__organisation", "category").get(pk=product.pk)
    if not _may_manage(actor, product.vendor):
        raise PermissionDenied("Only the vendor's own users may change its products.")
    values = _clean(data)
    if Product.objects.filter(vendor=product.vendor, name__iexact=values["name"]).exclude(pk=product.pk).exists():
        raise ValidationError({"name": "You already have a product with this name."})
    before = snapshot(product, PRODUCT_FIELDS + ("facts_version",))
    facts_before = facts_of(product) if product.facts_version else None
    for name, value in values.items():
        setattr(product, name, value)
    facts_version_record(product=product, previous=facts_before, actor=actor)
    after = snapshot(product, PRODUCT_FIELDS + ("facts_version",))
    if after != before:
        product.save()
        audit_record(actor=actor, action=AuditAction.PRODUCT_UPDATED, obj=product, before=before, after=after)
        _catalog_index_refresh([product.pk])
    return product


@transaction.atomic
def product_facts_check(*, product: Product, actor: Actor, version: Optional[int] = None) -> ProductFactsVersion:
    """Consortium staff mark the product's current facts version as checked. With `version` (the
    number the checker saw), refused if the facts changed since; refused if already checked."""
    require_staff(actor, "check products' facts")
    product = lock(Product.objects.all()).get(pk=product.pk)
    current = product.facts_versions.filter(number=product.facts_version).first()
    if current is None:
        raise ValidationError("This product has no facts recorded yet.")
    if version is not None and version != current.number:
        raise ValidationError({"version": f"The facts changed since you looked: version {current.number} "
                                          f"is current, not {version}. Review it and check again."})
    if current.checked_at is not None:
        raise ValidationError(f"Version {current.number} of these facts is already checked.")
    current.checked_at = now()
    current.checked_by = actor.user
    current.save(update_fields=["checked_at", "checked_by"])
    before = snapshot(product, ("facts_version", "facts_checked_version", "facts_checked_at"))
    product.facts_checked_version = current.number
    product.facts_checked_at = current.checked_at
    product.save(update_fields=["facts_checked_version", "facts_checked_at"])
    audit_record(actor=actor, action=AuditAction.PRODUCT_FACTS_CHECKED, obj=product, before=before,
                 after=snapshot(product, ("facts_version", "facts_checked_version", "facts_checked_at")))
    return current


def product_data_from(product: Product, **changes) -> ProductData:
    data = ProductData(name=product.name, category=product.category, kind=product.kind,
                       price_unit=product.price_unit, list_price=product.list_price, unit=product.unit,
                       description=product.description, grade_bands=list(product.grade_bands),
                       subjects=list(product.subjects), languages=list(product.languages),
                       interoperability=list(product.interoperability),
                       data_collected=list(product.data_collected),
                       accessibility=product.accessibility, essa_tier=product.essa_tier,
                       essa_study_url=product.essa_study_url, active=product.active)
    for name, value in changes.items():
        setattr(data, name, value)
    return data


