"""Matching a need to products, each result explained; the needs buyers saved; unmet needs.

Order of results: first products on agreements in force (`contracts` selectors), then products
vendors registered that are on no agreement yet, marked as such. Within each group, by a score
that combines the database's full-text rank (relative to the best candidate of the need, see
`matching.search`) with the share of soft must-haves met (the buyer's nice-to-haves and the hints
read from the words, e.g. "K-2" -> Grade band: K-2):

    score = 0.7 x text rank / best text rank + 0.3 x soft must-haves met / soft must-haves

(fit alone when the need has no words). A candidate must also match enough of the need's words
(any of each word's synonyms, prefixes allowed; `words_needed`): at least half, and as many as the
best candidate matches (one fewer for needs of three words or more), so one common word of a need
does not bring in everything ("math intervention" shows math interventions, not every math
product). This is decided on the words, not on the rank, so it is the same on both databases.
Hard must-haves filter exactly.

A **good match** is a product on an agreement in force that meets every must-have (hard and soft)
and, when the need has a budget, costs at most that per unit at the tier this quantity would reach.
A need without one is an **unmet need**: the consortium has nothing on contract that fits it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.acting import DISTRICT_ROLES, acts_as, is_staff
from catalog import musthaves
from catalog.models import Product
from core.tiers import tier_at
from matching import search
from matching.models import Need, NeedStatus
from matching.spec import NeedSpec
from matching.text import ParsedNeed, parse
from vendors.service_area import state_name

TEXT_WEIGHT, FIT_WEIGHT = 0.7, 0.3
CANDIDATES = 100
DEFAULT_LIMIT = 10


@dataclass
class MatchResult:
    product: Product
    on_agreement: bool
    score: float
    text_score: float
    met: list[str]  # must-have codes met (hard and soft)
    unmet: list[str]  # soft must-have codes not met
    agreement: Optional[object] = None  # the agreement offering the best terms to the district
    entry: Optional[object] = None
    price_now: Optional[Decimal] = None  # unit price at the pool's current tier (list price off agreement)
    price_with_quantity: Optional[Decimal] = None  # ... at the tier the need's quantity would reach
    tier_now_min: Optional[int] = None
    tier_with_min: Optional[int] = None
    pooled_volume: Optional[int] = None
    within_budget: Optional[bool] = None
    verdict: Optional[object] = None  # compliance MatrixCell for the district
    similar_districts: Optional[int] = None
    good: bool = False

    @property
    def essa_tier(self) -> Optional[int]:
        return getattr(self.product, "essa_tier", None)

    @property
    def met_labels(self) -> list[str]:
        return [musthaves.label(c) for c in self.met]

    @property
    def unmet_labels(self) -> list[str]:
        return [musthaves.label(c) for c in self.unmet]


@dataclass
class MatchOutcome:
    spec: NeedSpec
    parsed: ParsedNeed
    soft: list[str]
    on_agreement: list[MatchResult] = field(default_factory=list)
    other: list[MatchResult] = field(default_factory=list)

    @property
    def results(self) -> list[MatchResult]:
        return self.on_agreement + self.other

    @property
    def good_count(self) -> int:
        return sum(1 for r in self.on_agreement if r.good)

    @property
    def is_unmet(self) -> bool:
        return self.good_count == 0

    @property
    def groups(self) -> list[tuple[str, list[MatchResult], str]]:
        return [("on_agreement", self.on_agreement, "On the consortium's agreements"),
                ("other", self.other, "Registered by vendors, on no agreement yet")]

    @property
    def hint_labels(self) -> list[str]:
        return [musthaves.label(c) for c in self.parsed.hints]


def _covers(term, words: set[str]) -> bool:
    for alt in term.alternatives:
        if all(a in words for a in alt):
            return True
        if all(a in words or (len(a) >= 4 and any(w.startswith(a) for w in words)) for a in alt):
            return True
    return False


def _ranked(parsed: ParsedNeed, cands: list[search.Candidate], soft: list[str], best_rank: float,
            needed: int):
    ranked = []
    for c in cands:
        if parsed.terms and _coverage(parsed, c) < needed:
            continue
        text_score = (c.rank / best_rank) if best_rank > 0 else 0.0
        fit = (len(soft) - len(musthaves.unmet(soft, c.facts))) / len(soft) if soft else 1.0
        score = TEXT_WEIGHT * text_score + FIT_WEIGHT * fit if parsed.terms else fit
        ranked.append((round(score, 6), c, text_score))
    ranked.sort(key=lambda r: (-r[0], r[1].product_id))
    return ranked


def _coverage(parsed: ParsedNeed, c: search.Candidate) -> int:
    return sum(_covers(t, c.words) for t in parsed.terms)


def words_needed(parsed: ParsedNeed, cands: list[search.Candidate]) -> int:
    """How many of the need's words a product must match to be shown: at least half, and as many
    as the best candidate matches (one fewer for needs of three words or more)."""
    if not parsed.terms:
        return 0
    best = max((_coverage(parsed, c) for c in cands), default=0)
    slack = 1 if len(parsed.terms) >= 3 else 0
    return max(math.ceil(len(parsed.terms) / 2), best - slack)


def match(spec: NeedSpec, *, district=None, limit: int = DEFAULT_LIMIT,
          explain: bool = True) -> MatchOutcome:
    """Ranked, explained results for a need (for `district`: verdicts and similar districts)."""
    parsed = parse(spec.text, known=search.word_known, vocabulary=search.words_like)
    soft = list(dict.fromkeys([c for c in [*spec.nice_to_haves, *parsed.hints] if c not in spec.must_haves]))
    on, off = search.candidates_split(parsed, spec.must_haves, on_date=timezone.localdate(), limit=CANDIDATES)
    best = max([c.rank for c in on + off] or [0.0])
    outcome = MatchOutcome(spec=spec, parsed=parsed, soft=soft)
    needed = words_needed(parsed, on + off)
    groups = []
    for cands, on_agreement in ((on, True), (off, False)):
        ranked = _ranked(parsed, cands, soft, best, needed)[:limit]
        groups.append([(score, c, text_score, on_agreement) for score, c, text_score in ranked])
    ids = [c.product_id for group in groups for _, c, _, _ in group]
    products = Product.objects.select_related("vendor", "category").in_bulk(ids)
    for group, target in zip(groups, (outcome.on_agreement, outcome.other)):
        for score, c, text_score, on_agreement in group:
            unmet = musthaves.unmet(soft, c.facts)
            target.append(MatchResult(product=products[c.product_id], on_agreement=on_agreement, score=score,
                                      text_score=round(text_score, 4),
                                      met=[code for code in [*spec.must_haves, *soft] if code not in unmet],
                                      unmet=unmet))
    if explain:
        _explain(outcome, district)
    else:
        for r in outcome.on_agreement:
            r.good = not r.unmet
    return outcome


def _explain(outcome: MatchOutcome, district) -> None:
    """Prices, tiers, verdicts and similar districts, in a fixed number of queries: the
    district's verdicts for every result in one call of the compliance engine (each product on
    contract under its agreement's kind and with the district's board finding for it, the others
    under no contract kind)."""
    from contracts.selectors.catalog import VERDICT_ORDER, catalog_items, entries_in_force

    spec = outcome.spec
    on_ids = [r.product.pk for r in outcome.on_agreement]
    offers: dict[int, list] = {}
    findings: dict = {}
    if on_ids:
        entries = list(entries_in_force().filter(product_id__in=on_ids)
                       .select_related("product__category", "product__vendor", "version__agreement__vendor"))
        for item in catalog_items(entries):  # prices and tiers (verdicts below, in one call)
            offers.setdefault(item.entry.product_id, []).append(item)
        if district is not None:
            from contracts.selectors.participation import board_findings_of

            findings = board_findings_of(district, {i.agreement.pk for items in offers.values() for i in items})
    cells: dict[tuple[int, Optional[str], bool], object] = {}
    if district is not None and outcome.results:
        from compliance.selectors.verdicts import district_verdicts

        # The engine takes each product under its own contract kind: one call for the first offer
        # of every product (and the products on no agreement), another only for products offered
        # on several agreements.
        rounds: list[tuple[dict[int, Optional[str]], set[int]]] = [({r.product.pk: None for r in outcome.other}, set())]
        for pid, items in offers.items():
            for n, item in enumerate(items):
                if n >= len(rounds):
                    rounds.append(({}, set()))
                rounds[n][0][pid] = item.agreement.award_kind
                if item.agreement.pk in findings:
                    rounds[n][1].add(pid)
        for kinds, with_finding in rounds:
            if not kinds:
                continue
            for pid, cell in district_verdicts(district=district, award_kinds=kinds,
                                               board_findings=with_finding).items():
                cells[(pid, kinds[pid], pid in with_finding)] = cell
    for r in outcome.on_agreement:
        items = offers.get(r.product.pk, [])
        if not items:
            continue
        for item in items:
            item.verdict = cells.get((r.product.pk, item.agreement.award_kind, item.agreement.pk in findings))
        item = min(items, key=lambda i: (VERDICT_ORDER.get(i.verdict.verdict, 3) if i.verdict else 3,
                                         i.position.unit_price, i.agreement.number))
        with_quantity = tier_at(item.entry.tiers, item.volume + spec.quantity)
        r.agreement, r.entry, r.verdict = item.agreement, item.entry, item.verdict
        r.pooled_volume = item.volume
        r.price_now, r.tier_now_min = item.position.unit_price, item.position.tier_min
        r.price_with_quantity, r.tier_with_min = with_quantity.unit_price, with_quantity.tier_min
    for r in outcome.other:
        r.price_now = r.price_with_quantity = r.product.list_price
        r.verdict = cells.get((r.product.pk, None, False))
    if district is not None and outcome.results:
        from contracts.selectors.usage import districts_using
        from members.selectors import districts_similar_to

        using = districts_using([r.product.pk for r in outcome.results], districts=districts_similar_to(district))
        for r in outcome.results:
            r.similar_districts = using.get(r.product.pk, 0)
    for r in outcome.results:
        if spec.budget_per_unit is not None and r.price_with_quantity is not None:
            r.within_budget = r.price_with_quantity <= spec.budget_per_unit
        r.good = (r.on_agreement and r.price_with_quantity is not None and not r.unmet
                  and r.within_budget is not False)


# --- saved needs -----------------------------------------------------------------------------

def needs_of_district(district) -> QuerySet[Need]:
    return Need.objects.filter(district=district).select_related("created_by").order_by("-created_at", "-pk")


def need_for_actor(*, need_id: int, actor) -> Need:
    """A need the actor may see: its district's people, and staff. Anything else: 404."""
    need = Need.objects.select_related("district__organisation", "created_by").filter(pk=need_id).first()
    if need is None:
        raise Http404("No such need.")
    if is_staff(actor):
        return need
    if acts_as(actor, DISTRICT_ROLES, need.district.organisation):
        return need
    raise Http404("No such need.")


