"""Job kinds for the tests (registered on import; a worker subprocess imports this module)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import ValidationError

from jobs.registry import SeriesChart, register
from orgs.models import Organisation

EFFECT = "tests.effect"
REFUSED = "tests.refused"
CRASH = "tests.crash"
CONVERGE = "tests.converge"


def effect_name(job_id: int) -> str:
    return f"effect of job {job_id}"


def run_effect(ctx) -> None:
    """Note each start in `started_file`, work for `seconds` (reporting), then create one
    organisation: the effect the tests count."""
    if ctx.params.get("started_file"):
        with open(ctx.params["started_file"], "a") as f:
            f.write(f"attempt {ctx.attempt}\n")
    seconds = float(ctx.params.get("seconds", 0))
    steps = int(seconds / 0.1)
    for step in range(steps):
        ctx.progress("Working", force=True, step=step + 1, steps=steps, best=1000.0 - step)
        time.sleep(0.1)
    ctx.complete(apply=lambda: Organisation.objects.create(
        kind="vendor", name=effect_name(ctx.job_id), slug=f"job-effect-{ctx.job_id}-{ctx.attempt}"),
        result_url="/", summary="One organisation created.")


def run_refused(ctx) -> None:
    raise ValidationError("The input was refused: nothing to do.")


def run_crash(ctx) -> None:
    raise RuntimeError("boom")


def run_converge(ctx) -> None:
    """Close a gap step by step (a point per step), asking whether to stop before each; stopped,
    store the best so far (an organisation named with it). `stop_after` steps: ask to stop then,
    as a person pressing the button would (through the service)."""
    from jobs import services
    from jobs.models import Job

    best, bound = 1000.0, 500.0
    for step in range(int(ctx.params.get("steps", 5))):
        if step == ctx.params.get("stop_after"):
            services.job_request_stop(job=Job.objects.get(pk=ctx.job_id), actor=ctx.actor)
        if ctx.stop_requested():
            break
        best, bound = best - 50, bound + 50
        ctx.point(seconds=step * 0.5, best=best, bound=bound)
        ctx.progress("Converging", force=True, best=best, bound=bound)
    ctx.complete(apply=lambda: Organisation.objects.create(
        kind="vendor", name=f"best {best:.0f}", slug=f"job-converge-{ctx.job_id}"), summary=f"Best {best:.0f}.")


register(EFFECT, label="Create one organisation (test)", run=run_effect,
         figures=(("best", "Best cost so far", "money"), ("step", "Step", "number")))
register(REFUSED, label="Refuse its input (test)", run=run_refused)
register(CRASH, label="Crash (test)", run=run_crash)
register(CONVERGE, label="Converge (test)", run=run_converge, stop_label="Stop and keep the best found",
         figures=(("best", "Best so far", "money"), ("bound", "Bound", "money")),
         chart=SeriesChart(title="Best and bound (test)", lines=(("best", "Best so far"), ("bound", "Bound")),
                           fmt="money"))


def started_attempts(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
