"""The award plan, read side: what the award would be, what it depends on, and the plan staff
computed.

A multi-award plan is cheap and deterministic, so it is computed whenever it is shown. A bulk-buy
plan comes from the award engine, which may run for many seconds and, when stopped by its time
limit, may return a different allocation on another run; so it is computed only when staff ask
(`sourcing.services.awards.award_plan_request`: a background job), stored with the digest of its inputs, shown as
stored, and the award notice awards exactly that stored plan while its inputs are unchanged.

The inputs digest covers everything the plan depends on, read without unsealing a bid: the
method and constraints, the lines and their estimated quantities, requirements, criteria, the
number of addenda, every submitted bid's revision, content digest and addenda confirmation, and
every consensus score.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Optional

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.acting import Actor, require_staff
from core.money import cents
from sourcing import selectors
from sourcing.models import Award, AwardPlanRecord, Bid, ConsensusScore, Solicitation
from sourcing.states import AwardMethod
from sourcing.tabulation import BidEvaluation

def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode()


def _sha256(data: Any) -> str:
    return hashlib.sha256(_canonical(data)).hexdigest()


def plan_inputs(solicitation: Solicitation) -> dict[str, Any]:
    """Everything an award plan depends on (no bid is unsealed: content is named by its digest)."""
    s = solicitation
    # The stored values, not the caller's (possibly stale or unsaved) instance.
    stored = Solicitation.objects.values("award_method", "score_threshold", "max_vendor_share",
                                         "max_vendors_per_line").get(pk=s.pk)
    return {
        "solicitation": s.pk,
        "award_method": stored["award_method"],
        "score_threshold": str(stored["score_threshold"]),
        "max_vendor_share": (None if stored["max_vendor_share"] is None
                             else str(stored["max_vendor_share"])),
        "max_vendors_per_line": stored["max_vendors_per_line"],
        "lines": [list(x) for x in s.lines.order_by("position", "pk")
                  .values_list("reference", "estimated_quantity")],
        "requirements": list(s.requirements.order_by("pk").values_list("code", flat=True)),
        "criteria": [[name, str(weight), is_price] for name, weight, is_price in
                     s.criteria.order_by("pk").values_list("name", "weight", "is_price")],
        "addenda": s.addenda.count(),
        "bids": [list(x) for x in s.bids.filter(state=Bid.State.SUBMITTED).order_by("pk")
                 .values_list("pk", "vendor_id", "revision", "digest", "addenda_confirmed")],
        "consensus": [[bid_id, criterion_id, str(points)] for bid_id, criterion_id, points in
                      ConsensusScore.objects.filter(bid__solicitation=s)
                      .order_by("bid_id", "criterion_id").values_list("bid_id", "criterion_id", "points")],
    }


def inputs_digest(solicitation: Solicitation) -> str:
    return _sha256(plan_inputs(solicitation))


@dataclass(frozen=True)
class Winner:
    bid_id: int
    vendor_id: int
    vendor_name: str
    total_score: Optional[Decimal]
    # Bulk buy: [{"line": ref, "quantity": n, "unit_price": "x.xx", "cost": "y.yy"}].
    allocations: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"bid_id": self.bid_id, "vendor_id": self.vendor_id, "vendor": self.vendor_name,
                "total_score": None if self.total_score is None else str(self.total_score),
                "allocations": self.allocations}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Winner":
        score = data.get("total_score")
        return cls(bid_id=data["bid_id"], vendor_id=data["vendor_id"], vendor_name=data["vendor"],
                   total_score=None if score is None else Decimal(score),
                   allocations=list(data.get("allocations") or []))

    @classmethod
    def of(cls, ev: BidEvaluation, allocations: Optional[list[dict[str, Any]]] = None) -> "Winner":
        return cls(bid_id=ev.bid.bid_id, vendor_id=ev.bid.vendor_id, vendor_name=ev.bid.vendor_name,
                   total_score=ev.total_score, allocations=allocations or [])


def plan_digest(*, method: str, inputs_digest: str, winners: list[Winner],
                problems: list[str], engine_result: Optional[dict[str, Any]]) -> str:
    """Names one plan: its inputs and what it awards (a re-run on the same inputs that allocates
    differently has another digest)."""
    return _sha256({"method": method, "inputs": inputs_digest,
                    "winners": [w.as_dict() for w in winners], "problems": problems,
                    "total_cost": (engine_result or {}).get("total_cost")})


_VENDOR_ID = re.compile(r"vendor '([^']*)'")


def _money(amount: Optional[str]) -> str:
    """"$1,234.50", "−$2,500.00" (a minus sign, read as "minus"), "" for None."""
    if amount is None:
        return ""
    value = Decimal(amount)
    return f"{'−' if value < 0 else ''}${abs(value):,.2f}"


def _signed(amount: Optional[str], unit: str) -> str:
    if amount is None:
        return ""
    value = Decimal(amount)
    return f"{'−' if value < 0 else ''}{abs(value):,.2f}{unit}"


def _percent(part: Decimal, whole: Decimal) -> Optional[Decimal]:
    return None if not whole else cents(part * 100 / whole)


@dataclass
class AwardPlan:
    """What an award would be, before staff confirm it."""

    method: str
    inputs_digest: str
    winners: list[Winner] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    engine_result: Optional[dict[str, Any]] = None
    record: Optional[AwardPlanRecord] = None  # the stored plan (bulk buy); None: computed now
    stale: str = ""  # why the stored plan may no longer be awarded ("" if it may)
    line_descriptions: dict[str, str] = field(default_factory=dict)
    vendor_names: dict[str, str] = field(default_factory=dict)  # engine vendor id -> name

    @property
    def digest(self) -> str:
        return plan_digest(method=self.method, inputs_digest=self.inputs_digest,
                           winners=self.winners, problems=self.problems,
                           engine_result=self.engine_result)

    @property
    def ready(self) -> bool:
        return not self.problems and bool(self.winners) and not self.stale

    # What staff review before confirming a bulk buy (the engine's result, with names).
    def _vendor_names(self) -> dict[str, str]:
        return {**self.vendor_names, **{str(w.vendor_id): w.vendor_name for w in self.winners}}

    @property
    def allocation_rows(self) -> list[dict[str, Any]]:
        names = self._vendor_names()
        return [{"line": a["item"], "description": self.line_descriptions.get(a["item"], ""),
                 "vendor": names.get(str(a["vendor"]), str(a["vendor"])), "quantity": a["quantity"],
                 "unit_price": a["unit_price"], "cost": a["cost"]}
                for a in (self.engine_result or {}).get("allocations", [])]

    @property
    def vendor_rows(self) -> list[dict[str, Any]]:
        """Each awarded vendor's spend and its share of the total (exact decimals, 2 dp)."""
        result = self.engine_result or {}
        names = self._vendor_names()
        total = Decimal(result["total_cost"]) if result.get("total_cost") else Decimal(0)
        return [{"vendor": names.get(str(v["vendor"]), str(v["vendor"])), "spend": v["spend"],
                 "share_percent": _percent(Decimal(v["spend"]), total)}
                for v in result.get("vendors", [])]

    @property
    def baseline_rows(self) -> list[dict[str, Any]]:
        """Each baseline: its cost, whether it covers every line and meets the constraints, and
        what the plan saves against it."""
        result = self.engine_result or {}
        names = self._vendor_names()
        savings = {s["baseline"]: s for s in result.get("savings", [])}
        rows = []
        for b in result.get("baselines", []):
            saving = savings.get(b["name"], {})
            rows.append({**b, "saving": saving.get("amount"), "saving_percent": saving.get("percent"),
                         "saving_text": _money(saving.get("amount")),
                         "saving_percent_text": _signed(saving.get("percent"), "%"),
                         # the engine names vendors by id: show their names
                         "violations": [_VENDOR_ID.sub(lambda m: names.get(m[1], m[0]), v)
                                        for v in b.get("violations", [])]})
        return rows

    @property
    def has_negative_saving(self) -> bool:
        return any(b["saving"] is not None and Decimal(b["saving"]) < 0 for b in self.baseline_rows)

    @property
    def gap_percent(self) -> Optional[Decimal]:
        gap = (self.engine_result or {}).get("relative_gap")
        if gap is None:
            return None
        return (Decimal(repr(gap)) * 100).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)

    @property
    def gap_text(self) -> str:
        """How far the plan may be above the lowest possible cost: "0%", "under 0.001%", "0.062%"."""
        gap = (self.engine_result or {}).get("relative_gap")
        if gap is None:
            return ""
        if gap == 0:
            return "0%"
        percent = self.gap_percent
        return "under 0.001%" if percent == 0 else f"{percent}%"


