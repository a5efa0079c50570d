"""Evaluators: the conflict-of-interest declaration, then independent scores."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import EVALUATOR
from sourcing import selectors
from sourcing.forms import DeclarationForm, ScoreForm
from sourcing.lifecycle import effective_state
from sourcing.models import Bid, Criterion
from sourcing.services.evaluation import declaration_sign, score_record, seat_of
from core.views import run_service, submit_form
from sourcing.views.common import get_solicitation


def _evaluate_url(solicitation) -> str:
    return reverse("sourcing:evaluate", kwargs={"solicitation_id": solicitation.pk})


@roles(EVALUATOR)
def evaluate(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    seat = seat_of(request.actor, solicitation)
    if seat is None:
        raise PermissionDenied("You are not seated on this solicitation's evaluation committee.")
    pending = seat.declaration == seat.Declaration.PENDING
    declaration_closed = selectors.declaration_refusal(solicitation) if pending else None
    form = None
    if pending and not declaration_closed:
        bidders = selectors.declaration_bidders(solicitation=solicitation, actor=request.actor)
        form = DeclarationForm(request.POST if request.method == "POST" else None, bidders=bidders)
        if request.method == "POST":
            done = submit_form(request, form, lambda: declaration_sign(
                solicitation=solicitation, relationships=form.relationships(), actor=request.actor),
                success="Declaration signed.", redirect_to=_evaluate_url(solicitation))
            if done:
                return done
    elif request.method == "POST":
        messages.error(request, declaration_closed or "You have already signed your declaration.")
        return redirect(_evaluate_url(solicitation))
    context = {"s": solicitation, "seat": seat, "form": form, "state": effective_state(solicitation),
               "declaration_closed": declaration_closed,
               "declared": [] if pending else selectors.declared_bidders(seat),
               "refusal": selectors.bid_reading_refusal(solicitation, request.actor)}
    if seat.may_see_proposals and not context["refusal"]:
        context["evaluations"] = selectors.evaluation(solicitation=solicitation, actor=request.actor,
                                                      include_evaluator_scores=False,
                                                      purpose="evaluator's scoring page")
        context["criteria"] = [c for c in solicitation.criteria.all() if not c.is_price]
        context["mine"] = {(bid_id, crit_id): score
                           for (bid_id, crit_id), score in selectors.my_scores(seat=seat).items()}
    return render(request, "sourcing/evaluate.html", context,
                  status=400 if form is not None and form.errors else 200)


@roles(EVALUATOR)
@require_POST
def score(request, solicitation_id: int, bid_id: int, criterion_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    bid = Bid.objects.filter(pk=bid_id, solicitation=solicitation).first()
    criterion = Criterion.objects.filter(pk=criterion_id, solicitation=solicitation).first()
    if bid is None or criterion is None:
        raise Http404
    form = ScoreForm(request.POST)
    return run_service(request, lambda: score_record(
        solicitation=solicitation, bid=bid, criterion=criterion, points=form.cleaned_data["points"],
        comment=form.cleaned_data["comment"], actor=request.actor),
        success="Score saved.", redirect_to=_evaluate_url(solicitation), form=form,
        invalid="Give a score from 0 to 10.")