def need_spec_of(need: Need) -> NeedSpec:
    return NeedSpec(text=need.text, must_haves=list(need.must_haves), nice_to_haves=list(need.nice_to_haves),
                    quantity=need.quantity, budget_per_unit=need.budget_per_unit)


def unmet_needs(*, state: str = "") -> QuerySet[Need]:
    qs = (Need.objects.filter(status=NeedStatus.UNMET)
          .select_related("district__organisation", "created_by").order_by("-created_at", "-pk"))
    if state:
        qs = qs.filter(district__state=state)
    return qs


@dataclass
class UnmetNeedGroup:
    """Unmet needs asking for the same thing (the same words and hints, in any order)."""

    key: str
    text: str  # the words of the latest need of the group
    needs: int
    district_ids: list[int]
    states: list[str]
    quantity: int
    budget_min: Optional[Decimal]
    budget_max: Optional[Decimal]
    must_haves: list[tuple[str, int]]  # (code, how many needs of the group ask for it), most first

    @property
    def districts(self) -> int:
        return len(self.district_ids)

    @property
    def state_names(self) -> list[str]:
        return [state_name(code) for code in self.states]

    @property
    def must_have_labels(self) -> list[tuple[str, int]]:
        return [(musthaves.label(code), n) for code, n in self.must_haves]


