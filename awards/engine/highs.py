"""Creating HiGHS instances quietly (HiGHS prints a banner on stdout the first time), and
interrupting them when the person who asked for the award stops the search early."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import highspy

_banner_shown = False

# While `solve()` runs with a `should_stop`, every HiGHS MIP it starts checks it (through HiGHS's
# interrupt callback) and stops like at its time limit: its incumbent and dual bound stay valid.
# LPs are never interrupted (column generation needs their duals whole; they are short).
_stop_check: ContextVar[Callable[[], bool] | None] = ContextVar("award_engine_stop", default=None)


@contextmanager
def stop_check(check: Callable[[], bool] | None) -> Iterator[None]:
    """Within the block, `stopped()` answers `check()` and HiGHS MIPs are interrupted by it."""
    token = _stop_check.set(check)
    try:
        yield
    finally:
        _stop_check.reset(token)


def stopped() -> bool:
    """Has the search been asked to stop (False when nobody can ask)?"""
    check = _stop_check.get()
    return check is not None and check()


def _interrupt(event) -> None:
    if stopped():
        event.interrupt()


def new_highs(*, threads: int | None = None) -> highspy.Highs:
    """A silent HiGHS instance; the one-time banner is swallowed so stdout stays clean JSON."""
    global _banner_shown
    if _banner_shown:
        highs = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_shown = True
    highs.setOptionValue("output_flag", False)
    if threads:
        highs.setOptionValue("threads", threads)
    if _stop_check.get() is not None:
        highs.cbMipInterrupt += _interrupt
    return highs


def stop_when_enough(highs: highspy.Highs, enough: Callable[[float], bool],
                     cost: Callable[[float], float] = float) -> None:
    """End a MIP at the first improving solution whose cost (``cost`` of HiGHS's objective value,
    e.g. unscaled and with fixed parts added) ``enough`` accepts. (An interrupt asked from the
    improving-solution callback is not honoured: HiGHS 1.16 went on to its limit; the interrupt
    callback, asked regularly, ends it.)"""
    proven = [False]

    def answered(event) -> None:
        proven[0] = proven[0] or enough(cost(float(event.data_out.objective_function_value)))

    def interrupt(event) -> None:
        if proven[0]:
            event.interrupt()

    highs.cbMipImprovingSolution += answered
    highs.cbMipInterrupt += interrupt
