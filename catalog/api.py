"""API: vendors' products (vendors manage their own; staff and districts read all)."""


from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.acting import READERS, VENDOR
from catalog import selectors
from catalog.models import Product
from catalog.services import ProductData, product_create, product_update
from core.api_types import AnyId, Filter, Id, Page, UnitPrice, page_size, text, text_of
from core.limits import LONG_TEXT_MAX
from vendors.selectors import vendor_for_actor

router = Router(tags=["products"])


class ProductIn(Schema):
    name: text_of(Product.name)
    category: text(60)
    kind: text_of(Product.kind)
    list_price: UnitPrice
    unit: text_of(Product.unit)
    description: text_of(Product.description, unbounded=LONG_TEXT_MAX) = ""
    grade_bands: list[text(40)] = []
    subjects: list[text(100)] = []
    interoperability: list[text(40)] = []
    data_collected: list[text(100)] = []
    active: bool = True


class ProductOut(Schema):
    id: int
    vendor_id: int
    vendor: str
    name: str
    description: str
    category: str
    kind: str
    grade_bands: list[str]
    subjects: list[str]
    interoperability: list[str]
    data_collected: list[str]
    list_price: Decimal
    unit: str
    active: bool
    updated_at: datetime


class ProductPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ProductOut]


def product_out(p: Product) -> dict:
    return {"id": p.pk, "vendor_id": p.vendor_id, "vendor": p.vendor.organisation.name,
            "name": p.name, "description": p.description, "category": p.category.code,
            "kind": p.kind, "grade_bands": p.grade_bands, "subjects": p.subjects,
            "interoperability": p.interoperability, "data_collected": p.data_collected,
            "list_price": p.list_price, "unit": p.unit, "active": p.active,
            "updated_at": p.updated_at}


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
    """Add a product (vendors). Lists take the codes in the OpenAPI description of catalog.choices:
    grade_bands PK, K-2, 3-5, 6-8, 9-12, adult; interoperability oneroster, lti13, clever,
    classlink, sso_saml_oidc; data_collected the NDPA Exhibit B categories."""
    product = product_create(vendor=vendor_for_actor(request.actor), data=_data(payload), actor=request.actor)
    return Status(201, product_out(selectors.product_get(product.pk)))


@router.get("/products/{product_id}", response=ProductOut, auth=API_AUTH)
@api_roles(*READERS, VENDOR)
def product_detail(request, product_id: Id):
    return product_out(selectors.product_for_actor(product_id=product_id, actor=request.actor))


@router.put("/products/{product_id}", response=ProductOut, auth=API_AUTH)
@api_roles(VENDOR)
def product_change(request, product_id: Id, payload: ProductIn):
    """Change one of your products (all fields)."""
    product = selectors.product_for_actor(product_id=product_id, actor=request.actor)
    product_update(product=product, data=_data(payload), actor=request.actor)
    return product_out(selectors.product_get(product.pk))
