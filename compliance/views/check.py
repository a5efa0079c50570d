"""The check page (one verdict with its reasons) and recorded decisions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import DISTRICT_ROLES, JOINERS, STAFF
from compliance.forms import CheckForm, RecordForm
from compliance.models import ComplianceDecision
from compliance.selectors.evidence import joinders_of_district
from compliance.selectors.rules import decision_get_for_actor, decisions_of_district
from compliance.selectors.verdicts import compliance_check
from compliance.services.decisions import compliance_decision_record
from compliance.views.common import own_district
from core.forms_errors import form_errors_from
from core.views import submit_form
from members.fields import district_pick_label


def _inputs(form, district) -> dict:
    data = form.cleaned_data
    return {"district": district or data["district"], "product": data["product"],
            "award_kind": data.get("award_kind") or None, "annual_value": data.get("annual_value"),
            "on_date": data.get("on_date")}


@roles(STAFF, *DISTRICT_ROLES)
def check(request):
    district = own_district(request)
    form = CheckForm(request.GET or None, own_district=district)
    result = record_form = None
    offers_to_adopt = []
    if form.is_bound and form.is_valid():
        try:
            result = compliance_check(**_inputs(form, district))
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            data = form.cleaned_data
            record_form = RecordForm(own_district=district, initial={
                "district": district_pick_label(result.district), "product": result.product.pk,
                "award_kind": data.get("award_kind") or "", "annual_value": data.get("annual_value"),
                "on_date": data.get("on_date")})
            adopted = joinders_of_district(result.district)
            if request.actor.role in JOINERS:
                offers_to_adopt = [e for r in result.verdict.steps for e in r.evidence
                                   if e.kind == "general_offer" and e.id not in adopted]
    return render(request, "compliance/check.html", {
        "form": form, "result": result, "record_form": record_form, "district": district,
        "offers_to_adopt": offers_to_adopt,
        "decisions": decisions_of_district(district)[:20] if district else None},
        status=400 if form.errors else 200)


@roles(STAFF, *JOINERS)
@require_POST
def decision_record(request):
    district = own_district(request)
    form = RecordForm(request.POST, own_district=district)
    done = submit_form(request, form, lambda: compliance_decision_record(
        purpose=form.cleaned_data["purpose"], actor=request.actor, **_inputs(form, district)),
        success=lambda decision: f"Decision #{decision.pk} recorded.",
        redirect_to=lambda decision: reverse("compliance:decision", kwargs={"decision_id": decision.pk}))
    if done:
        return done
    return render(request, "compliance/check.html", {
        "form": CheckForm(own_district=district), "record_form": form, "district": district,
        "result": None, "offers_to_adopt": []}, status=400)


@roles(STAFF, *DISTRICT_ROLES)
def decision(request, decision_id: int):
    try:
        decision = decision_get_for_actor(decision_id=decision_id, actor=request.actor)
    except ComplianceDecision.DoesNotExist:
        raise Http404
    versions = decision.rule_versions.select_related("rule").order_by("rule__rule_id")
    return render(request, "compliance/decision.html", {
        "decision": decision, "versions": versions, "today": timezone.localdate()})
