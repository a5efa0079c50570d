"""Opened bids and their evaluation: responsiveness, evaluated prices, scores, the tabulation.

Pure functions over bids already unsealed by `sourcing.selectors` (which alone decides whether the
clock allows unsealing). Money is Decimal, rounded to cents by `core.money.cents`; a line is
priced by `core.tiers` (an estimate below the first tier at the first tier's price, with a note).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from core.money import cents
from core.tiers import reaches_first_tier, unit_price_at

SCORE_MAX = Decimal(10)


@dataclass
class OpenedBid:
    bid_id: int
    vendor_id: int
    vendor_name: str
    submitted_at: Any
    revision: int
    digest: str
    addenda_confirmed: int
    content: dict[str, Any]
    documents: list[Any] = field(default_factory=list)  # BidDocumentInfo (metadata, never bytes)

    @property
    def lines(self) -> dict[str, dict[str, Any]]:
        return {line["line"]: line for line in self.content["lines"]}


@dataclass
class LineEvaluation:
    line: str
    estimated_quantity: int
    tiers: list[dict[str, Any]]
    max_quantity: Optional[int]
    unit_price: Decimal
    evaluated_cost: Decimal
    notes: list[str] = field(default_factory=list)


@dataclass
class BidEvaluation:
    bid: OpenedBid
    responsive: bool
    reasons: list[str]
    lines: list[LineEvaluation]
    evaluated_total: Decimal
    price_score: Decimal = Decimal(0)
    criterion_scores: dict[str, Optional[Decimal]] = field(default_factory=dict)  # consensus, weighted
    evaluator_averages: dict[str, Optional[Decimal]] = field(default_factory=dict)  # 0-10
    total_score: Optional[Decimal] = None  # None until every consensus score is in
    missing_consensus: list[str] = field(default_factory=list)
    price_rule: str = ""  # which rule scored price for the whole solicitation (PRICE_RULES)

    @property
    def price_rule_text(self) -> str:
        return PRICE_RULES.get(self.price_rule, "")


def evaluate(*, solicitation_lines: list[dict[str, Any]], requirements: list[dict[str, Any]],
             criteria: list[dict[str, Any]], addenda: int, bids: list[OpenedBid],
             consensus: dict[tuple[int, str], Decimal],
             evaluator_scores: dict[tuple[int, str], list[Decimal]]) -> list[BidEvaluation]:
    """Evaluate every opened bid.

    solicitation_lines: [{"reference", "estimated_quantity"}]; requirements: [{"code", "text"}];
    criteria: [{"name", "weight", "is_price"}]; consensus[(bid_id, criterion name)] = points 0-10.
    """
    estimates = {line["reference"]: line["estimated_quantity"] for line in solicitation_lines}
    results: list[BidEvaluation] = []
    for bid in bids:
        reasons = []
        for req in requirements:
            if not bid.content["attestations"].get(req["code"]):
                reasons.append(f"Did not attest: {req['text']}")
        if bid.addenda_confirmed < addenda:
            reasons.append(f"Not re-confirmed after addendum {addenda}")
        lines = []
        for line in bid.content["lines"]:
            q = estimates.get(line["line"])
            if q is None:  # a line removed by a later addendum
                continue
            price = unit_price_at(line["tiers"], q)
            notes = []
            if not reaches_first_tier(line["tiers"], q):
                notes.append(f"estimate {q} is below the first tier ({line['tiers'][0]['min_quantity']})")
            if line.get("max_quantity") is not None and line["max_quantity"] < q:
                notes.append(f"offers at most {line['max_quantity']} of {q}")
            lines.append(LineEvaluation(line=line["line"], estimated_quantity=q, tiers=line["tiers"],
                                        max_quantity=line.get("max_quantity"), unit_price=price,
                                        evaluated_cost=cents(price * q), notes=notes))
        if not lines:
            reasons.append("Prices none of the solicitation's lines")
        results.append(BidEvaluation(bid=bid, responsive=not reasons, reasons=reasons, lines=lines,
                                     evaluated_total=sum((x.evaluated_cost for x in lines), Decimal(0))))
    _score(results, criteria, consensus, evaluator_scores, list(estimates))
    return results


PRICE_RULE_TOTAL = "total"
PRICE_RULE_PER_LINE = "per_line"
PRICE_RULES = {
    PRICE_RULE_TOTAL: (
        "Every responsive bid prices every line, so price is scored on totals: the lowest "
        "evaluated total of a responsive bid / the bid's evaluated total x the price weight; the "
        "lowest bid gets the full weight."),
    PRICE_RULE_PER_LINE: (
        "Some responsive bids price only some lines, so their totals are not comparable and price "
        "is scored line by line: for the lines a bid prices, the sum of the lowest responsive "
        "evaluated cost of each line / the bid's evaluated total x the price weight."),
}


def price_rule(evaluations: list[BidEvaluation]) -> str:
    """The rule that scored price for these evaluations (see PRICE_RULES); "" if none did (no
    price criterion or no responsive bid)."""
    return evaluations[0].price_rule if evaluations else ""


def _score(results: list[BidEvaluation], criteria: list[dict[str, Any]],
           consensus: dict[tuple[int, str], Decimal],
           evaluator_scores: dict[tuple[int, str], list[Decimal]],
           line_references: list[str]) -> None:
    """Price by formula (lowest evaluated price / bid's evaluated price x weight), then the
    committee's consensus on the other criteria. Each score is rounded to cents, half up."""
    responsive = [r for r in results if r.responsive]
    complete = all({x.line for x in r.lines} >= set(line_references) for r in responsive)
    rule = PRICE_RULE_TOTAL if complete else PRICE_RULE_PER_LINE
    lowest_total = min((r.evaluated_total for r in responsive), default=None)
    lowest_line: dict[str, Decimal] = {}
    for r in responsive:
        for line in r.lines:
            if line.line not in lowest_line or line.evaluated_cost < lowest_line[line.line]:
                lowest_line[line.line] = line.evaluated_cost
    price = next((c for c in criteria if c["is_price"]), None)
    for r in results:
        if price is not None and responsive:
            r.price_rule = rule
        if price is not None and r.responsive:
            weight = Decimal(price["weight"])
            best = (lowest_total if rule == PRICE_RULE_TOTAL
                    else sum((lowest_line[x.line] for x in r.lines), Decimal(0)))
            # A bid of $0 is the lowest possible price: the full weight.
            r.price_score = cents(weight if r.evaluated_total == 0
                                  else weight * best / r.evaluated_total)
        total = r.price_score
        for c in criteria:
            if c["is_price"]:
                continue
            points = consensus.get((r.bid.bid_id, c["name"]))
            given = evaluator_scores.get((r.bid.bid_id, c["name"]), [])
            r.evaluator_averages[c["name"]] = (cents(sum(given) / len(given)) if given else None)
            if points is None:
                r.criterion_scores[c["name"]] = None
                r.missing_consensus.append(c["name"])
            else:
                weighted = cents(Decimal(c["weight"]) * points / SCORE_MAX)
                r.criterion_scores[c["name"]] = weighted
                total += weighted
        r.total_score = None if (r.missing_consensus or not r.responsive) else cents(total)


def tabulation_rows(evaluations: list[BidEvaluation]) -> list[dict[str, Any]]:
    """One flat row per bid and line: the standard bid tabulation (CSV/XLSX/JSON)."""
    rows = []
    for ev in evaluations:
        for line in ev.lines:
            rows.append({
                "vendor": ev.bid.vendor_name, "bid_id": ev.bid.bid_id,
                "submitted_at": ev.bid.submitted_at.isoformat() if ev.bid.submitted_at else "",
                "revision": ev.bid.revision, "responsive": ev.responsive,
                "non_responsive_reasons": "; ".join(ev.reasons), "line": line.line,
                "estimated_quantity": line.estimated_quantity,
                "tiers": "; ".join(f"{t['min_quantity']}+ @ {t['unit_price']}" for t in line.tiers),
                "max_quantity": line.max_quantity if line.max_quantity is not None else "",
                "unit_price_at_estimate": str(line.unit_price),
                "evaluated_line_cost": str(line.evaluated_cost),
                "evaluated_total": str(ev.evaluated_total), "price_score": str(ev.price_score),
                **{f"score: {name}": ("" if v is None else str(v))
                   for name, v in ev.criterion_scores.items()},
                "total_score": "" if ev.total_score is None else str(ev.total_score),
                "notes": "; ".join(line.notes),
            })
    return rows