def constraints_text(solicitation: Solicitation) -> str:
    """The bulk-buy constraints in words ("" if none)."""
    parts = []
    if solicitation.max_vendor_share is not None:
        share = (solicitation.max_vendor_share * 100).normalize()
        parts.append(f"no vendor above {share:f}% of the spend")
    if solicitation.max_vendors_per_line:
        n = solicitation.max_vendors_per_line
        parts.append(f"at most {n} vendor{'s' if n != 1 else ''} per line")
    return "; ".join(parts)


def multi_award_plan(solicitation: Solicitation, evaluations: list[BidEvaluation],
                     digest: str) -> AwardPlan:
    """Every responsive bid at or above the score threshold, once every consensus score is in."""
    plan = AwardPlan(method=AwardMethod.MULTI_AWARD, inputs_digest=digest)
    responsive = [ev for ev in evaluations if ev.responsive]
    incomplete = [ev.bid.vendor_name for ev in responsive if ev.missing_consensus]
    if incomplete:
        plan.problems.append("Consensus scores are missing for: " + ", ".join(incomplete) + ".")
        return plan
    plan.winners = [Winner.of(ev) for ev in responsive
                    if ev.total_score is not None and ev.total_score >= solicitation.score_threshold]
    if not plan.winners:
        plan.problems.append(f"No responsive bid reaches the score threshold "
                             f"({solicitation.score_threshold}).")
    return plan


