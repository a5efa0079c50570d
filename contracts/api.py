"""API for master agreements, participation (joining with the DPA), and mini-competitions."""

from typing import Optional

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from accounts.access import api_public, api_roles
from accounts.api_auth import API_AUTH, OPTIONAL_AUTH
from accounts.acting import APPROVER, BUYER, STAFF, VENDOR
from catalog.models import Product
from contracts.api_schemas import (AgreementActivateIn, AgreementDetailOut, AgreementOut,
                                   AgreementScheduleMapIn, AmendmentDecidedOut, AmendmentDecisionIn,
                                   AmendmentIn, AmendmentProposedOut, CatalogPageOut, CatalogProductOut,
                                   ContractReasonIn, JoinRequirementsOut, MiniCompetitionChoiceIn,
                                   MiniCompetitionIn, MiniCompetitionOut, MiniCompetitionScoreIn,
                                   ParticipationJoinIn, ParticipationOut, ParticipationRejectIn, QuoteAnswerIn,
                                   QuoteAnsweredOut,
                                   QuoteRequestedOut, QuoteRequestIn)
from contracts.models import Amendment, MasterAgreement, MiniCompetition, ParticipationAgreement
from contracts.selectors.agreements import agreement_get, agreement_list, needs_successor, schedule_rows
from contracts.selectors.participation import (competition_for_actor, join_requirements,
                                               participation_for_actor, quote_for_actor)
from contracts.services import agreements as agreement_services
from contracts.services import participation as participation_services
from core.api_types import Amount, Filter, Id, Page, page_size, whole
from members.selectors import district_acting, district_for_actor
from sourcing.models import Solicitation

router = Router(tags=["contracts"])
A = "/agreements/{agreement_id}"


def _agreement(request, agreement_id: int) -> MasterAgreement:
    try:
        return agreement_get(agreement_id=agreement_id, actor=getattr(request, "actor", None))
    except MasterAgreement.DoesNotExist:
        raise Http404("No such agreement.")


def agreement_out(a: MasterAgreement, detail: bool = False) -> dict:
    data = {"id": a.pk, "number": a.number, "vendor": a.vendor.legal_name, "vendor_id": a.vendor_id,
            "title": a.title, "solicitation": a.solicitation.number, "award_kind": a.award_kind,
            "state": a.effective_state(), "start_date": a.start_date, "end_date": a.end_date,
            "admin_fee_rate": str(a.admin_fee_rate)}
    if detail:
        data.update({
            "renewal_options": a.renewal_options, "renewal_months": a.renewal_months,
            "renewals_used": a.renewals_used, "max_term_years": a.max_term_years,
            "needs_successor": needs_successor(a),
            "documents": [{"id": d.pk, "title": d.title, "url": f"/agreements/{a.pk}/documents/{d.pk}/"}
                          for d in a.documents.all()],
            "schedule": [{"product_id": r["product"].pk, "product": r["product"].name,
                          "line": r["entry"].line_reference, "unit": r["entry"].unit,
                          "tiers": r["entry"].tiers, "list_price": str(r["entry"].list_price),
                          "consortium_volume": r["volume"], "unit_price_now": str(r["position"].unit_price),
                          "next_tier_min": r["position"].next_min,
                          "units_to_next_tier": r["position"].units_to_next,
                          "next_tier_price": None if r["position"].next_price is None else str(r["position"].next_price)}
                         for r in schedule_rows(a)],
            "amendments": [{"number": m.number, "kind": m.kind, "state": m.state, "summary": m.summary}
                           for m in a.amendments.order_by("number")]})
    return data


@router.get("/agreements", response=list[AgreementOut], auth=OPTIONAL_AUTH)
@api_public
def agreements(request, state: Filter = "", q: Filter = ""):
    """Master agreements (active and past; staff also see those pending signature)."""
    return [agreement_out(a) for a in agreement_list(actor=getattr(request, "actor", None), state=state, q=q)[:1000]]


@router.get(A, response=AgreementDetailOut, auth=OPTIONAL_AUTH)
@api_public
def agreement(request, agreement_id: Id):
    return agreement_out(_agreement(request, agreement_id), detail=True)


@router.post("/solicitations/{solicitation_id}/agreements", response={201: list[AgreementOut]},
             auth=API_AUTH)
@api_roles(STAFF)
def agreements_from_award(request, solicitation_id: Id):
    solicitation = get_object_or_404(Solicitation, pk=solicitation_id)
    created = agreement_services.agreements_create_from_award(solicitation=solicitation, actor=request.actor)
    return Status(201, [agreement_out(a) for a in created])


