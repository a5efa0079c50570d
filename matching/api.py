"""API: match a need to products (ranked, explained), buyers' saved needs, unmet needs for staff."""

from datetime import datetime
from decimal import Decimal
from typing import Optional

from ninja import Router, Schema, Status

from accounts.access import api_roles
from accounts.acting import JOINERS, READERS, STAFF, is_staff
from accounts.api_auth import API_AUTH
from catalog import musthaves
from core.api_types import Id, Page, Quantity, UnitPrice, page_size, whole
from core.api_types import text as bounded_text
from matching import selectors
from matching.models import NeedStatus
from matching.services import need_save
from matching.spec import TEXT_MAX, need_spec
from members.selectors import district_acting, district_for_actor

router = Router(tags=["needs"])
MustHaveCode = bounded_text(40)
NeedText = bounded_text(TEXT_MAX)


class NeedIn(Schema):
    text: NeedText = ""
    must_haves: list[MustHaveCode] = []
    nice_to_haves: list[MustHaveCode] = []
    quantity: Quantity = 1
    budget_per_unit: Optional[UnitPrice] = None


class MatchIn(NeedIn):
    limit: whole(1, 50) = 10


class MustHaveOut(Schema):
    code: str
    label: str


class MatchResultOut(Schema):
    product_id: int
    name: str
    vendor: str
    category: str
    on_agreement: bool
    score: float
    met: list[MustHaveOut]
    unmet: list[MustHaveOut]
    agreement_id: Optional[int]
    agreement_number: Optional[str]
    pooled_volume: Optional[int]
    price_now: Optional[Decimal]
    price_with_quantity: Optional[Decimal]
    tier_now_min: Optional[int]
    tier_with_min: Optional[int]
    within_budget: Optional[bool]
    verdict: Optional[str]
    verdict_label: Optional[str]
    verdict_summary: Optional[str]
    essa_tier: Optional[int]
    similar_districts: Optional[int]
    good: bool


class MatchOut(Schema):
    unmet: bool
    good_count: int
    read_as: list[str]
    hints: list[MustHaveOut]
    results: list[MatchResultOut]


class NeedOut(Schema):
    id: int
    district_id: int
    district: str
    text: str
    must_haves: list[MustHaveOut]
    nice_to_haves: list[MustHaveOut]
    quantity: int
    budget_per_unit: Optional[Decimal]
    status: str
    status_label: str
    result_count: int
    good_count: int
    top_product_ids: list[int]
    matched_at: datetime
    created_at: datetime


class NeedPage(Schema):
    count: int
    page: int
    pages: int
    results: list[NeedOut]


class UnmetGroupOut(Schema):
    text: str
    needs: int
    districts: int
    states: list[str]
    quantity: int
    budget_min: Optional[Decimal]
    budget_max: Optional[Decimal]
    must_haves: list[MustHaveOut]


def _codes(codes) -> list[dict]:
    return [{"code": c, "label": musthaves.label(c)} for c in codes]


def match_out(outcome) -> dict:
    results = []
    for r in outcome.results:
        results.append({
            "product_id": r.product.pk, "name": r.product.name, "vendor": r.product.vendor.legal_name,
            "category": r.product.category.name, "on_agreement": r.on_agreement, "score": r.score,
            "met": _codes(r.met), "unmet": _codes(r.unmet),
            "agreement_id": r.agreement.pk if r.agreement else None,
            "agreement_number": r.agreement.number if r.agreement else None,
            "pooled_volume": r.pooled_volume, "price_now": r.price_now,
            "price_with_quantity": r.price_with_quantity, "tier_now_min": r.tier_now_min,
            "tier_with_min": r.tier_with_min, "within_budget": r.within_budget,
            "verdict": r.verdict.verdict if r.verdict else None,
            "verdict_label": r.verdict.label if r.verdict else None,
            "verdict_summary": r.verdict.summary if r.verdict else None,
            "essa_tier": r.essa_tier, "similar_districts": r.similar_districts, "good": r.good})
    return {"unmet": outcome.is_unmet, "good_count": outcome.good_count, "read_as": outcome.parsed.notes,
            "hints": _codes(outcome.parsed.hints), "results": results}


