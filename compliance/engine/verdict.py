"""One verdict with reasons: `evaluate(rules, district, product, privacy, request)`.

Pure: the same facts give the same verdict, whether asked for one district and product or for
a whole matrix. Each rule kind has a handler returning one `Reason`. A reason's `summary` never
names a particular document (those go in `evidence`), so cells of the matrix with equal facts can
share one computed verdict.

Effects: `block` (cannot be used now: the law forbids it or evidence only the vendor can give is
missing), `step` (the district can make it allowed, e.g. a one-click joinder or a board finding),
`satisfied`, `note` (information, a duty after purchase), `not_applicable`. A rule whose sureness
is `unverified` never blocks: its block becomes a step that says to verify it first.

Verdicts: `blocked` (any block), `not_researched` (the district's state has no rules of its own
researched: never "allowed", since its privacy and purchasing law is unknown here; a block from
federal or consortium rules still blocks), `allowed_after_steps` (any step), `allowed`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable, Optional

from compliance.engine.dpa_terms import term_label
from compliance.engine.facts import (CheckRequest, DistrictFacts, PrivacyFacts, ProductFacts,
                                     Reason, RuleFacts, Verdict)

UNDER_13 = ("PK", "K-2", "3-5", "6-8")
PROPOSED, UNDER_REVIEW = "proposed by the vendor", "under review"
SEVERITY = {"block": 0, "step": 1, "satisfied": 2, "note": 3, "not_applicable": 4}
JURISDICTION_ORDER = {"consortium": 0, "state": 1, "federal": 2}
WCAG_ORDER = {"WCAG 2.0": 0, "WCAG 2.1": 1, "WCAG 2.2": 2}
LEVEL_ORDER = {"A": 0, "AA": 1, "AAA": 2}
ATTESTATION_NAMES = {"coppa": "COPPA", "nist_csf": "NIST CSF", "soc2": "SOC 2",
                     "iso27001": "ISO/IEC 27001"}
MEMBERSHIP_LABELS = {"applied": "applied", "board_approved": "board approved",
                     "agreement_signed": "agreement signed", "suspended": "suspended"}


def words(code: str) -> str:
    return str(code).replace("_", " ")


def money(value) -> str:
    amount = Decimal(str(value))
    return f"${amount:,.0f}" if amount == amount.to_integral() else f"${amount:,.2f}"


def _reason(rule: RuleFacts, effect: str, summary: str, **extra) -> Reason:
    return Reason(rule_id=rule.rule_id, version=rule.number, version_id=rule.version_id,
                  jurisdiction=rule.jurisdiction, title=rule.title, citation=rule.citation,
                  sureness=rule.sureness, effect=effect, summary=summary, **extra)


# Rule versions loaded before product kinds became families (catalog migration 0004: device,
# software, content, service, with the price unit apart) name the old kinds; each stands for its
# family, so those versions keep applying until `edpool load-rules` replaces them.
OLD_PRODUCT_KINDS = {"software_per_student": "software", "software_per_teacher": "software",
                     "software_per_site": "software"}


def rule_kinds(cond: dict) -> set[str]:
    return {OLD_PRODUCT_KINDS.get(kind, kind) for kind in cond.get("product_kinds") or ()}


def applies(rule: RuleFacts, product: ProductFacts) -> bool:
    cond = rule.applies_if
    if cond.get("collects_student_data") is True and not product.data_collected:
        return False
    if cond.get("collects_student_data") is False and product.data_collected:
        return False
    if cond.get("grade_bands_any") and not set(cond["grade_bands_any"]) & set(product.grade_bands):
        return False
    if cond.get("product_kinds") and product.kind not in rule_kinds(cond):
        return False
    return True


def _not_applicable_text(rule: RuleFacts) -> str:
    cond = rule.applies_if
    if cond.get("collects_student_data") is True:
        parts = ["the product collects no student data"]
    else:
        parts = []
    if cond.get("grade_bands_any"):
        parts.append("applies to grade bands " + ", ".join(cond["grade_bands_any"]))
    if cond.get("product_kinds"):
        parts.append("applies to " + ", ".join(words(k) for k in sorted(rule_kinds(cond))))
    return "Does not apply: " + "; ".join(parts) + "."


# --- handlers -------------------------------------------------------------------------------

def _membership(rule, district: DistrictFacts, product, privacy, request) -> Reason:
    state = district.membership_state
    if state in rule.requires["member_states"]:
        return _reason(rule, "satisfied", "The district is an active member of the consortium.")
    if state == "suspended":
        return _reason(rule, "block", "The district's membership is suspended; it cannot use "
                                      "the consortium's contracts until reinstated.")
    if state is None:
        return _reason(rule, "step", "Join the consortium first: apply for membership (free), "
                                     "with a board resolution and the signed membership agreement.")
    return _reason(rule, "step", f"Complete the membership application (now "
                                 f"{MEMBERSHIP_LABELS.get(state, words(state))}) before using "
                                 f"the consortium's contracts.")


def _privacy_agreement(rule, district, product: ProductFacts, privacy: PrivacyFacts, request) -> Reason:
    req = rule.requires
    state = district.state
    duties = ""
    if req.get("lea_must_publish"):
        duties = " Duty: the district must publish " + ", ".join(words(x) for x in req["lea_must_publish"]) + "."
    if req.get("breach_notice_to_lea_days"):
        duties += f" Vendor breach notice to the district within {req['breach_notice_to_lea_days']} days."
    if not req["written_agreement"]:
        prohibits = ", ".join(words(x) for x in req.get("prohibits", [])) or "nothing listed"
        evidence = [privacy.own] if privacy.own else []
        return _reason(rule, "satisfied", f"No written agreement is required; the law applies to the "
                                          f"vendor directly (prohibits: {prohibits}).", evidence=evidence)
    name = req.get("agreement_name") or f"a {state} data privacy agreement"
    if privacy.own is not None:
        reason = _reason(rule, "satisfied", f"A signed data privacy agreement for {state} covering "
                                            f"this product is in force.{duties}",
                         evidence=[privacy.own])
    elif privacy.pending is not None:
        evidence = [privacy.pending] + ([privacy.offer] if privacy.offer else [])
        if privacy.pending.status == PROPOSED:
            text = (f"A data privacy agreement for {state} naming the district is only proposed by "
                    f"the vendor: it counts once the district countersigns it (or consortium "
                    f"staff record the district's signed copy).")
        else:
            text = (f"The district's joinder for {state} is under review (the vendor withdrew the "
                    f"agreement it adopted): it counts as missing until the district or staff "
                    f"review it.")
        reason = _reason(rule, "step", text + duties, evidence=evidence,
                         missing=[f"DPA for {state} signed by the district"])
    elif privacy.offer is not None:
        evidence = [privacy.offer] + ([privacy.own_lapsed] if privacy.own_lapsed else [])
        lacks = [t for t in req.get("terms", []) if privacy.offer.terms is not None and t not in privacy.offer.terms]
        if lacks:
            # a joinder copies the offer's terms: adopting it would give an agreement the law
            # does not accept, so only the vendor can mend it (a block, like no agreement)
            return _reason(rule, "block", f"The vendor's general offer for {state} lacks: "
                                          f"{'; '.join(term_label(t) for t in lacks)}. {state} requires "
                                          f"these terms in {name}, and a joinder would lack them too: "
                                          f"the vendor must sign an agreement that contains them (for "
                                          f"instance the NDPA v2 with the {state} exhibit).",
                           evidence=evidence, missing=[f"DPA term: {term_label(t)}" for t in lacks])
        reason = _reason(rule, "step", f"Adopt the vendor's general offer for {state}: one-click "
                                       f"joinder (NDPA Exhibit E).{duties}",
                         evidence=evidence, missing=[f"signed DPA for {state}"])
    elif privacy.own_lapsed is not None:
        return _reason(rule, "block", f"The data privacy agreement for {state} has expired and the "
                                      f"vendor has no open general offer there: the vendor must sign "
                                      f"a new one ({name}).",
                       evidence=[privacy.own_lapsed], missing=[f"DPA for {state} in force"])
    else:
        return _reason(rule, "block", f"No data privacy agreement for {state} covers this product "
                                      f"and the vendor has no open general offer there: the vendor "
                                      f"must sign one ({name}).", missing=[f"DPA for {state}"])
    own_terms = privacy.own.terms if privacy.own is not None else None
    absent = [t for t in req.get("terms", []) if own_terms is not None and t not in own_terms]
    if absent:
        # a DPA without the state's required terms is no agreement the law accepts: like none
        return _reason(rule, "block", f"The DPA lacks: {'; '.join(term_label(t) for t in absent)}. "
                                      f"{state} requires these terms in {name}; the vendor must "
                                      f"sign an agreement that contains them (for instance the "
                                      f"NDPA v2 with the {state} exhibit).",
                       evidence=reason.evidence, missing=[f"DPA term: {term_label(t)}" for t in absent])
    lacking = [k for k in req.get("attestations_required", [])
               if k not in {kind for kind, _ in product.attestations}]
    if lacking:
        names = ", ".join(ATTESTATION_NAMES.get(k, words(k)) for k in lacking)
        return _reason(rule, "block", f"The vendor has no {names} attestation in force, which "
                                      f"{state}'s required security terms rely on.",
                       evidence=reason.evidence, missing=[f"{names} attestation"])
    return reason


def _threshold_for_year(by_year: dict, year: int) -> tuple[Optional[Decimal], Optional[int]]:
    years = sorted(int(y) for y in by_year if int(y) <= year)
    if not years:
        return None, None
    return Decimal(by_year[str(years[-1])]), years[-1]


def _procurement(rule, district, product, privacy, request: CheckRequest) -> Reason:
    req = rule.requires
    state = district.state
    found: list[tuple[str, str]] = []
    if req.get("piggyback_allowed") is False:
        found.append(("block", f"{state} does not allow buying on another agency's contract."))
    if req.get("piggyback_only_single_award"):
        if request.award_kind == "multi_award":
            found.append(("block", f"{state} allows piggybacking only on single-award contracts; "
                                   f"this contract is multi-award."))
        elif request.award_kind == "single_award":
            found.append(("satisfied", f"A single-award contract, which {state} allows to piggyback."))
        else:
            found.append(("step", f"Use a single-award contract: {state} allows piggybacking only "
                                  f"on single-award contracts."))
    if req.get("board_finding_required"):
        if request.board_finding_recorded:
            named = f" ({request.board_finding_label})" if request.board_finding_label else ""
            found.append(("satisfied", f"The district's board finding of best interest for this "
                                       f"contract is recorded{named}, as {rule.citation} requires."))
        else:
            found.append(("step", f"Board finding of best interest required by {rule.citation}."))
    threshold = None
    if req.get("competitive_threshold_usd") is not None:
        threshold = Decimal(req["competitive_threshold_usd"])
    elif req.get("bid_threshold_usd_by_year"):
        threshold, year = _threshold_for_year(req["bid_threshold_usd_by_year"], request.on_date.year)
    if threshold is not None:
        basis = " a year" if req.get("threshold_basis") == "per_12_months" else ""
        if req.get("bid_threshold_usd_by_year") and year != request.on_date.year:
            basis += f" (the {year} figure, the latest recorded)"
        coop = req.get("cooperative_citation", "")
        if request.annual_value is None:
            found.append(("note", f"Competitive bidding applies above {money(threshold)}{basis}"
                                  + (f"; a cooperative contract satisfies it ({coop})." if req.get("cooperative_satisfies_bidding") else ".")))
        elif request.annual_value > threshold:
            if req.get("cooperative_satisfies_bidding"):
                found.append(("satisfied", f"Above the {money(threshold)}{basis} threshold: the "
                                           f"consortium's competitively awarded contract satisfies "
                                           f"it ({coop})."))
            else:
                found.append(("step", f"Above the {money(threshold)}{basis} threshold: run the "
                                      f"district's own competitive procurement."))
        else:
            found.append(("satisfied", f"Below the {money(threshold)}{basis} competitive threshold."))
    if req.get("max_term_years"):
        found.append(("note", f"Contracts for supplies and services run at most "
                              f"{req['max_term_years']} years."))
    if not found:
        return _reason(rule, "note", rule.title + ".")
    effect = min((e for e, _ in found), key=lambda e: SEVERITY[e])
    texts = [t for e, t in found if e == effect] + [t for e, t in found if e != effect]
    return _reason(rule, effect, " ".join(texts))


def ada_date(rule: RuleFacts, population: Optional[int]) -> tuple[dt.date, bool]:
    """The compliance date for this population; unknown population takes the earliest date
    (the cautious assumption). Returns (date, assumed)."""
    rows = rule.requires["compliance_date_by_population"]  # sorted by min_population, descending
    if population is None:
        return min(dt.date.fromisoformat(r["date"]) for r in rows), True
    for row in rows:
        if population >= (row["min_population"] or 0):
            return dt.date.fromisoformat(row["date"]), False
    return dt.date.fromisoformat(rows[-1]["date"]), False


def _accessibility(rule, district: DistrictFacts, product: ProductFacts, privacy, request) -> Reason:
    req = rule.requires
    wanted = f"{req['standard']} {req['level']}"
    due, assumed = ada_date(rule, district.population)
    basis = {"population": "", "enrollment_estimate": " (population estimated from enrollment: an assumption)",
             "unknown": " (population unknown: the earlier date is assumed)"}[
        "unknown" if assumed else district.population_basis]
    good = [e for standard, level, e in product.reports
            if WCAG_ORDER.get(standard, -1) >= WCAG_ORDER.get(req["standard"], 99)
            and LEVEL_ORDER.get(level, -1) >= LEVEL_ORDER.get(req["level"], 99)]
    if good:
        return _reason(rule, "satisfied", f"A {wanted} conformance report is in force.",
                       evidence=good[:1])
    lapsed = [product.report_lapsed] if product.report_lapsed else []
    weaker = [e for _, _, e in product.reports]
    what = (f"No {wanted} conformance report (VPAT/ACR) in force"
            + (" (the last one expired)" if lapsed else "")
            + (" (only a lower standard or level)" if weaker else ""))
    missing = [f"{wanted} conformance report"]
    if request.on_date >= due:
        return _reason(rule, "block", f"{what}; ADA Title II has applied to this district since "
                                      f"{due:%Y-%m-%d}{basis}.", evidence=lapsed + weaker, missing=missing)
    if request.on_date >= due - dt.timedelta(days=req.get("warn_days_before", 365)):
        return _reason(rule, "step", f"{what}: obtain one from the vendor before {due:%Y-%m-%d}, "
                                     f"when ADA Title II applies to this district{basis}.",
                       evidence=lapsed + weaker, missing=missing)
    return _reason(rule, "note", f"{what}; needed by {due:%Y-%m-%d} for this district{basis}.",
                   evidence=lapsed + weaker, missing=missing)


def _attestation(rule, district, product: ProductFacts, privacy, request: CheckRequest) -> Reason:
    req = rule.requires
    kind = req["attestation"]
    name = ATTESTATION_NAMES.get(kind, words(kind))
    found = [e for k, e in product.attestations if k == kind]
    if found:
        return _reason(rule, "satisfied", f"The vendor's {name} attestation is in force.",
                       evidence=found[:1])
    lapsed = [e for k, e in product.attestations_lapsed if k == kind][:1]
    start = dt.date.fromisoformat(req["compliance_date"]) if req.get("compliance_date") else None
    what = f"No {name} attestation in force" + (" (the last one expired)" if lapsed else "")
    if start and request.on_date < start:
        return _reason(rule, "note", f"{what}; the obligations apply from {start:%Y-%m-%d}.",
                       evidence=lapsed, missing=[f"{name} attestation"])
    # Only the vendor can supply it: like a missing DPA or conformance report, it blocks.
    return _reason(rule, "block", f"{what}: the vendor must supply its {name} attestation before "
                                  f"the product can be used.",
                   evidence=lapsed, missing=[f"{name} attestation"])


NOT_RESEARCHED_TITLE = "State rules not researched"
NOT_RESEARCHED_SUMMARY = ("This state's own rules (student data privacy, purchasing on another "
                          "agency's contract, bid thresholds) have not been researched yet (at most "
                          "unverified notes are recorded): check them with counsel before buying. "
                          "Federal and consortium rules were applied.")


def _notice(rule, district, product, privacy, request) -> Reason:
    return _reason(rule, "note", rule.requires.get("text") or rule.title)


HANDLERS: dict[str, Callable[..., Reason]] = {
    "membership": _membership, "privacy_agreement": _privacy_agreement,
    "procurement": _procurement, "accessibility": _accessibility, "attestation": _attestation,
    "notice": _notice,
}


def product_signature(product: ProductFacts, rules: list[RuleFacts],
                      applies_cache: Optional[dict] = None) -> tuple:
    """Everything about `product` that the verdicts under `rules` depend on (which rules apply,
    whether its accessibility reports meet each accessibility rule, which attestations are in
    force or lapsed), without evidence ids: products with equal signatures get equal verdicts
    and summaries (only the evidence named differs)."""
    profile = (product.kind, frozenset(product.grade_bands), bool(product.data_collected))
    applies_part = applies_cache.get(profile) if applies_cache is not None else None
    if applies_part is None:
        applies_part = tuple(applies(rule, product) for rule in rules)
        if applies_cache is not None:
            applies_cache[profile] = applies_part
    access = tuple(
        (any(WCAG_ORDER.get(s, -1) >= WCAG_ORDER.get(rule.requires["standard"], 99)
             and LEVEL_ORDER.get(lvl, -1) >= LEVEL_ORDER.get(rule.requires["level"], 99)
             for s, lvl, _ in product.reports), bool(product.reports), product.report_lapsed is not None)
        for rule in rules if rule.kind == "accessibility")
    return (applies_part, access, frozenset(k for k, _ in product.attestations),
            frozenset(k for k, _ in product.attestations_lapsed))


def evaluate(rules: list[RuleFacts], district: DistrictFacts, product: ProductFacts,
             privacy: PrivacyFacts, request: CheckRequest) -> Verdict:
    """The verdict for `district` buying `product` on `request.on_date`, from the rule versions
    in force on that date for the district's state, the federal government and the consortium."""
    reasons: list[Reason] = []
    ada = (None, "")
    # Researched: at least one of the state's own rules was read somewhere (secondary or
    # verified). Rules from background knowledge alone (unverified) are shown as steps, but the
    # verdict stays "not researched": never more sure than its sources.
    researched = any(r.jurisdiction == district.state and r.sureness != "unverified" for r in rules)
    if not researched:
        # a step (the district must check its state's law), kept first among the steps
        reasons.append(Reason(rule_id=None, version=None, version_id=None,
                              jurisdiction=district.state, title=NOT_RESEARCHED_TITLE,
                              citation="", sureness="", effect="step",
                              summary=NOT_RESEARCHED_SUMMARY))
    for rule in rules:
        if rule.kind == "accessibility":
            due, assumed = ada_date(rule, district.population)
            ada = (due, "assumed (population unknown)" if assumed else district.population_basis)
        if not applies(rule, product):
            reasons.append(_reason(rule, "not_applicable", _not_applicable_text(rule)))
            continue
        reason = HANDLERS[rule.kind](rule, district, product, privacy, request)
        if reason.effect == "block" and rule.sureness == "unverified":
            reason.effect = "step"
            reason.summary = "Verify first (this rule is unverified): " + reason.summary
        reasons.append(reason)
    kinds = {"consortium": 0, "state": 1, "federal": 2}
    jkind = {r.rule_id: r.jurisdiction_kind for r in rules}
    reasons.sort(key=lambda r: (SEVERITY[r.effect],
                                -1 if r.rule_id is None else kinds.get(jkind.get(r.rule_id, "state"), 1),
                                r.rule_id or ""))
    effects = {r.effect for r in reasons}
    if "block" in effects:
        verdict = "blocked"
    elif not researched:
        verdict = "not_researched"
    else:
        verdict = "allowed_after_steps" if "step" in effects else "allowed"
    return Verdict(verdict=verdict, reasons=reasons, ada_date=ada[0], ada_basis=ada[1])
