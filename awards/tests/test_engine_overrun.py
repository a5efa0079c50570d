"""A HiGHS MIP that runs far past its time limit (HiGHS 1.16 now and then does: a neighbourhood's
0.6-s sub-IP once ran for 13 minutes) is given up by ``highs.run_mip``: the search goes on without
its answer and ends near its own limit, says so in its stats, and a stop request still reaches a
MIP solving in run_mip's thread. The pool IP, the neighbourhoods, the restricted searches and the
projected enumeration's relaxation run through it."""

from __future__ import annotations

import time
from types import SimpleNamespace

import highspy
import numpy as np
import pytest

import awards.engine.highs as engine_highs
from awards.engine import lns, parse_problem, solve, violations
from awards.engine.highs import abandoned_mips, new_highs, run_mip, stop_check
from bench.generate import Size, generate


def _knapsacks(count: int = 120, rows: int = 6, seed: int = 0) -> highspy.Highs:
    """A multi-dimensional knapsack HiGHS cannot close in a few seconds."""
    rng = np.random.default_rng(seed)
    h = new_highs()
    h.setOptionValue("presolve", "off")
    h.addVars(count, np.zeros(count), np.ones(count))
    h.changeColsCost(count, np.arange(count, dtype=np.int32), -rng.integers(50, 100, count).astype(float))
    h.changeColsIntegrality(count, np.arange(count, dtype=np.int32), np.ones(count, dtype=np.uint8))
    for _ in range(rows):
        weights = rng.integers(20, 80, count).astype(float)
        h.addRow(0.0, weights.sum() / 2, count, np.arange(count, dtype=np.int32), weights)
    h.setOptionValue("mip_rel_gap", 0.0)
    return h


class _Overrunning:
    """Stands in for a HiGHS whose run ignores its time limit."""

    def __init__(self, limit: float, runs_for: float) -> None:
        self.limit, self.runs_for, self.returned = limit, runs_for, False
        self.callbacks = [SimpleNamespace(callbacks=[print])]  # as highspy keeps its subscribers

    def getOptionValue(self, name: str):  # noqa: N802 - highspy's name
        assert name == "time_limit"
        return highspy.HighsStatus.kOk, self.limit

    def run(self) -> None:
        time.sleep(self.runs_for)
        self.returned = True
        if self.runs_for < 0.01:
            raise ValueError("a callback failed")


def test_a_mip_within_its_limit_returns_as_before() -> None:
    h = _knapsacks()
    h.setOptionValue("time_limit", 0.3)
    started = time.monotonic()
    assert run_mip(h) is True
    assert time.monotonic() - started < 0.3 + 0.5
    assert h.getInfo().primal_solution_status == 2


def test_a_mip_far_past_its_limit_is_given_up(monkeypatch) -> None:
    monkeypatch.setattr(engine_highs, "OVERRUN_SECONDS", 0.2)
    before = abandoned_mips()
    stuck = _Overrunning(limit=0.1, runs_for=1.5)
    started = time.monotonic()
    assert run_mip(stuck) is False
    assert time.monotonic() - started < 0.6 and not stuck.returned
    assert abandoned_mips() == before + 1
    assert stuck.callbacks[0].callbacks == []  # none of the caller's callbacks runs from its thread again
    # a slow one that still ends within the overrun is waited for
    slow = _Overrunning(limit=0.1, runs_for=0.2)
    assert run_mip(slow) is True and slow.returned and slow.callbacks[0].callbacks == [print]


def test_an_error_in_the_run_reaches_the_caller_and_the_thread_serves_the_next() -> None:
    failing = _Overrunning(limit=1.0, runs_for=0.0)
    with pytest.raises(ValueError, match="a callback failed"):
        run_mip(failing)
    h = _knapsacks()
    h.setOptionValue("time_limit", 0.2)
    assert run_mip(h) is True and h.getInfo().primal_solution_status == 2


def test_a_stop_request_reaches_the_mip_in_its_thread() -> None:
    at = time.monotonic() + 0.3
    with stop_check(lambda: time.monotonic() > at):
        h = _knapsacks(count=200, rows=8, seed=1)  # (made inside: ``new_highs`` adds the interrupt)
        h.setOptionValue("time_limit", 20.0)
        started = time.monotonic()
        assert run_mip(h) is True
    took = time.monotonic() - started
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt, h.getModelStatus()
    assert took < 2.0, f"{took:.1f} s"


def test_the_search_goes_on_without_a_neighbourhood_that_overran(monkeypatch) -> None:
    """Every neighbourhood's HiGHS ignores its time limit (sleeps 2 s in its thread): each is given
    up after OVERRUN_SECONDS, the engine ends within its limit plus about one overrun with an award
    that keeps the rules, and counts what it gave up."""
    monkeypatch.setattr(engine_highs, "OVERRUN_SECONDS", 0.3)

    class Stuck(highspy.Highs):
        def run(self):
            time.sleep(2.0)
            return highspy.HighsStatus.kOk

    def stuck_highs(**kwargs):
        h = Stuck()
        h.setOptionValue("output_flag", False)
        return h

    monkeypatch.setattr(lns, "new_highs", stuck_highs)
    data = generate(Size(60, 10, 3, share_cap=0.15), 1)
    started = time.monotonic()
    result = solve(parse_problem(data), time_limit=4)
    took = time.monotonic() - started
    assert result.status in ("optimal", "feasible")
    assert not violations(parse_problem(data), result.award)
    assert took < 4 + 0.6 + 0.3 + 0.5, f"{took:.1f} s"
    assert result.stats["mips_given_up"] >= 1


def test_a_failing_stop_check_stops_the_mip_and_reaches_the_caller() -> None:
    def check() -> bool:
        raise ConnectionError("the database went away")

    with stop_check(check):
        h = _knapsacks(count=200, rows=8, seed=1)
        h.setOptionValue("time_limit", 20.0)
        with pytest.raises(ConnectionError):
            run_mip(h)
    started = time.monotonic()
    while h.getModelStatus() == highspy.HighsModelStatus.kNotset and time.monotonic() - started < 3:
        time.sleep(0.05)  # (its thread ends the run, interrupted)
    assert h.getModelStatus() == highspy.HighsModelStatus.kInterrupt, h.getModelStatus()
