"""core.figures_cache: the consortium's figures computed at most once a minute, one refresher at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from core import figures_cache
from core.figures_cache import figures

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"calls": self.calls}


def test_kept_for_a_minute_then_computed_again(clock):
    compute = Counter()
    first, as_of = figures(("t", 1), compute)
    assert first == {"calls": 1} and as_of == clock.now()
    clock.advance(seconds=59)
    assert figures(("t", 1), compute) == ({"calls": 1}, as_of)  # the same figures, with their moment
    assert figures(("t", 2), compute)[0] == {"calls": 2}  # another key: its own figures
    clock.advance(seconds=1)
    again, later = figures(("t", 1), compute)
    assert again == {"calls": 3} and later == clock.now()
    assert figures(("t", 1), compute) == ({"calls": 3}, later)


def test_one_request_refreshes_while_the_others_answer_the_older_figures(clock):
    compute = Counter()
    _, as_of = figures(("t",), compute)
    clock.advance(seconds=61)
    key = figures_cache._key(("t",))
    assert cache.add(key + ":refresh", 1, 60)  # another request is summing them again
    assert figures(("t",), compute) == ({"calls": 1}, as_of) and compute.calls == 1
    cache.delete(key + ":refresh")  # (it died, or its mark lapsed): the next one refreshes
    assert figures(("t",), compute)[0] == {"calls": 2}
    assert cache.add(key + ":refresh", 1, 60)  # and left no mark behind


def test_a_clock_set_back_or_an_unreadable_value_computes_again(clock, monkeypatch):
    compute = Counter()
    figures(("t",), compute)
    clock.advance(seconds=-5)  # figures "from the future" are not trusted
    assert figures(("t",), compute)[0] == {"calls": 2}
    cache.set(figures_cache._key(("t",)), "not a pair", 60)
    assert figures(("t",), compute)[0] == {"calls": 3}

    def broken(*args, **kwargs):
        raise ValueError("unpickling failed")

    monkeypatch.setattr(cache, "get", broken)
    assert figures(("t",), compute)[0] == {"calls": 4}


def test_an_error_while_computing_leaves_the_older_figures_and_no_mark(clock):
    compute = Counter()
    _, as_of = figures(("t",), compute)
    clock.advance(seconds=90)

    def fails():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        figures(("t",), fails)
    assert cache.add(figures_cache._key(("t",)) + ":refresh", 1, 60)  # the mark was given back
    cache.delete(figures_cache._key(("t",)) + ":refresh")
    assert figures(("t",), compute)[0] == {"calls": 2}


def test_figures_kept_before_this_process_started_are_computed_again(clock, monkeypatch):
    """After a deploy the new processes never show figures pickled by the old code."""
    compute = Counter()
    figures(("t",), compute)
    monkeypatch.setattr(figures_cache, "STARTED", clock.now() + dt.timedelta(seconds=1))  # a restart
    clock.advance(seconds=2)
    assert figures(("t",), compute)[0] == {"calls": 2}
    clock.advance(seconds=10)
    assert figures(("t",), compute)[0] == {"calls": 2}  # its own figures are kept again


def test_a_request_that_did_not_take_the_mark_leaves_it(clock):
    """A cold key computed by a request that holds no mark does not give back another's mark."""
    compute = Counter()
    key = figures_cache._key(("t",))
    assert cache.add(key + ":refresh", 1, 60)  # a request elsewhere is refreshing
    assert figures(("t",), compute)[0] == {"calls": 1}  # nothing kept yet: this one computes too
    assert not cache.add(key + ":refresh", 1, 60)  # the other's mark is still there