def unmet_needs_summary(*, since=None, states: Optional[list[str]] = None,
                        needs: Optional[QuerySet] = None) -> list[UnmetNeedGroup]:
    """Unmet needs grouped by what they ask for, most districts first: for staff and for the
    needs survey's pooled demand (`since`: created on or after this moment; `states`: districts
    of these states)."""
    qs = needs if needs is not None else unmet_needs()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if states:
        qs = qs.filter(district__state__in=list(states))
    groups: dict[str, dict] = {}
    for need in qs.order_by("-created_at", "-pk"):
        parsed = parse(need.text)
        key = " ".join(sorted(set(parsed.key().split()) | set(need.must_haves))) or need.text.lower()
        g = groups.setdefault(key, {"text": need.text, "needs": 0, "districts": [], "states": set(),
                                    "quantity": 0, "budgets": [], "codes": {}})
        g["needs"] += 1
        if need.district_id not in g["districts"]:
            g["districts"].append(need.district_id)
        g["states"].add(need.district.state)
        g["quantity"] += need.quantity
        if need.budget_per_unit is not None:
            g["budgets"].append(need.budget_per_unit)
        for code in dict.fromkeys([*need.must_haves, *need.nice_to_haves, *parsed.hints]):
            g["codes"][code] = g["codes"].get(code, 0) + 1
    out = [UnmetNeedGroup(key=key, text=g["text"], needs=g["needs"], district_ids=g["districts"],
                          states=sorted(g["states"]), quantity=g["quantity"],
                          budget_min=min(g["budgets"]) if g["budgets"] else None,
                          budget_max=max(g["budgets"]) if g["budgets"] else None,
                          must_haves=sorted(g["codes"].items(), key=lambda kv: (-kv[1], kv[0])))
           for key, g in groups.items()]
    return sorted(out, key=lambda g: (-len(g.district_ids), -g.needs, g.key))


def all_needs() -> QuerySet[Need]:
    return Need.objects.select_related("district__organisation", "created_by").order_by("-created_at", "-pk")
