"""Opened bids and their evaluation: responsiveness, evaluated prices, scores, the tabulation.

Pure functions over bids already unsealed by `sourcing.selectors` (which alone decides whether the
clock allows unsealing). Money is Decimal, rounded to cents with ROUND_HALF_UP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

CENT = Decimal("0.01")
SCORE_MAX = Decimal(10)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_price_at(tiers: list[dict[str, Any]], quantity: int) -> Decimal:
    """All-units pricing: the price of the tier with the largest minimum <= quantity (the first
    tier's price when the quantity is below every minimum)."""
    price = Decimal(tiers[0]["unit_price"])
    for tier in tiers:
        if tier["min_quantity"] <= quantity:
            price = Decimal(tier["unit_price"])
    return price


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
    documents: list[Any] = field(default_factory=list)  # BidDocument rows (metadata, never bytes)

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
            if q < line["tiers"][0]["min_quantity"]:
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
    _score(results, criteria, consensus, evaluator_scores)
    return results


def _score(results: list[BidEvaluation], criteria: list[dict[str, Any]],
           consensus: dict[tuple[int, str], Decimal],
           evaluator_scores: dict[tuple[int, str], list[Decimal]]) -> None:
    responsive = [r for r in results if r.responsive]
    lowest: dict[str, Decimal] = {}
    for r in responsive:
        for line in r.lines:
            if line.line not in lowest or line.evaluated_cost < lowest[line.line]:
                lowest[line.line] = line.evaluated_cost
    price = next((c for c in criteria if c["is_price"]), None)
    for r in results:
        if price is not None and r.responsive and r.evaluated_total > 0:
            # Lowest evaluated price / this bid's evaluated price x weight, over the lines it prices.
            best = sum((lowest[x.line] for x in r.lines), Decimal(0))
            r.price_score = cents(Decimal(price["weight"]) * best / r.evaluated_total)
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
