"""API: the verdict (check), recorded decisions, the matrix and the rules."""


from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.acting import DISTRICT_ROLES, EVERYONE, JOINERS, STAFF
from catalog.selectors import product_get, product_list
from compliance.models import ComplianceDecision
from compliance.selectors import rules as rule_selectors
from compliance.selectors.verdicts import compliance_check, compliance_matrix
from compliance.services.decisions import compliance_decision_record
from core.api_types import Amount, AnyId, Day, Filter, Id, Page, StateList, page_size, text, text_of
from members.models import District
from members.selectors import district_for_actor

router = Router(tags=["compliance"])


class ComplianceReasonOut(Schema):
    rule_id: Optional[str]
    version: Optional[int]
    version_id: Optional[int]
    jurisdiction: str
    title: str
    citation: str
    sureness: str
    effect: str
    summary: str
    evidence: list[dict[str, Any]]
    missing: list[str]


class ComplianceVerdictOut(Schema):
    district_id: int
    district: str
    state: str
    product_id: int
    product: str
    vendor: str
    on_date: date
    award_kind: Optional[str]
    annual_value: Optional[Decimal]
    # the agreement the verdict is under (named, or the one the catalog offers first)
    agreement_id: Optional[int]
    agreement: Optional[str]
    board_finding: Optional[str]
    verdict: str
    summary: str
    steps: list[str]
    blocks: list[str]
    ada_title_ii_date: Optional[date]
    ada_population_basis: str
    rule_versions: list[int]
    reasons: list[ComplianceReasonOut]


class ComplianceDecisionIn(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"product_id": 12, "purpose": "Adoption review for 2026-27", "award_kind": "multi_award",
         "annual_value": "45000.00"}]})

    district_id: Optional[Id] = None
    product_id: Id
    purpose: text_of(ComplianceDecision.purpose)
    award_kind: Optional[text_of(ComplianceDecision.award_kind)] = None
    annual_value: Optional[Amount] = None


class ComplianceDecisionOut(Schema):
    id: int
    district_id: int
    product_id: int
    on_date: date
    purpose: str
    verdict: str
    summary: str
    decided_at: datetime
    decided_by: str
    rule_versions: list[str]
    reasons: list[dict[str, Any]]


class ComplianceCellOut(Schema):
    state: str
    verdict: str
    rule_id: str
    version: Optional[int]
    reason: str


class ComplianceMatrixRowOut(Schema):
    product_id: int
    product: str
    vendor: str
    cells: list[ComplianceCellOut]


class ComplianceMatrixOut(Schema):
    on_date: date
    states: list[str]
    district_id: Optional[int]
    count: int
    page: int
    pages: int
    rows: list[ComplianceMatrixRowOut]


class RuleVersionOut(Schema):
    rule_id: str
    version: int
    version_id: int
    jurisdiction: str
    kind: str
    title: str
    citation: str
    effective_from: Optional[date]
    effective_to: Optional[date]
    sureness: str
    applies_if: dict[str, Any]
    requires: dict[str, Any]
    note: str
    source_file: str
    data_version: str
    retired_at: Optional[datetime]


def district_for(request, district_id: Optional[int]) -> District:
    """Staff name any district; a district's people get their own (naming another is refused)."""
    actor = request.actor
    if actor.role == STAFF:
        if not district_id:
            raise ValidationError({"district": "Name the district (its id)."})
        district = District.objects.select_related("organisation").filter(pk=district_id).first()
        if district is None:
            raise ValidationError({"district": f"No district {district_id}."})
        return district
    own = district_for_actor(actor)
    if district_id and district_id != own.pk:
        raise PermissionDenied("You may check only for your own district.")
    return own


def product_for(product_id: int):
    product = product_get(product_id)
    if product is None:
        raise ValidationError({"product": f"No product {product_id}."})
    return product


def verdict_out(result) -> dict:
    v = result.verdict
    return {"district_id": result.district.pk, "district": result.district.name,
            "state": result.district.state, "product_id": result.product.pk,
            "product": result.product.name, "vendor": result.product.vendor.organisation.name,
            "on_date": result.request.on_date, "award_kind": result.request.award_kind,
            "annual_value": result.request.annual_value,
            "agreement_id": result.context.agreement_id if result.context else None,
            "agreement": result.context.agreement_label if result.context else None,
            "board_finding": result.request.board_finding_label or None, "verdict": v.verdict,
            "summary": v.summary, "steps": [r.summary for r in v.steps],
            "blocks": [r.summary for r in v.blocks], "ada_title_ii_date": v.ada_date,
            "ada_population_basis": v.ada_basis, "rule_versions": v.rule_version_ids,
            "reasons": [r.as_dict() for r in v.reasons]}


def decision_out(d: ComplianceDecision) -> dict:
    return {"id": d.pk, "district_id": d.district_id, "product_id": d.product_id,
            "on_date": d.on_date, "purpose": d.purpose, "verdict": d.verdict, "summary": d.summary,
            "decided_at": d.decided_at, "decided_by": d.decided_by_label,
            "rule_versions": [v.label for v in d.rule_versions.select_related("rule")],
            "reasons": d.reasons}


