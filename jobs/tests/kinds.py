"""Job kinds for the tests (registered on import; a worker subprocess imports this module)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import ValidationError

from jobs.registry import register
from orgs.models import Organisation

EFFECT = "tests.effect"
REFUSED = "tests.refused"
CRASH = "tests.crash"


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


register(EFFECT, label="Create one organisation (test)", run=run_effect,
         figures=(("best", "Best cost so far", "money"), ("step", "Step", "number")))
register(REFUSED, label="Refuse its input (test)", run=run_refused)
register(CRASH, label="Crash (test)", run=run_crash)


def started_attempts(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