@router.post(A + "/schedule", response=AgreementDetailOut, auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def schedule_map(request, agreement_id: Id, payload: AgreementScheduleMapIn):
    a = _agreement(request, agreement_id)
    product = Product.objects.filter(pk=payload.product_id).first()
    if product is None:
        raise ValidationError({"product_id": "No such product."})
    agreement_services.schedule_map_product(agreement=a, line_reference=payload.line_reference,
                                            product=product, actor=request.actor)
    return agreement_out(a, detail=True)


@router.post(A + "/activate", response=AgreementDetailOut, auth=API_AUTH)
@api_roles(STAFF)
def activate(request, agreement_id: Id, payload: AgreementActivateIn):
    a = agreement_services.agreement_activate(agreement=_agreement(request, agreement_id),
                                              actor=request.actor, **payload.dict())
    return agreement_out(a, detail=True)


@router.post(A + "/renew", response=AgreementDetailOut, auth=API_AUTH)
@api_roles(STAFF)
def renew(request, agreement_id: Id):
    return agreement_out(agreement_services.agreement_renew(agreement=_agreement(request, agreement_id),
                                                            actor=request.actor), detail=True)


@router.post(A + "/terminate", response=AgreementDetailOut, auth=API_AUTH)
@api_roles(STAFF)
def terminate(request, agreement_id: Id, payload: ContractReasonIn):
    return agreement_out(agreement_services.agreement_terminate(
        agreement=_agreement(request, agreement_id), reason=payload.reason, actor=request.actor), detail=True)


@router.post(A + "/amendments", response={201: AmendmentProposedOut}, auth=API_AUTH)
@api_roles(STAFF, VENDOR)
def amendment_propose(request, agreement_id: Id, payload: AmendmentIn):
    m = agreement_services.amendment_propose(agreement=_agreement(request, agreement_id), kind=payload.kind,
                                             summary=payload.summary, set_entries=payload.set_entries,
                                             remove_products=payload.remove_products, actor=request.actor)
    return Status(201, {"number": m.number, "state": m.state, "changes": m.changes})


@router.post(A + "/amendments/{number}/decision", response=AmendmentDecidedOut, auth=API_AUTH)
@api_roles(STAFF)
def amendment_decision(request, agreement_id: Id, number: whole(1, 32767), payload: AmendmentDecisionIn):
    a = _agreement(request, agreement_id)
    m = get_object_or_404(Amendment, agreement=a, number=number)
    m = agreement_services.amendment_decide(amendment=m, approve=payload.approve, reason=payload.reason,
                                            actor=request.actor)
    return {"number": m.number, "state": m.state}


@router.get(A + "/join-requirements", response=JoinRequirementsOut, auth=API_AUTH)
@api_roles(BUYER, APPROVER)
def join_needs(request, agreement_id: Id, estimated_value: Optional[Amount] = None):
    """What joining would require of your district: blocks, steps to confirm, offers adopted."""
    needs = join_requirements(district=district_for_actor(request.actor), agreement=_agreement(request, agreement_id),
                              annual_value=estimated_value)
    return {"blocked": needs.blocked, "confirmations": needs.confirmations,
            "general_offers_adopted": needs.offers_to_adopt}


def participation_out(p: ParticipationAgreement) -> dict:
    return {"id": p.pk, "district": p.district.name, "agreement": p.agreement.number, "state": p.state,
            "estimated_value": str(p.estimated_value), "needs_approval": p.needs_approval,
            "dpa_joinder_id": p.dpa_joinder_id, "steps_confirmed": p.steps_confirmed,
            "board_finding_on": p.board_finding_on.isoformat() if p.board_finding_on else None,
            "board_finding_reference": p.board_finding_reference, "closed_reason": p.closed_reason}


@router.post(A + "/join", response={201: ParticipationOut}, auth=API_AUTH)
@api_roles(BUYER)
def join(request, agreement_id: Id, payload: ParticipationJoinIn):
    """Join the agreement; adopts the vendor's general offer for your state in the same step."""
    district = district_for_actor(request.actor)
    competition = None
    if payload.mini_competition_id:
        competition = MiniCompetition.objects.filter(pk=payload.mini_competition_id, district=district).first()
    p = participation_services.participation_join(
        district=district, agreement=_agreement(request, agreement_id), estimated_value=payload.estimated_value,
        confirmed_steps=payload.confirmed_steps, mini_competition=competition,
        board_finding_on=payload.board_finding_on, board_finding_reference=payload.board_finding_reference,
        prior_prices={pp.product_id: pp.unit_price for pp in payload.prior_prices}, actor=request.actor)
    return Status(201, participation_out(p))


@router.get("/participations", response=list[ParticipationOut], auth=API_AUTH)
@api_roles(BUYER, APPROVER, VENDOR)
def participations(request):
    """Your district's participation agreements, or (vendor) those on your agreements."""
    qs = ParticipationAgreement.objects.select_related("district__organisation", "agreement")
    if request.actor.role == VENDOR:
        qs = qs.filter(agreement__vendor__organisation=request.actor.organisation)
    else:
        qs = qs.filter(district=district_for_actor(request.actor))
    return [participation_out(p) for p in qs.order_by("-prepared_at")[:1000]]


@router.post("/participations/{participation_id}/approve", response=ParticipationOut, auth=API_AUTH)
@api_roles(APPROVER)
def participation_approve(request, participation_id: Id):
    participation = participation_for_actor(participation_id=participation_id, actor=request.actor)
    return participation_out(participation_services.participation_approve(participation=participation,
                                                                        actor=request.actor))


@router.post("/participations/{participation_id}/reject", response=ParticipationOut, auth=API_AUTH)
@api_roles(APPROVER)
def participation_reject(request, participation_id: Id, payload: ParticipationRejectIn):
    """Reject a participation agreement awaiting your approval, with the reason (the buyer is
    told; the vendor is not asked to countersign)."""
    participation = participation_for_actor(participation_id=participation_id, actor=request.actor)
    return participation_out(participation_services.participation_reject(
        participation=participation, reason=payload.reason, actor=request.actor))


@router.post("/participations/{participation_id}/countersign", response=ParticipationOut, auth=API_AUTH)
@api_roles(VENDOR)
def participation_countersign(request, participation_id: Id):
    participation = participation_for_actor(participation_id=participation_id, actor=request.actor)
    return participation_out(participation_services.participation_countersign(participation=participation,
                                                                        actor=request.actor))


@router.post("/participations/{participation_id}/withdraw", response=ParticipationOut, auth=API_AUTH)
@api_roles(BUYER, APPROVER)
def participation_withdraw(request, participation_id: Id, payload: ContractReasonIn):
    participation = participation_for_actor(participation_id=participation_id, actor=request.actor)
    return participation_out(participation_services.participation_withdraw(
        participation=participation, reason=payload.reason, actor=request.actor))


def competition_out(c: MiniCompetition) -> dict:
    return {"id": c.pk, "solicitation": c.solicitation.number, "state": c.state, "quantities": c.quantities,
            "price_weight": str(c.price_weight),
            "scores": [{"agreement_id": s.agreement_id, "vendor": s.agreement.vendor.legal_name,
                        "price_total": str(s.price_total), "price_score": str(s.price_score),
                        "other_score": str(s.other_score), "total": str(s.total)}
                       for s in c.scores.select_related("agreement__vendor")],
            "quotes": [{"id": q.pk, "agreement_id": q.agreement_id, "answered": q.answered_at is not None,
                        "quote_total": None if q.quote_total is None else str(q.quote_total),
                        "implementation_plan": q.implementation_plan} for q in c.quotes.all()],
            "chosen_agreement_id": c.chosen_agreement_id, "choice_reasons": c.choice_reasons}


def _score_agreement(c: MiniCompetition, agreement_id: int) -> MasterAgreement:
    row = c.scores.filter(agreement_id=agreement_id).select_related("agreement").first()
    if row is None:
        raise ValidationError({"agreement_id": "Not a vendor of this mini-competition."})
    return row.agreement


@router.post("/mini-competitions", response={201: MiniCompetitionOut}, auth=API_AUTH)
@api_roles(BUYER)
def competition_start(request, payload: MiniCompetitionIn):
    solicitation = Solicitation.objects.filter(pk=payload.solicitation_id).first()
    if solicitation is None:
        raise ValidationError({"solicitation_id": "No such solicitation."})
    c = participation_services.minicompetition_start(district=district_for_actor(request.actor), solicitation=solicitation,
                                                     quantities=payload.quantities,
                                                     price_weight=payload.price_weight, actor=request.actor)
    return Status(201, competition_out(c))


@router.get("/mini-competitions/{competition_id}", response=MiniCompetitionOut, auth=API_AUTH)
@api_roles(BUYER, APPROVER)
def competition(request, competition_id: Id):
    c = competition_for_actor(competition_id=competition_id, actor=request.actor)
    return competition_out(c)


@router.post("/mini-competitions/{competition_id}/scores", response=MiniCompetitionOut, auth=API_AUTH)
@api_roles(BUYER)
def competition_score(request, competition_id: Id, payload: MiniCompetitionScoreIn):
    c = competition_for_actor(competition_id=competition_id, actor=request.actor)
    participation_services.minicompetition_score(competition=c, agreement=_score_agreement(c, payload.agreement_id),
                                                 other_score=payload.other_score, notes=payload.notes,
                                                 actor=request.actor)
    return competition_out(c)


@router.post("/mini-competitions/{competition_id}/quotes", response={201: QuoteRequestedOut},
             auth=API_AUTH)
@api_roles(BUYER)
def competition_quote(request, competition_id: Id, payload: QuoteRequestIn):
    c = competition_for_actor(competition_id=competition_id, actor=request.actor)
    q = participation_services.quote_request(competition=c, agreement=_score_agreement(c, payload.agreement_id),
                                             message=payload.message, actor=request.actor)
    return Status(201, {"id": q.pk, "agreement_id": q.agreement_id})


@router.post("/quotes/{quote_id}/answer", response=QuoteAnsweredOut, auth=API_AUTH)
@api_roles(VENDOR)
def quote_answer(request, quote_id: Id, payload: QuoteAnswerIn):
    q = quote_for_actor(quote_id=quote_id, actor=request.actor)
    q = participation_services.quote_answer(quote=q, quote_total=payload.quote_total,
                                            implementation_plan=payload.implementation_plan, actor=request.actor)
    return {"id": q.pk, "quote_total": str(q.quote_total)}


@router.post("/mini-competitions/{competition_id}/decision", response=MiniCompetitionOut, auth=API_AUTH)
@api_roles(BUYER)
def competition_decide(request, competition_id: Id, payload: MiniCompetitionChoiceIn):
    c = competition_for_actor(competition_id=competition_id, actor=request.actor)
    # The decided competition as the service saved it (the one read above is still open).
    c = participation_services.minicompetition_decide(competition=c, agreement=_score_agreement(
        c, payload.agreement_id), reasons=payload.reasons, actor=request.actor)
    return competition_out(c)


def catalog_item_out(item) -> dict:
    data = {"product_id": item.product.pk, "product": item.product.name, "vendor": item.agreement.vendor.legal_name,
            "category": item.product.category.code, "kind": item.product.kind,
            "grade_bands": item.product.grade_bands, "subjects": item.product.subjects,
            "interoperability": item.product.interoperability,
            "agreement_id": item.agreement.pk, "agreement": item.agreement.number,
            "award_kind": item.agreement.award_kind, "line": item.entry.line_reference, "unit": item.entry.unit,
            "tiers": item.entry.tiers, "consortium_volume": item.volume,
            "unit_price_now": str(item.position.unit_price), "next_tier_min": item.position.next_min,
            "next_tier_price": None if item.position.next_price is None else str(item.position.next_price),
            "units_to_next_tier": item.position.units_to_next, "list_price": str(item.entry.list_price),
            "saving_per_unit": str(item.saving)}
    if item.verdict is not None:
        data["verdict"] = {"verdict": item.verdict.verdict, "summary": item.verdict.summary,
                           "rule_id": item.verdict.rule_id or None, "rule_version": item.verdict.version}
    return data


@router.get("/catalog", response=CatalogPageOut, auth=OPTIONAL_AUTH, exclude_unset=True)
@api_public
def catalog(request, q: Filter = "", category: Filter = "", grade_band: Filter = "", subject: Filter = "",
            interoperability: Filter = "", kind: Filter = "", page: Page = 1,
            page_size: page_size(100) = 20):
    """Search products on agreements in force. Signed in as a district, each result carries the
    compliance verdict for that district."""
    from contracts.selectors.catalog import catalog_items, catalog_page

    page = max(1, page)
    entries, count = catalog_page(page=page, page_size=page_size, q=q, category=category,
                                  grade_band=grade_band, subject=subject,
                                  interoperability=interoperability, kind=kind)
    items = catalog_items(entries, district=district_acting(getattr(request, "actor", None)))
    return {"count": count, "page": page, "results": [catalog_item_out(i) for i in items]}


@router.get("/catalog/{product_id}", response=CatalogProductOut, auth=OPTIONAL_AUTH, exclude_unset=True)
@api_public
def catalog_product(request, product_id: Id):
    """One product: every agreement offering it with prices side by side, and (for a district)
    the full compliance verdict with its reasons."""
    from contracts.selectors.catalog import best_offer, catalog_items, catalog_search

    product = Product.objects.select_related("vendor").filter(pk=product_id, active=True).first()
    if product is None:
        raise Http404("No such product.")
    district = district_acting(getattr(request, "actor", None))
    items = catalog_items(list(catalog_search(product_id=product_id)), district=district)
    data = {"product_id": product.pk, "product": product.name, "vendor": product.vendor.legal_name,
            "offers": [catalog_item_out(i) for i in items]}
    if district is not None:
        from compliance.selectors.verdicts import compliance_check

        best = best_offer(items)
        verdict = compliance_check(district=district, product=product,
                                   agreement_id=best.agreement.pk if best else None).verdict
        data["verdict"] = {"verdict": verdict.verdict, "summary": verdict.summary,
                           "agreement": best.agreement.number if best else None,
                           "reasons": [r.as_dict() for r in verdict.reasons]}
    return data
