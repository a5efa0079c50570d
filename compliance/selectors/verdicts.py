"""The verdict for one district and product (`compliance_check`) and the matrix of products by
states (`compliance_matrix`). Both load facts with the same set-based queries and call the same
pure engine, so they agree; neither records anything (see services.decisions for that).

All three answers (check, matrix, catalog) are asked under the same contract
(`compliance.purchase_context`): the agreement named, or, when none is named and no hypothetical
kind of contract is given, the agreement the catalog offers first for the district (best
verdict, then price now, then number), counting the district's board finding recorded with its
participation in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import Product
from compliance.engine.facts import CheckRequest, DistrictFacts, ProductFacts, Verdict
from compliance.engine.verdict import evaluate, product_signature
from compliance.purchase_context import PurchaseContext, purchase_contexts
from compliance.selectors.facts import (CONSORTIUM_CODE, FEDERAL_CODE, district_facts,
                                        generic_district, open_offers, own_agreements,
                                        privacy_for, product_facts, rules_for_state,
                                        rules_in_force)
from compliance.selectors.rules import state_codes
from members.models import District

AWARD_KINDS = ("multi_award", "single_award")
# the order "best verdict first" (the catalog's "can my district buy this?" uses it too)
VERDICT_ORDER = {"allowed": 0, "allowed_after_steps": 1, "not_researched": 2, "blocked": 3}
VERDICT_LABELS = {"allowed": "Allowed", "allowed_after_steps": "Allowed after steps",
                  "not_researched": "Not researched", "blocked": "Blocked"}


def check_request(*, on_date: Optional[dt.date] = None, award_kind: Optional[str] = None,
                  annual_value: Optional[Decimal] = None, board_finding_recorded: bool = False,
                  board_finding_label: str = "") -> CheckRequest:
    if award_kind in ("", None):
        award_kind = None
    elif award_kind not in AWARD_KINDS:
        raise ValidationError({"award_kind": f"One of {', '.join(AWARD_KINDS)}, or empty."})
    if annual_value is not None:
        annual_value = Decimal(annual_value)
        if annual_value < 0:
            raise ValidationError({"annual_value": "The estimated annual value cannot be negative."})
        annual_value = annual_value.quantize(Decimal("0.01"))
    return CheckRequest(on_date=on_date or timezone.localdate(), award_kind=award_kind,
                        annual_value=annual_value, board_finding_recorded=bool(board_finding_recorded),
                        board_finding_label=board_finding_label if board_finding_recorded else "")


@dataclass
class CheckResult:
    district: District
    product: Product
    request: CheckRequest
    facts: DistrictFacts
    product_facts: ProductFacts
    verdict: Verdict
    context: Optional[PurchaseContext] = None  # the agreement the verdict is under, if any

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict.verdict]


def _with_context(request: CheckRequest, context: Optional[PurchaseContext]) -> CheckRequest:
    if context is None:
        return request
    finding = context.board_finding_label
    return CheckRequest(on_date=request.on_date, award_kind=context.award_kind,
                        annual_value=request.annual_value, board_finding_recorded=finding is not None,
                        board_finding_label=finding or "")


def best_under(contexts: list[PurchaseContext], judge) -> tuple[Optional[PurchaseContext], object]:
    """Among `contexts` (best rank first), the one whose verdict (`judge(context)`, a Verdict or
    MatrixCell) is best, the first such on a tie; `judge(None)` without contexts."""
    if not contexts:
        return None, judge(None)
    found = None
    seen: dict[tuple, object] = {}
    for context in contexts:
        result = seen.get(context.key)
        if result is None:
            result = seen[context.key] = judge(context)
        if found is None or VERDICT_ORDER[result.verdict] < VERDICT_ORDER[found[1].verdict]:
            found = (context, result)
    return found


def compliance_check(*, district: District, product: Product, on_date: Optional[dt.date] = None,
                     award_kind: Optional[str] = None, agreement_id: Optional[int] = None,
                     annual_value: Optional[Decimal] = None, board_finding_recorded: bool = False,
                     board_finding_label: str = "", require_agreement: bool = True) -> CheckResult:
    """May `district` use `product` (from its vendor, under a consortium contract) on `on_date`?
    Under agreement `agreement_id` when named (its kind, and the district's board finding
    recorded with its participation in force); with no agreement and no `award_kind`, under the
    agreement the catalog offers first (see the module); with `award_kind` alone, a hypothetical
    contract of that kind, whose board finding is on record if `board_finding_recorded`. An
    agreement named that does not offer the product today is refused, unless
    `require_agreement` is false (then `award_kind` stands for it)."""
    request = check_request(on_date=on_date, award_kind=award_kind, annual_value=annual_value,
                            board_finding_recorded=board_finding_recorded,
                            board_finding_label=board_finding_label)
    facts = district_facts(district)
    products = Product.objects.filter(pk=product.pk)
    contexts: list[PurchaseContext] = []
    if agreement_id is not None or (request.award_kind is None and not board_finding_recorded):
        contexts = purchase_contexts(district=district, products=products, agreement_id=agreement_id,
                                     on_date=request.on_date).get(product.pk, [])
        if agreement_id is not None and not contexts and require_agreement:
            raise ValidationError({"agreement": "This product is not on that agreement in force."})
        if contexts and agreement_id is not None and award_kind is not None and contexts[0].award_kind != award_kind:
            raise ValidationError({"award_kind": "The agreement named is of the other kind."})
    pf = product_facts(products, request.on_date)[product.pk]
    rules = rules_for_state(rules_in_force(on_date=request.on_date,
                                           codes=[CONSORTIUM_CODE, FEDERAL_CODE, district.state]),
                            district.state)
    own = own_agreements({product.pk}, district.pk, district.state, request.on_date)
    offers = open_offers(products, [district.state], request.on_date)
    privacy = privacy_for(product.pk, district.state, own, offers)
    context, verdict = best_under(contexts, lambda c: evaluate(rules, facts, pf, privacy,
                                                               _with_context(request, c)))
    return CheckResult(district=district, product=product, request=_with_context(request, context),
                       facts=facts, product_facts=pf, verdict=verdict, context=context)


@dataclass(frozen=True)
class MatrixCell:
    verdict: str
    rule_id: str
    version: Optional[int]
    summary: str

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]


@dataclass
class Matrix:
    states: list[str]
    rows: list[tuple[ProductFacts, list[MatrixCell]]]
    request: CheckRequest
    district: Optional[District]
    distinct_verdicts: int = 0


def compliance_matrix(*, products: QuerySet[Product], states: Optional[list[str]] = None,
                      district: Optional[District] = None, on_date: Optional[dt.date] = None,
                      award_kind: Optional[str] = None,
                      annual_value: Optional[Decimal] = None) -> Matrix:
    """Products x states, each cell the verdict and its main reason. Without a district, a
    column is a hypothetical active member of that state with no agreement of its own (it may
    adopt open general offers); the columns default to every state-like jurisdiction loaded.
    With a district, the one column is that district, with its own agreements, membership and
    population. A fixed number of queries; cells with equal facts
    share one evaluation."""
    request = check_request(on_date=on_date, award_kind=award_kind, annual_value=annual_value)
    if district is not None:
        states = [district.state]
    known = state_codes()  # any state-like jurisdiction loaded (e.g. PR), and always the 51
    states = [s.upper() for s in (states or known)]
    unknown = [s for s in states if s not in known]
    if unknown:
        raise ValidationError({"states": f"Unknown state codes: {', '.join(unknown)}."})
    by_code = rules_in_force(on_date=request.on_date, codes=[CONSORTIUM_CODE, FEDERAL_CODE, *states])
    facts = product_facts(products, request.on_date)
    offers = open_offers(products, states, request.on_date)
    offer_states: dict[int, set[str]] = {}
    for state, pid in offers:
        offer_states.setdefault(pid, set()).add(state)
    own = own_agreements(set(facts), district.pk, district.state, request.on_date) if district else {}
    # Without a hypothetical kind of contract, each product is judged under the agreements it is
    # on (for a district: with its board findings), the best verdict per cell, as the catalog.
    contexts = (purchase_contexts(district=district, products=products, agreement_id=None,
                                  on_date=request.on_date) if request.award_kind is None else {})
    columns = [(s, district_facts(district) if district else generic_district(s),
                rules_for_state(by_code, s)) for s in states]
    all_rules = [r for code in sorted(by_code) for r in by_code[code]]
    position = {r.version_id: i for i, r in enumerate(all_rules)}
    # which entries of a product's signature each column's rules look at
    picks = [tuple(position[r.version_id] for r in rules) for _, _, rules in columns]
    # States with no rules of their own give the same cells (their "not researched" step names no
    # state), so they share evaluations.
    tokens = [state if by_code.get(state) else "no state rules" for state, _, _ in columns]
    # Cells with equal facts share one evaluation; rows with equal facts share one list of cells.
    cell_cache: dict[tuple, MatrixCell] = {}
    row_cache: dict[tuple, list[MatrixCell]] = {}
    column_keys: dict[tuple, list[tuple]] = {}  # product signature -> its key in each column
    applies_cache: dict = {}
    rows = []
    for pid, pf in facts.items():
        psig = product_signature(pf, all_rules, applies_cache)
        current, lapsed, pending = own.get(pid, (None, None, None))
        offered = frozenset(offer_states.get(pid, ()))
        waiting = pending.status if pending else None
        candidates = _candidates(contexts.get(pid, []))
        row_key = (psig, current is not None, lapsed is not None, waiting, offered, candidates)
        cells = row_cache.get(row_key)
        if cells is None:
            keys = column_keys.get(psig)
            if keys is None:
                keys = [(token, tuple(psig[0][i] for i in pick), psig[1:])
                        for token, pick in zip(tokens, picks)]
                column_keys[psig] = keys
            cells = []
            for (state, dfacts, rules), column_key in zip(columns, keys):
                key = (column_key, dfacts.signature(), current is not None, lapsed is not None,
                       waiting, state in offered, candidates)
                cell = cell_cache.get(key)
                if cell is None:
                    privacy = privacy_for(pid, state, own, offers)
                    _, cell = best_under(list(contexts.get(pid, [])), lambda c: _cell(evaluate(
                        rules, dfacts, pf, privacy, _with_context(request, c))))
                    cell_cache[key] = cell
                cells.append(cell)
            row_cache[row_key] = cells
        rows.append((pf, cells))
    return Matrix(states=states, rows=rows, request=request, district=district,
                  distinct_verdicts=len(cell_cache))


def _candidates(contexts: list[PurchaseContext]) -> tuple:
    """What a product's cells depend on from its agreements: their verdict keys, best rank first."""
    return tuple(c.key for c in contexts)


