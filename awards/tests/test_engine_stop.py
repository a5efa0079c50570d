"""Stopping the search early: the engine ends as at its time limit, keeping the best award found
with its proven bound and gap, and says it was stopped (not that time ran out)."""

from __future__ import annotations

import time

from awards.engine import parse_problem, solve, violations
from awards.engine.highs import stop_check, stopped
from awards.engine.search import StopRequest
from bench.generate import SIZES, generate

# Big enough that the engine does not close its gap in the first second (300 items, 30 vendors,
# a 7% share cap): without a stop it searches for many seconds.
PROBLEM = generate(SIZES["300x30x4"], seed=1)


def test_a_stop_request_ends_the_search_with_a_feasible_award_and_its_gap():
    asked = []

    def should_stop() -> bool:
        asked.append(time.monotonic())
        return True

    started = time.monotonic()
    result = solve(PROBLEM, time_limit=60, should_stop=should_stop)
    took = time.monotonic() - started
    assert result.status == "stopped" and "Stopped early on request" in result.message
    assert result.allocations and not violations(parse_problem(PROBLEM), result.award)
    # The proven bound and the honest gap come with it (the first column-generation round gives
    # the bound before the first check).
    assert result.lower_bound is not None and result.lower_bound <= result.total_cost
    assert 0 < result.relative_gap < 0.05
    assert result.stats["stopped_by_user"] is True
    assert result.to_dict()["status"] == "stopped"
    assert took < 20 and len(asked) == 1  # asked once, then remembered


def test_a_stop_in_the_middle_of_a_solver_run_interrupts_it():
    started = time.monotonic()
    at = started + 2.5
    result = solve(PROBLEM, time_limit=60, should_stop=lambda: time.monotonic() > at)
    late = time.monotonic() - at
    assert result.status in ("stopped", "optimal")
    assert result.allocations and not violations(parse_problem(PROBLEM), result.award)
    if result.status == "stopped":
        assert late < 5, f"stopped {late:.1f} s after the request"


def test_without_a_stop_request_the_search_runs_to_its_limit_as_before():
    result = solve(PROBLEM, time_limit=1.5)
    assert result.status in ("feasible", "optimal") and "stopped_by_user" not in result.stats
    assert "time limit" in result.message or result.status == "optimal"
    assert not stopped()  # no check outside a solve


def test_the_stop_check_is_asked_at_most_every_so_often_and_remembered():
    answers = iter([False, True])
    calls = []
    request = StopRequest(lambda: calls.append(1) or next(answers))
    assert request() is False
    assert request() is False and len(calls) == 1  # too soon: not asked again
    time.sleep(0.06)
    assert request() is True and request() is True and len(calls) == 2
    with stop_check(request):
        assert stopped()
    assert not stopped()
