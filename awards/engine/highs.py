"""Creating HiGHS instances quietly (HiGHS prints a banner on stdout the first time),
interrupting them when the person who asked for the award stops the search early, and not
waiting for ever on a MIP that overruns its time limit (``run_mip``)."""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import highspy

_banner_shown = False
logger = logging.getLogger(__name__)

# A MIP still running this long past its own time limit is given up (``run_mip``). HiGHS 1.16 now
# and then runs far past it: presolve in its RINS and RENS sub-MIPs can loop without looking at
# the clock (``heuristics._run``), and a neighbourhood's 0.6-s sub-IP (``lns``) once ran for 13
# minutes, the search waiting on it (heavy-tail 300x30x4 seed 23, 2026-12-06). Legitimate overruns
# were up to ~1.5 s (HiGHS's root work over fixed columns, ``master.solve_ip``).
OVERRUN_SECONDS = 3.0
POLL_SECONDS = 0.05  # ``run_mip`` asks the stop check this often while it waits
_abandoned: list[highspy.Highs] = []  # given-up instances, kept alive while their threads may run

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


class _Runner:
    """A daemon thread that runs the HiGHS MIPs handed to it, one at a time, kept between them:
    HiGHS sets up its own workers once per calling thread (a 5-column MIP took 6.8 ms from a new
    thread, 3.6 ms from a kept one, 3.5 ms in the caller's own, 2026-12-06)."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="award-engine-mip", daemon=True).start()

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            # the stop check as a flag the caller sets (this thread's own context)
            _stop_check.set(job.stop.is_set if job.check is not None else None)
            try:
                job.highs.run()
            except BaseException as error:  # noqa: BLE001 - handed back to the caller
                job.error = error
            finally:
                job.finished.set()
            del job

    def submit(self, job: _Job) -> None:
        self._jobs.put(job)


class _Job:
    def __init__(self, highs: highspy.Highs, check: Callable[[], bool] | None) -> None:
        self.highs, self.check = highs, check
        self.stop, self.finished = threading.Event(), threading.Event()
        self.error: BaseException | None = None


_idle: list[_Runner] = []
_idle_lock = threading.Lock()


def run_mip(highs: highspy.Highs) -> bool:
    """``highs.run()`` for a MIP with a time limit, in a kept daemon thread (``_Runner``; HiGHS
    lets go of the GIL while it solves), waited for until OVERRUN_SECONDS past that limit. True if
    it returned (an exception it raised is raised here); False if it was given up: it is left to
    its thread (a loop that does not look at the clock does not look at an interrupt either; the
    thread ends with the process), its callbacks emptied, and the caller must not touch ``highs``
    again (its answer counts as none). Without a finite limit it runs in the caller's thread.

    The stop check stays in the calling thread (it may read a database): the caller asks it every
    POLL_SECONDS while it waits, and HiGHS's interrupt callback (``new_highs``) in the solving
    thread reads the answer from a flag."""
    limit = float(highs.getOptionValue("time_limit")[1])  # (status, value)
    if not limit < float("inf"):
        highs.run()
        return True
    with _idle_lock:
        runner = _idle.pop() if _idle else None
    if runner is None:
        runner = _Runner()
    job = _Job(highs, _stop_check.get())
    started = time.monotonic()
    runner.submit(job)
    give_up = started + limit + OVERRUN_SECONDS
    while not job.finished.wait(min(POLL_SECONDS, max(give_up - time.monotonic(), 0.0))):
        try:
            if job.check is not None and not job.stop.is_set() and job.check():
                job.stop.set()
        except BaseException:  # the stop check failed (e.g. its database): the MIP stops, the error goes on
            job.stop.set()
            raise
        if time.monotonic() >= give_up:
            # none of the caller's callbacks (which may read the search's pipes) runs from that
            # thread any more (emptied under the GIL; HiGHS's own callback hook stays as it is)
            for event in getattr(highs, "callbacks", ()):
                event.callbacks = []
            _abandoned.append(highs)
            logger.warning("award engine: a HiGHS MIP with a %.1f-s limit still ran after %.1f s; given up",
                           limit, time.monotonic() - started)
            return False
    with _idle_lock:
        _idle.append(runner)
    if job.error is not None:
        raise job.error
    return True


def abandoned_mips() -> int:
    """How many MIPs ``run_mip`` has given up in this process."""
    return len(_abandoned)
