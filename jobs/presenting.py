"""A job as pages and the API show it: state label, elapsed time, labelled figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from django.contrib.humanize.templatetags.humanize import intcomma

from jobs.models import Job, JobState
from jobs.registry import kind_figures, kind_label


def format_figure(value: Any, kind: str) -> str:
    if value is None:
        return "not yet"
    if kind == "money":
        amount = float(value)
        text = "$" + intcomma(f"{abs(amount):.2f}")
        return "-" + text if amount < 0 else text
    if kind == "percent":
        return f"{float(value) * 100:.2f}%"
    return intcomma(value)


def elapsed_text(seconds: Optional[float]) -> str:
    if seconds is None:
        return "not started"
    seconds = int(seconds)
    minutes, secs = divmod(seconds, 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


@dataclass
class JobView:
    job: Job
    label: str
    state_label: str
    elapsed: str
    figures: list[tuple[str, str]]

    @property
    def active(self) -> bool:
        return self.job.active

    @property
    def failed(self) -> bool:
        return self.job.state == JobState.FAILED


def job_figures(job: Job) -> list[tuple[str, str]]:
    progress = job.progress or {}
    return [(label, format_figure(progress.get(key), kind)) for key, label, kind in kind_figures(job.kind)
            if key in progress]


def job_view(job: Job) -> JobView:
    return JobView(job=job, label=kind_label(job.kind), state_label=JobState(job.state).label,
                   elapsed=elapsed_text(job.elapsed_seconds), figures=job_figures(job))