def _cell(v: Verdict) -> MatrixCell:
    main = v.main
    return MatrixCell(v.verdict, (main.rule_id or "") if main else "", main.version if main else None,
                      v.summary)


def matrix_cell_of(result: CheckResult) -> MatrixCell:
    """The matrix cell a single check corresponds to (used to compare the two)."""
    main = result.verdict.main
    return MatrixCell(result.verdict.verdict, main.rule_id or "" if main else "",
                      main.version if main else None, result.verdict.summary)


def district_verdicts(*, district: District, award_kinds: dict[int, Optional[str]],
                      on_date: Optional[dt.date] = None,
                      board_findings: dict[int, str] | frozenset[int] | set[int] = frozenset()
                      ) -> dict[int, MatrixCell]:
    """The verdict (and main reason) for one district on many products, each under its own
    contract kind (e.g. the catalog's results) and, for the products in `board_findings`, with
    the district's board finding for that contract on record (a dict names each finding): the
    facts are loaded once, with the same set-based queries as the matrix, then each product is
    evaluated. Equal to `compliance_check(..., agreement_id=...)` for the row's agreement."""
    on_date = on_date or timezone.localdate()
    products = Product.objects.filter(pk__in=list(award_kinds))
    facts = product_facts(products, on_date)
    rules = rules_for_state(rules_in_force(on_date=on_date,
                                           codes=[CONSORTIUM_CODE, FEDERAL_CODE, district.state]),
                            district.state)
    own = own_agreements(set(facts), district.pk, district.state, on_date)
    offers = open_offers(products, [district.state], on_date)
    dfacts = district_facts(district)
    cells: dict[int, MatrixCell] = {}
    for pid, pf in facts.items():
        request = check_request(on_date=on_date, award_kind=award_kinds.get(pid),
                                board_finding_recorded=pid in board_findings,
                                board_finding_label=(board_findings.get(pid, "")
                                                     if isinstance(board_findings, dict) else ""))
        verdict = evaluate(rules, dfacts, pf, privacy_for(pid, district.state, own, offers), request)
        main = verdict.main
        cells[pid] = MatrixCell(verdict.verdict, (main.rule_id or "") if main else "",
                                main.version if main else None, verdict.summary)
    return cells
