"""API of outside prices and consolidation opportunities, under /api/v1/prices/.

- GET  /prices/outside: outside prices (staff and member districts), filtered by product, paged.
- POST /prices/outside: record one (staff, district buyers); the page's rules (`prices.services`).
- POST /prices/outside/{id}/withdraw: withdraw one (staff, or a buyer of the recording district).
- GET  /prices/products/{product_id}/comparison: the pool's price against outside prices.
- GET  /prices/renegotiate: products where an outside price beats the pool's (staff).
- GET  /prices/consolidation: consolidation opportunities with the method (staff).
Money is answered as decimal strings ("1234.50").
"""


import datetime as dt
from typing import Annotated, Literal, Optional

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from accounts.access import api_roles
from accounts.acting import READERS, STAFF
from accounts.api_auth import API_AUTH
from catalog.models import Product
from core.api_types import AnyId, Day, Id, MoneyText, Note, Page, Quantity, UnitPrice, page_size, text
from prices import selectors
from prices.models import Match, OutsidePrice, SourceKind
from prices.services import RECORDERS, SOURCE_NAME_MAX, URL_MAX, outside_price_record, outside_price_withdraw

router = Router(tags=["prices"])
PerPage = page_size(200)

SourceKindCode = Annotated[Literal[tuple(SourceKind.values)], Field(  # type: ignore[valid-type]
    examples=["vendor_quote"], description="; ".join(f"{v}: {label}" for v, label in SourceKind.choices))]
MatchCode = Annotated[Literal[tuple(Match.values)], Field(  # type: ignore[valid-type]
    examples=["same"], description="same: the same product; equivalent: an equivalent one.")]


def _money(value) -> Optional[str]:
    return None if value is None else f"{value:.2f}"


class OutsidePriceIn(Schema):
    description: text(300, min_length=1)
    unit_price: UnitPrice
    quantity: Quantity
    seen_on: Day
    source_kind: SourceKindCode
    source_name: text(SOURCE_NAME_MAX, min_length=1)
    source_url: text(URL_MAX) = ""
    product_id: Optional[Id] = None
    match: MatchCode = "same"
    district_id: Optional[Id] = None
    note: Note = ""
    confirm_far: bool = Field(False, description=(
        "A price more than 3 times above or below the pool's price now is refused (422, under confirm_far) "
        "unless this is true; more than 20 times is refused always. The same member, product, source, date "
        "and price twice is refused (422)."))


class OutsidePriceOut(Schema):
    id: int
    product_id: Optional[int]
    product_name: Optional[str]
    description: str
    match: str
    unit_price: MoneyText
    quantity: int
    seen_on: dt.date
    source_kind: str
    source_kind_label: str
    source_name: str
    source_url: str
    district_id: Optional[int]
    district_name: Optional[str]
    recorded_at: dt.datetime
    withdrawn: bool
    confirmed_far: bool = Field(False, description="Recorded although more than 3 times from the pool's price.")
    pool_price: Optional[MoneyText] = None
    beats_pool: bool = False


class OutsidePricePage(Schema):
    count: int
    page: int
    pages: int
    results: list[OutsidePriceOut]


class PoolOfferOut(Schema):
    agreement_id: int
    agreement_number: str
    end_date: Optional[dt.date]
    consortium_volume: int
    unit_price_now: MoneyText
    tier_min: int
    next_tier_min: Optional[int]
    next_unit_price: Optional[MoneyText]


class ComparisonOut(Schema):
    product_id: int
    product_name: str
    best_pool_price: Optional[MoneyText]
    offers: list[PoolOfferOut]
    outside: list[OutsidePriceOut]
    beaten_by: int


