"""Evaluators: my committee seats, declarations to sign, scores still to give, deadlines.
Only the evaluator's own seats (for the district they act for); never a bid's content."""

from __future__ import annotations

from django.urls import reverse

from accounts.acting import Actor
from edpool.workspaces.panels import Item, Panel, Workspace
from sourcing.worklists import SeatWork, seats_of_evaluator


def _label(work: SeatWork) -> str:
    return f"{work.seat.solicitation.number}: {work.seat.solicitation.title}"


def _url(work: SeatWork) -> str:
    return reverse("sourcing:evaluate", args=[work.seat.solicitation_id])


def _next(work: SeatWork) -> str:
    if work.must_declare:
        return "Sign your conflict-of-interest declaration"
    if work.scores_missing:
        return f"Give {work.scores_missing} more score{'s' if work.scores_missing != 1 else ''}"
    if not work.seat.solicitation.bids_opened():
        return "Wait for the bids to open, then declare and score"
    return "Nothing to do: the committee records its consensus"


def seats(work: list[SeatWork]) -> Panel:
    return Panel("seats", "My committee seats", [
        Item(label=_label(w), url=_url(w), action=_next(w), state=w.stage.state_label,
             detail=w.seat.get_declaration_display()) for w in work],
        empty="You sit on no evaluation committee in progress.", see_all_url=reverse("sourcing:list"),
        see_all_label="All solicitations")


def declarations(work: list[SeatWork]) -> Panel:
    rows = [w for w in work if w.must_declare]
    return Panel("declarations", "Declarations to sign", [
        Item(label=_label(w), url=_url(w),
             action="Declare, bidder by bidder, whether you have a relationship with any of them",
             when=w.seat.solicitation.bids_open_at, when_label="Bids opened", urgent=True) for w in rows],
        empty="No declaration waits for your signature.")


def scores(work: list[SeatWork]) -> Panel:
    rows = [w for w in work if w.scores_missing]
    return Panel("scores", "Scores still to give", [
        Item(label=_label(w), url=_url(w), action=_next(w),
             detail=f"{w.scores_given} of {w.scores_expected} scores given") for w in rows],
        empty=("Sign your declaration first: the scores to give appear here then."
               if any(w.must_declare for w in work) else "No score waits for you."))


def deadlines(work: list[SeatWork]) -> Panel:
    rows = sorted((w for w in work if w.stage.next_at is not None), key=lambda w: w.stage.next_at)
    return Panel("deadlines", "Deadlines", [
        Item(label=_label(w), url=reverse("sourcing:detail", args=[w.seat.solicitation_id]),
             when=w.stage.next_at, when_label=w.stage.next_step, state=w.stage.state_label) for w in rows],
        empty="No date ahead on your committees.")


def build(actor: Actor) -> Workspace:
    work = seats_of_evaluator(user=actor.user, organisation=actor.organisation)
    return Workspace("evaluator", "Your evaluation work",
                     "Your seats on the consortium's evaluation committees and what each still needs.",
                     [seats(work), declarations(work), scores(work), deadlines(work)])
