"""The verdict for one district and product (`compliance_check`) and the matrix of products by
states (`compliance_matrix`). Both load facts with the same set-based queries and call the same
pure engine, so they agree; neither records anything (see services.decisions for that)."""

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
from compliance.selectors.facts import (CONSORTIUM_CODE, FEDERAL_CODE, district_facts,
                                        generic_district, open_offers, own_agreements,
                                        privacy_for, product_facts, rules_for_state,
                                        rules_in_force)
from compliance.selectors.rules import state_codes
from members.models import District

AWARD_KINDS = ("multi_award", "single_award")
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

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict.verdict]


def compliance_check(*, district: District, product: Product, on_date: Optional[dt.date] = None,
                     award_kind: Optional[str] = None,
                     annual_value: Optional[Decimal] = None, board_finding_recorded: bool = False,
                     board_finding_label: str = "") -> CheckResult:
    """May `district` use `product` (from its vendor, under a consortium contract) on `on_date`?
    `board_finding_recorded`: the district's board finding for that contract is on record (its
    participation in force carries one), named by `board_finding_label`."""
    request = check_request(on_date=on_date, award_kind=award_kind, annual_value=annual_value,
                            board_finding_recorded=board_finding_recorded,
                            board_finding_label=board_finding_label)
    facts = district_facts(district)
    products = Product.objects.filter(pk=product.pk)
    pf = product_facts(products, request.on_date)[product.pk]
    rules = rules_for_state(rules_in_force(on_date=request.on_date,
                                           codes=[CONSORTIUM_CODE, FEDERAL_CODE, district.state]),
                            district.state)
    own = own_agreements({product.pk}, district.pk, district.state, request.on_date)
    offers = open_offers(products, [district.state], request.on_date)
    verdict = evaluate(rules, facts, pf, privacy_for(product.pk, district.state, own, offers), request)
    return CheckResult(district=district, product=product, request=request, facts=facts,
                       product_facts=pf, verdict=verdict)


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
        row_key = (psig, current is not None, lapsed is not None, waiting, offered)
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
                       waiting, state in offered)
                cell = cell_cache.get(key)
                if cell is None:
                    v = evaluate(rules, dfacts, pf, privacy_for(pid, state, own, offers), request)
                    main = v.main
                    cell = MatrixCell(v.verdict, (main.rule_id or "") if main else "",
                                      main.version if main else None, v.summary)
                    cell_cache[key] = cell
                cells.append(cell)
            row_cache[row_key] = cells
        rows.append((pf, cells))
    return Matrix(states=states, rows=rows, request=request, district=district,
                  distinct_verdicts=len(cell_cache))


def matrix_cell_of(result: CheckResult) -> MatrixCell:
    """The matrix cell a single check corresponds to (used to compare the two)."""
    main = result.verdict.main
    return MatrixCell(result.verdict.verdict, main.rule_id or "" if main else "",
                      main.version if main else None, result.verdict.summary)


def district_verdicts(*, district: District, award_kinds: dict[int, Optional[str]],
                      on_date: Optional[dt.date] = None,
                      board_findings: frozenset[int] | set[int] = frozenset()) -> dict[int, MatrixCell]:
    """The verdict (and main reason) for one district on many products, each under its own
    contract kind (e.g. the catalog's results) and, for the products in `board_findings`, with
    the district's board finding for that contract on record: the facts are loaded once, with
    the same set-based queries as the matrix, then each product is evaluated."""
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
                                board_finding_recorded=pid in board_findings)
        verdict = evaluate(rules, dfacts, pf, privacy_for(pid, district.state, own, offers), request)
        main = verdict.main
        cells[pid] = MatrixCell(verdict.verdict, (main.rule_id or "") if main else "",
                                main.version if main else None, verdict.summary)
    return cells