def need_out(need) -> dict:
    return {"id": need.pk, "district_id": need.district_id, "district": need.district.organisation.name,
            "text": need.text, "must_haves": _codes(need.must_haves), "nice_to_haves": _codes(need.nice_to_haves),
            "quantity": need.quantity, "budget_per_unit": need.budget_per_unit, "status": need.status,
            "status_label": NeedStatus(need.status).label, "result_count": need.result_count,
            "good_count": need.good_count, "top_product_ids": need.top_product_ids,
            "matched_at": need.matched_at, "created_at": need.created_at}


def _spec(payload: NeedIn):
    return need_spec(text=payload.text, must_haves=payload.must_haves, nice_to_haves=payload.nice_to_haves,
                     quantity=payload.quantity, budget_per_unit=payload.budget_per_unit)


@router.post("/needs/match", response=MatchOut, auth=API_AUTH)
@api_roles(*READERS)
def needs_match(request, payload: MatchIn):
    """Rank products for a need: first those on agreements in force, then products on no
    agreement yet (`on_agreement` false). Must-have codes are those of `catalog.musthaves`
    ("grade:K-2", "subject:math", "interop:oneroster", "kind:device", "essa:3", ...): `must_haves`
    filter exactly, `nice_to_haves` rank. For a district's people each result carries the
    district's compliance verdict and how many similar districts use it; nothing is stored."""
    outcome = selectors.match(_spec(payload), district=district_acting(request.actor), limit=payload.limit)
    return match_out(outcome)


@router.get("/needs", response=NeedPage, auth=API_AUTH)
@api_roles(*READERS)
def needs_list(request, status: Optional[NeedStatus] = None, page: Page = 1, page_size: page_size(100) = 50):
    """Saved needs: a district's people see their district's; staff see every district's."""
    if is_staff(request.actor):
        qs = selectors.all_needs()
    else:
        qs = selectors.needs_of_district(district_for_actor(request.actor))
    if status:
        qs = qs.filter(status=status)
    qs = qs.select_related("district__organisation")
    count = qs.count()
    pages = max(1, -(-count // page_size))
    page = min(page, pages)
    return {"count": count, "page": page, "pages": pages,
            "results": [need_out(n) for n in qs[(page - 1) * page_size: page * page_size]]}


@router.post("/needs", response={201: NeedOut}, auth=API_AUTH)
@api_roles(*JOINERS)
def needs_save(request, payload: NeedIn):
    """Save a need (a district's buyers and approvers): it is matched now and kept as an unmet
    need when nothing on an agreement in force meets every must-have within the budget."""
    need = need_save(district=district_for_actor(request.actor), spec=_spec(payload), actor=request.actor)
    return Status(201, need_out(selectors.need_for_actor(need_id=need.pk, actor=request.actor)))


@router.get("/needs/unmet-summary", response=list[UnmetGroupOut], auth=API_AUTH)
@api_roles(STAFF)
def needs_unmet_summary(request):
    """Unmet needs grouped by what they ask for, most districts first (staff)."""
    return [{"text": g.text, "needs": g.needs, "districts": g.districts, "states": g.states,
             "quantity": g.quantity, "budget_min": g.budget_min, "budget_max": g.budget_max,
             "must_haves": _codes([code for code, _ in g.must_haves])}
            for g in selectors.unmet_needs_summary()]


@router.get("/needs/{need_id}", response=NeedOut, auth=API_AUTH)
@api_roles(*READERS)
def needs_detail(request, need_id: Id):
    return need_out(selectors.need_for_actor(need_id=need_id, actor=request.actor))


@router.get("/needs/{need_id}/matches", response=MatchOut, auth=API_AUTH)
@api_roles(*READERS)
def needs_matches(request, need_id: Id):
    """The saved need's matches now (read only; saving again is `POST /needs`)."""
    need = selectors.need_for_actor(need_id=need_id, actor=request.actor)
    return match_out(selectors.match(selectors.need_spec_of(need), district=need.district))

