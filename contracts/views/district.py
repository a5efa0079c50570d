"""District buyers and approvers: dashboard, mini-competitions, joining agreements."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import APPROVER, BUYER, EVALUATOR
from contracts.selectors.left_out import left_out
from contracts.forms import DecideForm, JoinForm, ReasonForm
from contracts.models import MiniCompetition
from contracts.selectors.agreements import current_schedule, schedule_rows
from contracts.selectors.participation import (RENEWAL_WINDOW_DAYS, competition_for_actor,
                                               competitions_of_district,
                                               join_requirements, multi_award_agreements,
                                               participation_for_actor, participations_of_district,
                                               upcoming_ends)
from contracts.services import participation as services
from contracts.states import AwardKind
from contracts.views.common import get_agreement
from core.limits import parse_id, parse_money
from core.views import run_service, submit_form
from members.selectors import district_for_actor, district_is_member, membership_current
from sourcing.models import Solicitation


@roles(BUYER, APPROVER, EVALUATOR)
def dashboard(request):
    district = district_for_actor(request.actor)
    participations = list(participations_of_district(district))
    return render(request, "contracts/dashboard.html", {
        "district": district, "participations": participations,
        "upcoming": upcoming_ends(participations), "window_days": RENEWAL_WINDOW_DAYS,
        "competitions": competitions_of_district(district)})


@roles(BUYER)
def join(request, agreement_id: int):
    district = district_for_actor(request.actor)
    agreement = get_agreement(request, agreement_id)
    value = None
    if request.method == "POST":
        try:
            value = parse_money(request.POST.get("estimated_value") or "0", field="estimated_value")
        except ValidationError:
            value = None  # the form names the problem
    needs = join_requirements(district=district, agreement=agreement, annual_value=value)
    competitions = [c for c in competitions_of_district(district)
                    if c.state == MiniCompetition.State.DECIDED and c.chosen_agreement_id == agreement.pk]
    products = [(e.product_id, e.product.name)
                for e in current_schedule(agreement).entries.select_related("product").order_by("line_reference")]
    form = JoinForm(request.POST or None, confirmations=needs.confirmations, products=products)
    def prepared(participation) -> str:
        if participation.dpa_joinder:
            joined = " and adopted the vendor's data privacy agreement (joinder)"
        elif needs.dpas_in_force:
            joined = ("; your district's data privacy agreement already covers it ("
                      + "; ".join(d["label"] for d in needs.dpas_in_force) + ")")
        else:
            joined = ""
        nxt = ("your approver must approve it, then the vendor countersigns" if participation.needs_approval
               else "the vendor countersigns next")
        return f"Participation agreement prepared{joined}; {nxt}."

    if request.method == "POST":
        done = submit_form(request, form, lambda: services.participation_join(
            district=district, agreement=agreement, estimated_value=form.cleaned_data["estimated_value"],
            confirmed_steps=form.confirmed_steps(), mini_competition=competitions[0] if competitions else None,
            board_finding_on=form.cleaned_data.get("board_finding_on"),
            board_finding_reference=form.cleaned_data.get("board_finding_reference") or "",
            prior_prices=form.prior_prices(), actor=request.actor), success=prepared, redirect_to="contracts:dashboard")
        if done:
            return done
    is_member = district_is_member(district)
    return render(request, "contracts/join.html", {
        "a": agreement, "district": district, "needs": needs, "form": form,
        "is_member": is_member, "membership": None if is_member else membership_current(district=district),
        "competition": competitions[0] if competitions else None,
        "needs_competition": agreement.award_kind == AwardKind.MULTI_AWARD,
        "rows": schedule_rows(agreement)}, status=400 if form.errors else 200)


@roles(BUYER)
def competition_new(request, solicitation_id: int):
    district = district_for_actor(request.actor)
    solicitation = get_object_or_404(Solicitation, pk=solicitation_id)
    agreements = multi_award_agreements(solicitation, serving=district.state)
    lines = list(solicitation.lines.all())
    errors = None
    if request.method == "POST":
        quantities = {}
        for line in lines:
            raw = request.POST.get(f"q-{line.position}", "").strip()
            if raw:
                quantities[line.reference] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else raw
        try:
            competition = services.minicompetition_start(
                district=district, solicitation=solicitation, quantities=quantities,
                price_weight=request.POST.get("price_weight") or 60, actor=request.actor)
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect("contracts:competition", competition_id=competition.pk)
    return render(request, "contracts/competition_new.html", {
        "s": solicitation, "lines": lines, "agreements": agreements, "errors": errors},
        status=400 if errors else 200)


@roles(BUYER, APPROVER)
def competition(request, competition_id: int):
    competition = competition_for_actor(competition_id=competition_id, actor=request.actor)
    scores = list(competition.scores.select_related("agreement__vendor").order_by("-price_score"))
    return render(request, "contracts/competition.html", {
        "c": competition, "scores": scores, "quotes": competition.quotes.select_related("agreement__vendor"),
        "left_out": left_out(competition),
        "decide_form": DecideForm(agreements=[s.agreement for s in scores]),
        "ceiling": 100 - competition.price_weight})


@roles(BUYER)
@require_POST
def competition_action(request, competition_id: int, action: str):
    competition = competition_for_actor(competition_id=competition_id, actor=request.actor)
    try:
        chosen = parse_id(request.POST.get("agreement"), field="agreement")
    except ValidationError:
        chosen = None
    agreement = competition.scores.filter(agreement_id=chosen).first() if chosen else None

    def act():
        if agreement is None:
            raise ValidationError("Choose a vendor of this mini-competition.")
        if action == "score":
            services.minicompetition_score(competition=competition, agreement=agreement.agreement,
                                           other_score=request.POST.get("other_score", ""),
                                           notes=request.POST.get("notes", ""), actor=request.actor)
        elif action == "quote":
            services.quote_request(competition=competition, agreement=agreement.agreement,
                                   message=request.POST.get("message", ""), actor=request.actor)
        elif action == "decide":
            services.minicompetition_decide(competition=competition, agreement=agreement.agreement,
                                            reasons=request.POST.get("reasons", ""), actor=request.actor)
        else:
            raise Http404

    return run_service(request, act, success=lambda _: COMPETITION_DONE[action],
                       redirect_to=reverse("contracts:competition", kwargs={"competition_id": competition.pk}))


COMPETITION_DONE = {"score": "Score saved.", "quote": "Quote requested from the vendor.",
                    "decide": "Choice recorded. You can now join the chosen agreement."}


@roles(APPROVER)
@require_POST
def participation_approve(request, participation_id: int):
    participation = participation_for_actor(participation_id=participation_id, actor=request.actor)
    return run_service(request, lambda: services.participation_approve(participation=participation,
                                                                       actor=request.actor),
                       success="Approved; the vendor countersigns next.", redirect_to="contracts:dashboard")


@roles(BUYER, APPROVER)
@require_POST
def participation_withdraw(request, participation_id: int):
    participation = participation_for_actor(participation_id=participation_id, actor=request.actor)
    form = ReasonForm(request.POST)
    return run_service(request, lambda: services.participation_withdraw(
        participation=participation, reason=form.cleaned_data["reason"], actor=request.actor),
        success="Participation withdrawn.", redirect_to="contracts:dashboard",
        form=form, invalid="Give the reason.")