class RenegotiationOut(Schema):
    agreement_id: int
    agreement_number: str
    vendor: str
    end_date: Optional[dt.date]
    product_id: int
    product_name: str
    pool_price: MoneyText
    median_outside_price: MoneyText = Field(description=(
        "The median of the outside prices seen in the last 730 days for the product, outliers left out: the "
        "figure compared with the pool's price (one typo'd price cannot put a product on the list)."))
    outside_prices: int = Field(description="How many prices the median is of.")
    outliers_left_out: int = Field(description=(
        "Prices under a third or over three times the median of all the product's recent prices, left out."))
    lowest_outside_price: MoneyText
    lowest_outside_id: int
    lowest_outside_source: str
    lowest_outside_seen_on: dt.date
    gap: MoneyText = Field(description="Pool price minus the median outside price.")
    gap_percent: str
    lower_prices_seen: int


class PartOut(Schema):
    label: str
    amount: MoneyText


class OpportunityOut(Schema):
    kind: Literal["split", "outside"]
    category: str
    sentence: str
    agreement_id: int
    agreement_number: str
    agreement_end_date: Optional[dt.date]
    line_reference: str
    districts: int
    units_moved: int
    volume_before: int
    volume_after: int
    unit_price_before: MoneyText
    unit_price_after: MoneyText
    tier_min_after: int
    saving: MoneyText
    parts: list[PartOut]
    products: list[str]


class ConsolidationOut(Schema):
    method: str
    rounding: str
    total_saving: MoneyText
    opportunities: list[OpportunityOut]


def outside_out(row: OutsidePrice, pool_price=None) -> dict:
    return {"id": row.pk, "product_id": row.product_id, "product_name": row.product.name if row.product else None,
            "description": row.description, "match": row.match, "unit_price": _money(row.unit_price),
            "quantity": row.quantity, "seen_on": row.seen_on, "source_kind": row.source_kind,
            "source_kind_label": row.get_source_kind_display(), "source_name": row.source_name,
            "source_url": row.source_url, "district_id": row.district_id,
            "district_name": row.district.name if row.district else None, "recorded_at": row.recorded_at,
            "withdrawn": row.withdrawn_at is not None, "confirmed_far": row.confirmed_far, "pool_price": _money(pool_price),
            "beats_pool": pool_price is not None and row.unit_price < pool_price}