def stored_plan(solicitation: Solicitation) -> Optional[AwardPlanRecord]:
    """The latest plan computed for the solicitation, if any."""
    return (AwardPlanRecord.objects.filter(solicitation=solicitation)
            .select_related("computed_by").order_by("-computed_at", "-pk").first())


def plan_from_record(record: AwardPlanRecord, *, current_digest: str,
                     line_descriptions: dict[str, str]) -> AwardPlan:
    plan = AwardPlan(method=record.method, inputs_digest=record.inputs_digest,
                     winners=[Winner.from_dict(w) for w in record.winners],
                     problems=list(record.problems), engine_result=record.engine_result,
                     record=record, line_descriptions=line_descriptions,
                     vendor_names=dict(record.vendor_names or {}))
    used = Award.objects.filter(plan=record).order_by("-version").first()
    when = f"{timezone.localtime(record.computed_at):%Y-%m-%d %H:%M}"
    if used is not None:
        plan.stale = (f"This plan (computed {when}) was already awarded by award notice version "
                      f"{used.version}; compute the plan again for a new award.")
    elif record.inputs_digest != current_digest:
        plan.stale = (f"Bids, scores or constraints changed since this plan was computed ({when}): "
                      f"recompute the plan and review it before confirming.")
    return plan


def record_plan(record: AwardPlanRecord) -> AwardPlan:
    """A stored plan as staff see it, checked against the inputs now."""
    s = record.solicitation
    return plan_from_record(record, current_digest=inputs_digest(s),
                            line_descriptions=dict(s.lines.values_list("reference", "description")))


def award_plan(*, solicitation: Solicitation, actor: Actor,
               evaluations: Optional[list[BidEvaluation]] = None) -> Optional[AwardPlan]:
    """The plan staff review and the award notice awards. Multi-award: computed now (from
    `evaluations` when the caller has just read them, else read now). Bulk buy: the stored plan
    (None if none was computed), `stale` saying why it may not be awarded."""
    require_staff(actor, "prepare awards")
    refusal = selectors.bid_reading_refusal(solicitation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    digest = inputs_digest(solicitation)
    if solicitation.award_method == AwardMethod.MULTI_AWARD:
        if evaluations is None:
            evaluations = selectors.evaluation(solicitation=solicitation, actor=actor, purpose="award plan")
        return multi_award_plan(solicitation, evaluations, digest)
    record = stored_plan(solicitation)
    if record is None:
        return None
    return plan_from_record(record, current_digest=digest, line_descriptions=dict(
        solicitation.lines.values_list("reference", "description")))