@router.get("/compliance/check", response=ComplianceVerdictOut, auth=API_AUTH)
@api_roles(STAFF, *DISTRICT_ROLES)
def check(request, product: Optional[Id] = None, district: Optional[Id] = None,
          agreement: Optional[Id] = None,
          award_kind: Optional[text(20)] = None, annual_value: Optional[Amount] = None,
          on_date: Optional[Day] = None):
    """May the district use this product (from its vendor, under a consortium contract) in its
    state? One verdict (allowed, allowed_after_steps, not_researched, blocked) with every reason: rule id,
    citation, version, evidence used or missing. The verdict is under `agreement` (an id) when
    named: its kind and the district's board finding recorded with its participation in force;
    with neither `agreement` nor `award_kind`, under the agreement the catalog offers first (the
    same verdict as the catalog and the matrix). `award_kind` alone (multi_award /
    single_award) asks about a hypothetical contract of that kind; `annual_value` (estimated,
    dollars) adds threshold rules. Nothing is recorded;
    POST /compliance/decisions records one. District users get their own district."""
    if not product:
        raise ValidationError({"product": "Name the product (its id)."})
    result = compliance_check(district=district_for(request, district), product=product_for(product),
                              agreement_id=agreement, on_date=on_date, award_kind=award_kind,
                              annual_value=annual_value)
    return verdict_out(result)


@router.post("/compliance/decisions", response={201: ComplianceDecisionOut}, auth=API_AUTH)
@api_roles(STAFF, *JOINERS)
def decision_record(request, payload: ComplianceDecisionIn):
    """Compute the verdict now and record it, with the rule versions it used, for a purpose."""
    decision = compliance_decision_record(
        district=district_for(request, payload.district_id), product=product_for(payload.product_id),
        purpose=payload.purpose, award_kind=payload.award_kind, annual_value=payload.annual_value,
        actor=request.actor)
    return Status(201, decision_out(decision))


@router.get("/compliance/decisions/{decision_id}", response=ComplianceDecisionOut, auth=API_AUTH)
@api_roles(STAFF, *DISTRICT_ROLES)
def decision_detail(request, decision_id: Id):
    try:
        return decision_out(rule_selectors.decision_get_for_actor(decision_id=decision_id,
                                                                  actor=request.actor))
    except ComplianceDecision.DoesNotExist:
        raise Http404("No such decision.")


@router.get("/compliance/matrix", response=ComplianceMatrixOut, auth=API_AUTH)
@api_roles(STAFF, *DISTRICT_ROLES)
def matrix(request, states: StateList = "", q: Filter = "", vendor_id: AnyId = 0, category: Filter = "",
           for_my_district: bool = False, award_kind: Optional[text(20)] = None,
           annual_value: Optional[Amount] = None, on_date: Optional[Day] = None,
           page: Page = 1, page_size: page_size(1000) = 100):
    """Products x states: each cell the verdict and its main reason. `states` is a comma list
    (default all 50, DC and any other state loaded). A state column is an active member of that
    state holding no agreement of its own; `for_my_district=true` (district users) gives your district's column,
    counting your own agreements."""
    products = product_list(q=q, category=category, active_only=True)
    if vendor_id:
        products = products.filter(vendor_id=vendor_id)
    count = products.count()
    pages = max(1, -(-count // page_size))
    page = max(1, min(page, pages))
    ids = list(products.values_list("pk", flat=True)[(page - 1) * page_size: page * page_size])
    district = district_for(request, None) if for_my_district and request.actor.role != STAFF else None
    result = compliance_matrix(products=product_list().filter(pk__in=ids),
                               states=[s.strip() for s in states.split(",") if s.strip()] or None,
                               district=district, on_date=on_date, award_kind=award_kind,
                               annual_value=annual_value)
    return {"on_date": result.request.on_date, "states": result.states,
            "district_id": district.pk if district else None, "count": count, "page": page,
            "pages": pages,
            "rows": [{"product_id": pf.id, "product": pf.name, "vendor": pf.vendor_name,
                      "cells": [{"state": s, "verdict": c.verdict, "rule_id": c.rule_id,
                                 "version": c.version, "reason": c.summary}
                                for s, c in zip(result.states, cells)]}
                     for pf, cells in result.rows]}


def version_out(v) -> dict:
    return {"rule_id": v.rule.rule_id, "version": v.number, "version_id": v.pk,
            "jurisdiction": v.rule.jurisdiction.code, "kind": v.kind, "title": v.title,
            "citation": v.citation, "effective_from": v.effective_from,
            "effective_to": v.effective_to, "sureness": v.sureness, "applies_if": v.applies_if,
            "requires": v.requires, "note": v.note, "source_file": v.source_file,
            "data_version": v.data_version, "retired_at": v.retired_at}


@router.get("/compliance/rules", response=list[RuleVersionOut], auth=API_AUTH)
@api_roles(*EVERYONE)
def rules(request, jurisdiction: text(8) = ""):
    """Every rule version in the current data (any effective period), optionally for one
    jurisdiction code (US, EDPOOL, CA ...)."""
    return [version_out(v) for v in rule_selectors.current_versions(code=jurisdiction)]


@router.get("/compliance/rules/{rule_id}", response=list[RuleVersionOut], auth=API_AUTH)
@api_roles(*EVERYONE)
def rule_history(request, rule_id: text(80)):
    """Every version of one rule, newest first, including retired ones."""
    rule = rule_selectors.rule_get(rule_id)
    if rule is None:
        raise Http404("No such rule.")
    return [version_out(v) for v in rule_selectors.rule_versions(rule)]
