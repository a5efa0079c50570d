"""Figures computed for everyone, kept for a stated time: the consortium-wide dashboards.

The consortium's savings and spend figures sum a whole fiscal year of every member's buying
(at the national shape, hundreds of thousands of rollup rows, a second or more of a core), and
they are the same for every staff member and, for the consortium's totals, every district user
who opens a dashboard. Computing them once a minute instead of on every page view is what keeps
a few people reloading dashboards from starving order placement and a bid-deadline rush on the
same application servers (bench/README.md, "load on the national order history").

`figures(key, compute)` answers `(value, as_of)`: the value computed at most `FRESH_SECONDS`
ago (by the clock of `core.clock`, so the tests can move it) and the moment it was computed, which
the pages show ("consortium figures as of 14:02"). When the kept value is older, ONE request (the
one that wins `cache.add` of the key's refresh mark) computes it again while the others keep
answering with the older value until the new one is stored: no stampede of identical sums when the
minute turns. With nothing kept (a cold cache, or one cleared), the request computes.

What is kept is what a page shows to everyone allowed to see it: the callers key by everything the
figures depend on (fiscal year, filters) and never put one member's own figures here. The cache is
the shared one (Redis across application servers, or the database cache), so every server answers
the same figures for the same minute. A process never answers with figures computed before it
started: after a deploy, the new code's first request for each key computes them again (once per
process), so a value pickled from classes the deploy changed is never shown; one that cannot even
be read back is computed again too. `VERSION` in the key changes with the shape of the values.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Callable, TypeVar

from django.core.cache import cache

from core import clock

T = TypeVar("T")
FRESH_SECONDS = 60  # how old the figures shown may be; the pages say so
KEEP_SECONDS = 3600  # how long a value stays in the cache at all (an older one is computed again)
REFRESH_SECONDS = 120  # a refresh mark left by a worker killed mid-computation lapses after this
VERSION = "1"
log = logging.getLogger(__name__)
STARTED = clock.now()  # this process's start (figures kept before it may be of other code)


def _key(parts: tuple) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"figures:{VERSION}:{digest}"


def figures(parts: tuple, compute: Callable[[], T], *, fresh_seconds: int = FRESH_SECONDS) -> tuple[T, dt.datetime]:
    """`compute()`'s value for the key `parts` (a tuple of plain values: names, ids, years), at
    most `fresh_seconds` old, and the moment it was computed (see the module's docstring)."""
    key = _key(parts)
    now = clock.now()
    try:
        kept = cache.get(key)
    except Exception:  # an unreadable value (a class changed under it) or a cache unreachable
        log.warning("figures cache: %s unreadable, computing", key, exc_info=True)
        kept = None
    took = False  # whether this request holds the key's refresh mark (given back when done)
    if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[1], dt.datetime) and kept[1] >= STARTED:
        value, as_of = kept
        age = (now - as_of).total_seconds()
        if 0 <= age < fresh_seconds:
            return value, as_of
        took = _may_refresh(key)
        if not took:
            return value, as_of
    try:
        as_of = clock.now()  # (the figures hold everything stored before they were read)
        value = compute()
        try:
            cache.set(key, (value, as_of), KEEP_SECONDS)
        except Exception:
            log.warning("figures cache: %s not stored", key, exc_info=True)
    finally:  # the refresh mark given back, whatever happened (an error: the next request tries)
        if took:
            try:
                cache.delete(key + ":refresh")
            except Exception:
                pass
    return value, as_of


def _may_refresh(key: str) -> bool:
    """True for the one request that takes the key's refresh mark (the others keep the older figures);
    with the cache unreachable, every request computes."""
    try:
        return bool(cache.add(key + ":refresh", 1, REFRESH_SECONDS))
    except Exception:
        return True
