"""Evaluators: the conflict-of-interest declaration, then independent scores."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from sourcing.services.evaluation import ScoreCell, declaration_sign, score_record, scores_record, seat_of
from core.forms_errors import flash_error
from core.views import run_service, submit_form
from sourcing.views.score_grid import grid_cells, grid_errors, score_grid
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
    context = _page_context(request, solicitation, seat, form=form, declaration_closed=declaration_closed)
    return render(request, "sourcing/evaluate.html", context,
                  status=400 if form is not None and form.errors else 200)


def _page_context(request, solicitation, seat, *, form=None, declaration_closed=None,
                  posted=None, errors=None) -> dict:
    pending = seat.declaration == seat.Declaration.PENDING
    context = {"s": solicitation, "seat": seat, "form": form, "state": effective_state(solicitation),
               "declaration_closed": declaration_closed,
               "declared": [] if pending else selectors.declared_bidders(seat),
               "refusal": selectors.bid_reading_refusal(solicitation, request.actor)}
    if seat.may_see_proposals and not context["refusal"]:
        context["evaluations"] = selectors.evaluation(solicitation=solicitation, actor=request.actor,
                                                      include_evaluator_scores=False,
                                                      purpose="evaluator's scoring page")
        context["criteria"] = [c for c in solicitation.criteria.all() if not c.is_price]
        context["grid"] = score_grid(context["evaluations"], context["criteria"],
                                     selectors.my_scores(seat=seat), posted=posted, errors=errors)
    return context


@roles(EVALUATOR)
@require_POST
def scores_save(request, solicitation_id: int):
    """The scoring grid's one save: every cell typed, all or nothing."""
    solicitation = get_solicitation(request, solicitation_id)
    seat = seat_of(request.actor, solicitation)
    if seat is None:
        raise PermissionDenied("You are not seated on this solicitation's evaluation committee.")
    context = _page_context(request, solicitation, seat)
    if "grid" not in context:
        messages.error(request, context["refusal"] or "Sign your conflict-of-interest declaration first.")
        return redirect(_evaluate_url(solicitation))
    typed = grid_cells(context["grid"], request.POST)
    bids = Bid.objects.filter(solicitation=solicitation).in_bulk([bid_id for bid_id, _, _, _ in typed])
    criteria = {c.pk: c for c in context["criteria"]}
    cells = [ScoreCell(bid=bids[bid_id], criterion=criteria[criterion_id], points=points, comment=comment)
             for bid_id, criterion_id, points, comment in typed]
    try:
        saved = scores_record(solicitation=solicitation, cells=cells, actor=request.actor)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            flash_error(request, exc)
            return redirect(_evaluate_url(solicitation))
        context["grid"] = score_grid(context["evaluations"], context["criteria"], selectors.my_scores(seat=seat),
                                     posted=request.POST, errors=exc.message_dict)
        context["grid_errors"] = grid_errors(context["grid"])
        return render(request, "sourcing/evaluate.html", context, status=400)
    messages.success(request, f"{len(saved)} score{'' if len(saved) == 1 else 's'} saved."
                     if saved else "Nothing to save: type a score in at least one cell.")
    return redirect(_evaluate_url(solicitation))


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
