"""A job's series of points (e.g. the award engine's best cost and bound against seconds), kept
bounded: at most SERIES_MAX points, the older ones thinned evenly so the whole run stays drawn.

Pure: imports no Django (the runner keeps the list; the status page and the API show it)."""

from __future__ import annotations

import math
from typing import Any, Optional

SERIES_MAX = 200  # points kept at most
KEEP_RECENT = 20  # the latest points are never thinned (the live end of the chart)

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
    last is moved to the last one's time. Over `limit`, the older points are thinned evenly in
    time: the one whose neighbours are closest together goes (the first point and the latest
    KEEP_RECENT always stay), so a long run keeps its whole shape at an even resolution."""
    at = _number(seconds) or 0.0
    if points and at < (points[-1]["seconds"] or 0.0):
        at = points[-1]["seconds"] or 0.0
    points.append({"seconds": round(max(at, 0.0), 3), **{key: _number(v) for key, v in values.items()}})
    while len(points) > max(limit, 3):
        last_old = len(points) - 1 - min(KEEP_RECENT, limit // 2)  # candidates: 1 .. last_old
        if last_old < 1:
            del points[1]
            continue
        times = [p["seconds"] or 0.0 for p in points]
        drop = min(range(1, last_old + 1), key=lambda i: (times[i + 1] - times[i - 1], i))
        del points[drop]
    return points
