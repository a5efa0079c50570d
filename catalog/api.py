"""API: vendors' products (vendors manage their own; staff and districts read all)."""


from datetime import datetime
from decimal import Decimal
from typing import Optional

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.acting import READERS, STAFF, VENDOR
from catalog import selectors
from catalog.models import Product
from catalog.services import ProductData, product_create, product_facts_check, product_update
from core.api_types import AnyId, Filter, Id, Page, UnitPrice, page_size, text, text_of, whole
from core.limits import ID_MAX
from core.limits import LONG_TEXT_MAX
from vendors.selectors import vendor_for_actor

router = Router(tags=["products"])


class ProductIn(Schema):
    name: text_of(Product.name)
    category: text(60)
    kind: text_of(Product.kind)
    list_price: UnitPrice
    unit: text_of(Product.unit)
    price_unit: text_of(Product.price_unit) = ""
    description: text_of(Product.description, unbounded=LONG_TEXT_MAX) = ""
    grade_bands: list[text(40)] = []
    subjects: list[text(100)] = []
    languages: list[text(10)] = []
    interoperability: list[text(40)] = []
    accessibility: text_of(Product.accessibility) = "not_evaluated"
    data_collected: list[text(100)] = []
    essa_tier: Optional[whole(1, 4, "ESSA tier of evidence, 1 (strong) to 4; null for none.")] = None
    essa_study_url: text_of(Product.essa_study_url) = ""
    active: bool = True


class ProductOut(Schema):
    id: int
    vendor_id: int
    vendor: str
    name: str
    description: str
    category: str
    kind: str
    price_unit: str
    grade_bands: list[str]
    subjects: list[str]
    languages: list[str]
    interoperability: list[str]
    accessibility: str
    data_collected: list[str]
    essa_tier: Optional[int]
    essa_study_url: str
    list_price: Decimal
    unit: str
    active: bool
    updated_at: datetime
    facts_version: int
    facts_checked_version: Optional[int]
    facts_checked_at: Optional[datetime]


class FactsCheckIn(Schema):
    version: Optional[whole(1, ID_MAX, "The facts version you reviewed: refused if it is no longer current.")] = None


class FactsCheckOut(Schema):
    product_id: int
    facts_version: int
    checked_at: datetime
    checked_by: str


class ProductPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ProductOut]


def product_out(p: Product) -> dict:
    return {"id": p.pk, "vendor_id": p.vendor_id, "vendor": p.vendor.organisation.name,
            "name": p.name, "description": p.description, "category": p.category.code,
            "kind": p.kind, "price_unit": p.price_unit, "grade_bands": p.grade_bands,
            "subjects": p.subjects, "languages": p.languages, "interoperability": p.interoperability,
            "accessibility": p.accessibility, "data_collected": p.data_collected,
            "essa_tier": p.essa_tier, "essa_study_url": p.essa_study_url,
            "list_price": p.list_price, "unit": p.unit, "active": p.active,
            "updated_at": p.updated_at, "facts_version": p.facts_version,
            "facts_checked_version": p.facts_checked_version, "facts_checked_at": p.facts_checked_at}


def _data(payload: ProductIn) -> ProductData:
    category = selectors.category_list().filter(code=payload.category).first()
    if category is None:
        raise ValidationError({"category": f"Unknown category {payload.category!r}."})
    return ProductData(category=category, **payload.dict(exclude={"category"}))


@router.get("/products", response=ProductPage, auth=API_AUTH)
@api_roles(*READERS, VENDOR)
def product_list(request, q: Filter = "", vendor_id: AnyId = 0, category: Filter = "", page: Page = 1,
                 page_size: page_size(500) = 100):
    """Products. A vendor sees its own; staff and districts see every vendor's."""
    vendor = vendor_for_actor(request.actor) if request.actor.role == VENDOR else None
    qs = selectors.product_list(q=q, vendor=vendor, category=category)
    if vendor_id and vendor is None:
        qs = qs.filter(vendor_id=vendor_id)
    count = qs.count()
    pages = max(1, -(-count // page_size))
    page = max(1, min(page, pages))
    return {"count": count, "page": page, "pages": pages,
            "results": [product_out(p) for p in qs[(page - 1) * page_size: page * page_size]]}


@router.post("/products", response={201: ProductOut}, auth=API_AUTH)
@api_roles(VENDOR)
def product_add(request, payload: ProductIn):
    """Add a product (vendors). Codes come from catalog.choices: kind device, software, content,
    service; price_unit per_student, per_teacher, per_device, per_site, per_district, per_session
    (blank: the kind's usual one); grade_bands PK, K-2, 3-5, 6-8, 9-12, adult; languages ISO
    639-1 codes (en, es, ar, zh, vi, ...); interoperability oneroster, lti13, edfi, clever,
    classlink, google_sso, microsoft_sso, sso_saml_oidc; accessibility wcag21aa,
    wcag21aa_partial, not_evaluated; data_collected the NDPA Exhibit B categories; essa_tier 1-4
    with essa_study_url (http or https). Its facts become version 1."""
    product = product_create(vendor=vendor_for_actor(request.actor), data=_data(payload), actor=request.actor)
    return Status(201, product_out(selectors.product_get(product.pk)))


@router.get("/products/{product_id}", response=ProductOut, auth=API_AUTH)
@api_roles(*READERS, VENDOR)
def product_detail(request, product_id: Id):
    return product_out(selectors.product_for_actor(product_id=product_id, actor=request.actor))


@router.put("/products/{product_id}", response=ProductOut, auth=API_AUTH)
@api_roles(VENDOR)
def product_change(request, product_id: Id, payload: ProductIn):
    """Change one of your products (all fields). A change of its facts makes a new facts version,
    not checked by consortium staff until they check it again."""
    product = selectors.product_for_actor(product_id=product_id, actor=request.actor)
    product_update(product=product, data=_data(payload), actor=request.actor)
    return product_out(selectors.product_get(product.pk))


@router.post("/products/{product_id}/facts/check", response=FactsCheckOut, auth=API_AUTH)
@api_roles(STAFF)
def product_facts_checked(request, product_id: Id, payload: Optional[FactsCheckIn] = None):
    """Consortium staff mark the product's current facts version as checked. The body may be
    empty; `{"version": n}` refuses (422) if the facts changed since version n was reviewed. 422
    too if the current version is already checked."""
    product = selectors.product_for_actor(product_id=product_id, actor=request.actor)
    version = product_facts_check(product=product, actor=request.actor,
                                  version=payload.version if payload else None)
    return {"product_id": product.pk, "facts_version": version.number, "checked_at": version.checked_at,
            "checked_by": request.actor.user.email if request.actor.user else "system"}
