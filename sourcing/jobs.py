"""Background jobs of sourcing: computing an award plan (registered in SourcingConfig.ready).

While the engine searches, the job reports its best cost, lower bound and gap, and keeps each of
the engine's trace points (seconds, best, bound) for the convergence chart of its status page.
Someone may stop it early ("Stop and keep the best award found"): the engine then ends as at its
time limit and the plan is stored as usual, with status "stopped" and its honest gap; if it had
found no award yet, the job fails and stores nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from core.number_format import money
from jobs.registry import SeriesChart
from sourcing.models import Solicitation
from sourcing.services import awards as award_services

# What the status page shows while the engine searches (money: the plan's total cost).
AWARD_PLAN_FIGURES = (("best", "Best cost so far", "money"), ("bound", "Lower bound", "money"),
                      ("gap", "Gap to the bound", "percent"))
STOP_LABEL = "Stop and keep the best award found"


def _gap(best: Any, bound: Any) -> float | None:
    if best in (None, 0) or bound is None:
        return None
    return max(0.0, (float(best) - float(bound)) / abs(float(best)))


def gap_words(gap: float | None) -> str:
    if gap is None:
        return ""
    percent = gap * 100
    return "0%" if percent == 0 else ("under 0.001%" if percent < 0.001 else f"{percent:.3f}".rstrip("0").rstrip(".") + "%")


def convergence_summary(points: list[dict[str, Any]], ended: bool) -> str:
    """The chart in one sentence: where the best cost and the bound are, and how close."""
    last = points[-1]
    best, bound = last.get("best"), last.get("bound")
    when = f"{'At the end' if ended else 'So far'}, after {last['seconds']:,.1f} s"
    if best is None and bound is None:
        return f"{when}, the engine has neither an award nor a bound yet."
    if best is None:
        return f"{when}, no award is found yet; no award can cost less than {money(bound)}."
    if bound is None:
        return f"{when}, the best award costs {money(best)}; no lower bound is proven yet."
    return (f"{when}, the best award costs {money(best)} and no award can cost less than "
            f"{money(bound)}: it is proven within {gap_words(_gap(best, bound))} of the cheapest possible.")


AWARD_PLAN_CHART = SeriesChart(title="The engine's best cost and lower bound while it searches",
                               lines=(("best", "Best cost so far"), ("bound", "Lower bound")),
                               fmt="money", summary=convergence_summary)


# The engine's trace names its steps for developers ("pattern pool", "lagrangian bound", ...);
# the person watching is told what the step means for them.
_BOUND_STEPS = {"lagrangian bound", "restricted search bound", "branch-and-price bound", "enumeration bound"}


def engine_step(event: str | None) -> str:
    """The progress line for one step of the engine's trace, in plain words."""
    if event in _BOUND_STEPS:
        return "The award engine is proving how low any award could go."
    if event == "baseline":
        return "The award engine is starting from the simple award rules' results."
    return "The award engine is searching for cheaper awards that keep every rule."


def award_plan_job(ctx) -> None:
    """Compute and store the award plan of `params["solicitation_id"]` as the person who asked;
    the engine's best cost and bound are reported as they improve, and kept for the chart."""
    solicitation = Solicitation.objects.get(pk=ctx.params["solicitation_id"])
    ctx.progress("Reading the bids and the scores.", force=True)
    last: dict[str, Any] = {}

    def report(entry: dict[str, Any]) -> None:
        last.update(best=entry.get("best"), bound=entry.get("bound"), gap=_gap(entry.get("best"), entry.get("bound")))
        ctx.point(seconds=entry.get("seconds") or 0.0, best=entry.get("best"), bound=entry.get("bound"))
        ctx.progress(engine_step(entry.get("event")), **last)

    solicitation, digest, plan = award_services.compute_plan(solicitation, ctx.actor, report,
                                                             should_stop=ctx.stop_requested)
    result = plan.engine_result or {}
    status = str(result.get("status") or "")
    if status == "unknown" and ctx.stop_requested():
        # Stopped (or cancelled) before the engine found any award: nothing to keep.
        ctx.progress("Stopped before any award was found.", force=True, **last)
        raise ValidationError("Stopped before the award engine found any award that meets the rules, "
                              "so nothing was stored. Compute the plan again and let it search longer.")
    if result.get("total_cost") is not None:
        final = {"best": float(result["total_cost"]),
                 "bound": float(result["lower_bound"]) if result.get("lower_bound") is not None else last.get("bound")}
        last.update(final, gap=result.get("relative_gap"))
        ctx.point(seconds=result.get("solve_seconds") or 0.0, **final)
    ctx.progress("Storing the plan.", force=True, **last)
    if status == "stopped":
        summary = (f"Award plan computed, stopped early on request: proven within "
                   f"{gap_words(result.get('relative_gap')) or 'an unknown margin'} of the cheapest possible. "
                   f"Review it before confirming.")
    elif status:
        summary = f"Award plan computed ({status.replace('_', ' ')}): review it before confirming."
    else:
        summary = "Award plan computed: review it before confirming."
    if plan.problems:
        summary = "Award plan computed, not ready: " + " ".join(plan.problems)
    ctx.complete(apply=lambda: award_services.store_plan(solicitation, digest, plan, ctx.actor),
                 result_url=reverse("sourcing:manage", kwargs={"solicitation_id": solicitation.pk}) + "#award",
                 summary=summary)
