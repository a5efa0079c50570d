"""A job as pages and the API show it: state label, elapsed time, labelled figures, the chart of
its series (if its kind draws one) and whether it can be stopped early."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from django.contrib.humanize.templatetags.humanize import intcomma

from core.charts import Chart, Series, line_chart, plain
from core.number_format import money
from jobs.models import Job, JobState
from jobs.registry import SeriesChart, kind_figures, kind_label, kind_spec


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


def seconds_text(seconds: Any) -> str:
    return f"{float(seconds):,.1f} s"


@dataclass
class JobView:
    job: Job
    label: str
    state_label: str
    elapsed: str
    figures: list[tuple[str, str]]
    chart: Optional[Chart] = None
    stop_label: str = ""  # the kind can stop early and keep what it found
    file_private: bool = False  # its file goes to the person who asked alone (jobs.registry)

    @property
    def active(self) -> bool:
        return self.job.active

    @property
    def failed(self) -> bool:
        return self.job.state == JobState.FAILED

    @property
    def stop_requested(self) -> bool:
        return self.job.stop_requested_at is not None

    @property
    def actions_key(self) -> str:
        """What the page's buttons depend on: "running-go", "running-stopping", "done-go"..."""
        return f"{self.job.state}-{'stopping' if self.stop_requested else 'go'}"

    @property
    def can_stop(self) -> bool:
        """A running job of a kind that keeps a partial result, not yet asked to stop."""
        return bool(self.stop_label) and self.job.state == JobState.RUNNING and not self.stop_requested


def job_figures(job: Job) -> list[tuple[str, str]]:
    progress = job.progress or {}
    return [(label, format_figure(progress.get(key), kind)) for key, label, kind in kind_figures(job.kind)
            if key in progress]


def job_series(job: Job) -> list[dict[str, Any]]:
    """The points the job kept (jobs.series), as stored with its progress."""
    series = (job.progress or {}).get("series")
    return [p for p in series if isinstance(p, dict) and "seconds" in p] if isinstance(series, list) else []


def _floor(values: list[float]) -> float:
    """Where the value axis starts: a little below the lowest value, rounded down, so lines that
    run close together (a cost and its bound) are told apart; zero when they are far apart."""
    low, high = min(values), max(values)
    if low <= 0 or high - low > low:
        return 0.0
    pad = max((high - low) * 0.15, abs(high) * 0.0005)
    step = 10 ** max(len(str(int(pad))) - 1, 0)
    return max(0.0, (low - pad) // step * step)


def series_chart(job: Job, spec: SeriesChart) -> Optional[Chart]:
    """The job's series as a line chart (None before its first point)."""
    points = job_series(job)
    if not points:
        return None
    fmt = money if spec.fmt == "money" else plain
    series = [Series(label, [p.get(key) for p in points]) for key, label in spec.lines]
    values = [float(v) for s in series for v in s.values if v is not None]
    if not values:
        return None
    summary = spec.summary(points, not job.active) if spec.summary else (
        f"{len(points)} point{'s' if len(points) != 1 else ''} over {seconds_text(points[-1]['seconds'])}.")
    return line_chart(title=spec.title, summary=summary, x_values=[p["seconds"] for p in points],
                      series=series, fmt=fmt, x_fmt=seconds_text, x_header="Elapsed",
                      y_floor=_floor(values), key=f"job-{job.pk}-chart", step=True)


def job_view(job: Job) -> JobView:
    spec = kind_spec(job.kind)
    chart = series_chart(job, spec.chart) if spec is not None and spec.chart is not None else None
    return JobView(job=job, label=kind_label(job.kind), state_label=JobState(job.state).label,
                   elapsed=elapsed_text(job.elapsed_seconds), figures=job_figures(job), chart=chart,
                   stop_label=spec.stop_label if spec is not None else "",
                   file_private=spec.file_private if spec is not None else False)
