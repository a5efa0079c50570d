"""Background jobs of sourcing: computing an award plan (registered in SourcingConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sourcing.models import Solicitation
from sourcing.services import awards as award_services

# What the status page shows while the engine searches (money: the plan's total cost).
AWARD_PLAN_FIGURES = (("best", "Best cost so far", "money"), ("bound", "Lower bound", "money"),
                      ("gap", "Gap to the bound", "percent"))


def _gap(best: Any, bound: Any) -> float | None:
    if best in (None, 0) or bound is None:
        return None
    return max(0.0, (float(best) - float(bound)) / abs(float(best)))


def award_plan_job(ctx) -> None:
    """Compute and store the award plan of `params["solicitation_id"]` as the person who asked;
    the engine's best cost and bound are reported as they improve."""
    solicitation = Solicitation.objects.get(pk=ctx.params["solicitation_id"])
    ctx.progress("Reading the bids and the scores.", force=True)
    last: dict[str, Any] = {}

    def report(entry: dict[str, Any]) -> None:
        last.update(best=entry.get("best"), bound=entry.get("bound"), gap=_gap(entry.get("best"), entry.get("bound")))
        ctx.progress(f"The award engine is searching ({entry.get('event', 'search')}).", **last)

    solicitation, digest, plan = award_services.compute_plan(solicitation, ctx.actor, report)
    result = plan.engine_result or {}
    if result.get("total_cost") is not None:
        last.update(best=float(result["total_cost"]))
    ctx.progress("Storing the plan.", force=True, **last)
    status = str(result.get("status") or "").replace("_", " ")
    summary = (f"Award plan computed ({status}): review it before confirming." if status
               else "Award plan computed: review it before confirming.")
    if plan.problems:
        summary = "Award plan computed, not ready: " + " ".join(plan.problems)
    ctx.complete(apply=lambda: award_services.store_plan(solicitation, digest, plan, ctx.actor),
                 result_url=reverse("sourcing:manage", kwargs={"solicitation_id": solicitation.pk}) + "#award",
                 summary=summary)