@router.get("/prices/outside", response=OutsidePricePage, auth=API_AUTH)
@api_roles(*READERS)
def outside_list(request, product_id: AnyId = 0, page: Page = 1, page_size: PerPage = 50):
    """Outside prices not withdrawn, latest seen first, each with the pool's best price today for
    its catalog product (staff and member districts; vendors do not see them)."""
    qs = selectors.outside_prices(product_id=product_id or None)
    count = qs.count()
    pages = max(1, -(-count // page_size))
    page = min(page, pages)
    rows = list(qs[(page - 1) * page_size: page * page_size])
    offers = selectors.pool_offers({r.product_id for r in rows if r.product_id})
    pool = {pid: min(i.position.unit_price for i in items) for pid, items in offers.items() if items}
    return {"count": count, "page": page, "pages": pages,
            "results": [outside_out(r, pool.get(r.product_id)) for r in rows]}


@router.post("/prices/outside", response={201: OutsidePriceOut}, auth=API_AUTH)
@api_roles(*RECORDERS)
def outside_create(request, payload: OutsidePriceIn):
    """Record a price seen elsewhere. Buyers record for their own district (`district_id` left out
    or theirs); staff for the consortium or a member district. Refused (422, nothing stored): a
    date in the future or over five years back, a price more than 20 times from the pool's (or 3
    times without `confirm_far`), the same price twice, NUL characters."""
    row = outside_price_record(**payload.dict(), actor=request.actor)
    row = selectors.outside_prices().get(pk=row.pk)
    return Status(201, outside_out(row, selectors.pool_price_of(row.product_id) if row.product_id else None))


@router.post("/prices/outside/{outside_price_id}/withdraw", response=OutsidePriceOut, auth=API_AUTH)
@api_roles(*RECORDERS)
def outside_withdraw(request, outside_price_id: Id):
    """Withdraw a price recorded by mistake (staff, or a buyer of the district that recorded it):
    kept on file, out of every comparison. A second withdrawal is refused (422)."""
    row = OutsidePrice.objects.filter(pk=outside_price_id).select_related("product", "district__organisation").first()
    from prices.services import may_withdraw

    if row is None or not may_withdraw(request.actor, row):
        raise Http404("No such outside price you may withdraw.")
    return outside_out(outside_price_withdraw(outside_price=row, actor=request.actor))


@router.get("/prices/products/{product_id}/comparison", response=ComparisonOut, auth=API_AUTH)
@api_roles(*READERS)
def comparison(request, product_id: Id):
    """The pool's price for a product (each agreement in force at the tier the consortium's volume
    has reached) against the prices seen elsewhere."""
    product = Product.objects.filter(pk=product_id, active=True).first()
    if product is None:
        raise Http404("No such product.")
    c = selectors.product_comparison(product)
    return {"product_id": product.pk, "product_name": product.name, "best_pool_price": _money(c.best_pool_price),
            "offers": [{"agreement_id": i.agreement.pk, "agreement_number": i.agreement.number,
                        "end_date": i.agreement.end_date, "consortium_volume": i.volume,
                        "unit_price_now": _money(i.position.unit_price), "tier_min": i.position.tier_min,
                        "next_tier_min": i.position.next_min, "next_unit_price": _money(i.position.next_price)}
                       for i in c.offers],
            "outside": [outside_out(o.row, o.pool_price) for o in c.outside], "beaten_by": len(c.beaten)}


@router.get("/prices/renegotiate", response=list[RenegotiationOut], auth=API_AUTH)
@api_roles(STAFF)
def renegotiate(request):
    """Products whose median outside price seen in the last 730 days (outliers left out, with its
    count) is below the agreement's price at the current tier, the agreement ending soonest first
    (staff)."""
    return [{"agreement_id": r.agreement.pk, "agreement_number": r.agreement.number,
             "vendor": r.agreement.vendor.legal_name, "end_date": r.agreement.end_date,
             "product_id": r.item.product.pk, "product_name": r.item.product.name,
             "pool_price": _money(r.pool_price), "median_outside_price": _money(r.median),
             "outside_prices": r.counted, "outliers_left_out": r.outliers, "lowest_outside_price": _money(r.best_outside.unit_price),
             "lowest_outside_id": r.best_outside.pk, "lowest_outside_source": r.best_outside.source_name,
             "lowest_outside_seen_on": r.best_outside.seen_on, "gap": _money(r.gap),
             "gap_percent": str(r.gap_percent), "lower_prices_seen": r.outside_count}
            for r in selectors.renegotiation_list()]


@router.get("/prices/consolidation", response=ConsolidationOut, auth=API_AUTH)
@api_roles(STAFF)
def consolidation(request):
    """Consolidation opportunities: how far pooling would move an agreement's volume on its tiers
    and what it would save, with the method (staff)."""
    result = selectors.consolidation_opportunities()
    return {"method": "\n".join(result.method_points), "rounding": "Each quantity x price rounded to the cent, ROUND_HALF_UP.",
            "total_saving": _money(result.total_saving),
            "opportunities": [{
                "kind": o.kind, "category": o.category, "sentence": o.sentence,
                "agreement_id": o.target.agreement_id, "agreement_number": o.target.agreement_number,
                "agreement_end_date": o.target.end_date, "line_reference": o.target.line_reference,
                "districts": o.districts, "units_moved": o.units_moved, "volume_before": o.target.volume,
                "volume_after": o.volume_after, "unit_price_before": _money(o.price_before),
                "unit_price_after": _money(o.price_after), "tier_min_after": o.tier_min_after,
                "saving": _money(o.saving), "parts": [{"label": label, "amount": _money(a)} for label, a in o.parts],
                "products": o.products} for o in result.opportunities]}
