"""The engine reports its progress as it searches (a live status page shows best cost and bound)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from awards.engine.solve import solve

EXAMPLE = Path(__file__).resolve().parents[1] / "engine" / "examples" / "chromebooks.json"


def test_every_improvement_is_reported_as_it_happens():
    seen = []
    result = solve(json.loads(EXAMPLE.read_text()), time_limit=5, on_progress=seen.append)
    trace = result.stats["trace"]
    assert seen and seen == trace
    assert {"seconds", "event", "best", "bound"} <= set(seen[-1])
    assert seen[-1]["best"] == pytest.approx(float(result.to_dict()["total_cost"]), abs=0.01)


def test_an_error_in_the_callback_stops_the_search():
    def stop(entry):
        raise KeyboardInterrupt("cancelled")

    with pytest.raises(KeyboardInterrupt):
        solve(json.loads(EXAMPLE.read_text()), time_limit=5, on_progress=stop)
