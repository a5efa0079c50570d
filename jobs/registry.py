"""Kinds of job, each registered by the app that owns the work, in its AppConfig.ready:

    from jobs.registry import register
    register("sourcing.award_plan", label="Compute the award plan", run=award_plan_job)

`run(ctx)` receives a `jobs.runner.JobContext`: the job's params, the actor who asked, `progress()`
to report figures and `complete()` to store the result together with the job's end. The jobs app
sits below the apps that register, so it never imports them: it looks the kind up here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:  # pragma: no cover
    from jobs.models import Job
    from jobs.runner import JobContext


@dataclass(frozen=True)
class SeriesChart:
    """How the status page draws the points a job keeps (`JobContext.point`): a line per value."""
    title: str  # "Best cost and lower bound while the engine searches"
    lines: tuple[tuple[str, str], ...]  # (key of the point's value, label), e.g. ("best", "Best cost so far")
    fmt: str = "number"  # "money" | "number": the values and the axis
    # One sentence for the chart's summary from the points so far and whether the job is over.
    summary: Optional[Callable[[list[dict[str, Any]], bool], str]] = None


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: str  # for people: "Compute the award plan"
    run: Callable[["JobContext"], None]
    # The progress figures the status page shows, in order: (key, label, "money" | "number" | "percent").
    figures: tuple[tuple[str, str, str], ...] = ()
    # A kind whose work can stop early and keep what it found names the button, e.g. "Stop and
    # keep the best award found" (JobContext.stop_requested); others can only be cancelled.
    stop_label: str = ""
    chart: Optional[SeriesChart] = None
    # The file the job produces goes to the person who asked alone (not to staff who may see the
    # job), under the name `file_name(job)` gives (default: the stored file's name).
    file_private: bool = False
    file_name: Optional[Callable[["Job"], str]] = None


_KINDS: dict[str, JobKind] = {}


def register(kind: str, *, label: str, run: Callable[["JobContext"], None],
             figures: tuple[tuple[str, str, str], ...] = (), stop_label: str = "",
             chart: Optional[SeriesChart] = None, file_private: bool = False,
             file_name: Optional[Callable[["Job"], str]] = None) -> JobKind:
    existing = _KINDS.get(kind)
    if existing is not None and existing.run is not run:
        raise ValueError(f"Job kind {kind!r} is already registered.")
    _KINDS[kind] = JobKind(kind=kind, label=label, run=run, figures=figures, stop_label=stop_label,
                           chart=chart, file_private=file_private, file_name=file_name)
    return _KINDS[kind]


def job_kind(kind: str) -> JobKind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"No job kind {kind!r} is registered (see jobs.registry).") from None


def kind_label(kind: str) -> str:
    spec = _KINDS.get(kind)
    return spec.label if spec else kind


def kind_figures(kind: str) -> tuple[tuple[str, str, str], ...]:
    spec = _KINDS.get(kind)
    return spec.figures if spec else ()


def kind_spec(kind: str) -> Optional[JobKind]:
    """The registered kind, or None (a job of a kind no longer registered still shows)."""
    return _KINDS.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_KINDS)
