"""A job's series of points (e.g. the award engine's best cost and bound against seconds), kept
bounded: at most SERIES_MAX points, the older ones thinned evenly so the whole run stays drawn.

Pure: imports no Django (the runner keeps the list; the status page and the API show it)."""

from __future__ import annotations

import math
from typing import Any, Optional

SERIES_MAX = 200  # points kept at most
KEEP_RECENT = 50  # the latest points are never thinned (the live end of the chart)

Point = dict[str, Optional[float]]  # {"seconds": 1.25, "best": 1234.5, "bound": 1200.0}


def _number(value: Any) -> Optional[float]:
    """A finite float, or None (an infinite bound, NaN, or nothing)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def add_point(points: list[Point], *, seconds: Any, limit: int = SERIES_MAX, **values: Any) -> list[Point]:
    """Append a point (in place; returned too). Seconds never go back: a point earlier than the
    last is moved to the last one's time. Over `limit`, every second point older than the latest
    KEEP_RECENT is dropped (the first one stays), so old stretches thin out evenly."""
    at = _number(seconds) or 0.0
    if points and at < (points[-1]["seconds"] or 0.0):
        at = points[-1]["seconds"] or 0.0
    points.append({"seconds": round(max(at, 0.0), 3), **{key: _number(v) for key, v in values.items()}})
    if len(points) > limit:
        recent = min(KEEP_RECENT, limit // 2)
        old, latest = points[:-recent], points[-recent:]
        points[:] = old[::2] + latest
    return points
