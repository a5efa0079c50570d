"""Exact single-item awards by dynamic programming (the per-item structure of the problem).

For one item, choose for each of some bids a quantity (0 or inside one of its segments) so that
the quantities add up to a target, at most ``limit`` bids are used, and the sum of
``price[s] * q + fixed[b]`` is least. Prices may be any sign (Lagrangian prices can be negative).
The state is "units covered so far" and, with a vendor limit, "bids used so far".

A stage adds one bid. Its transition is a (min,+) convolution with the bid's cost curve: for
small quantities a dense one; for large ones, per segment priced p over [lo, hi], a sliding-window
minimum  new[q] = p*q + min_{j in [q-hi, q-lo]} (old[j] - p*j)  (van Herk / Gil-Werman, O(n);
scipy's ``minimum_filter1d``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

INF = np.inf


def _public_filter(values: np.ndarray, width: int, out: np.ndarray, origin: int) -> None:
    from scipy.ndimage import minimum_filter1d  # (imported only if used: see ``_compiled_ndimage``)

    minimum_filter1d(values, width, output=out, mode="constant", cval=INF, origin=origin)


def _compiled_ndimage():
    """scipy's compiled ndimage module, loaded from its file without importing the
    ``scipy.ndimage`` package: that import (array-API shims, numpy's f2py, docstring parsing) took
    0.4 s of the 0.7 s a fresh process spent importing the engine, 2026-12-07 -- and the
    background tree's child process pays it on every solve."""
    import importlib.machinery
    import importlib.util
    import os

    import scipy

    folder = os.path.join(os.path.dirname(scipy.__file__), "ndimage")
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(folder, "_nd_image" + suffix)
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("scipy.ndimage._nd_image", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise ImportError("scipy's compiled ndimage module was not found")


def _choose_filter():
    """scipy's C pass behind ``minimum_filter1d``, called without the wrapper's argument checks
    (half of a call's time on 1,500 units; our arguments are always 1-d float64 arrays of one
    length and a valid origin) and without importing ``scipy.ndimage`` (``_compiled_ndimage``), if
    this scipy has it and it answers a sample as the trailing minimum it must give; else the
    public function."""
    try:
        compiled = _compiled_ndimage()

        def direct(values: np.ndarray, width: int, out: np.ndarray, origin: int) -> None:
            # mode 4 is "constant" (scipy's ``_ni_support``); the last 1 asks for the minimum
            compiled.min_or_max_filter1d(values, width, 0, out, 4, INF, origin, 1)

        sample = np.array([3.0, 1.0, INF, 4.0, 1.5, 9.0, 2.0, 6.0, -2.0, 0.5])
        for width in (2, 3, 4, 5):
            mine = np.empty(len(sample))
            direct(sample, width, mine, (width - 1) - width // 2)
            expected = [min(sample[max(0, j - width + 1): j + 1]) for j in range(len(sample))]
            if not np.array_equal(mine, expected):
                return _public_filter
        return direct
    except Exception:  # a scipy without it, or laid out otherwise: the public function
        return _public_filter


_filter = _choose_filter()
# up to this many units a dense (min,+) convolution is faster than one sliding window per segment
# (a pricing pass on base 300x30x4 seed 1: ~75 ms at 100-160 against ~90 ms at 320 and ~120 ms
# at 640, measured 2026-12-04 after ``min_plus``; 320 was measured with the old index tables)
CONVOLUTION_MAX_QUANTITY = 128
# a stage's segments are shifted and combined together in arrays of at most this many numbers
# (all of them on items up to ~100,000 units; one at a time on an item of 10,000,000, whose DP then
# peaks where it did before they were combined; with level 0 kept once, 0.96 GB with four capped
# bids of four tiers, 1.6 GB with twelve -- 2.56 GB before, tracemalloc, 2026-12-06)
BLOCK_VALUES = 1 << 19


def trailing_min(values: np.ndarray, width: int, out: np.ndarray | None = None) -> np.ndarray:
    """out[j] = min(values[max(0, j - width + 1) .. j]): scipy's one-dimensional minimum filter
    (a van Herk / Gil-Werman pass in C), its window moved back to end at j. Until 2026-12-05 the
    same two passes in numpy (prefix and suffix minima over blocks of ``width``): 2-3x slower, and
    a third of the background tree's time on heavy-tail 300x30x4. ``out``, if given, receives the
    answer (same length): scipy then skips making one, which cost more than the filter itself
    (its dtype-name check; 45 against 13 us a call on 1,500 units)."""
    n = len(values)
    if out is None:
        out = np.empty(n)
    if width <= 1:
        out[:] = values
    elif width >= n:
        np.minimum.accumulate(values, out=out)
    else:
        # the filter's window at j is [j - width // 2 - origin, ... + width - 1]; |origin| <= width // 2
        _filter(values, width, out, (width - 1) - width // 2)
    return out


def window_min(values: np.ndarray, lo: int, hi: int, out: np.ndarray | None = None) -> np.ndarray:
    """out[q] = min(values[q - hi .. q - lo]) over valid indices, INF where the window is empty
    (written into ``out`` if given)."""
    n = len(values)
    if out is None:
        out = np.empty(n)
    out[: min(lo, n)] = INF
    if lo < n:  # out[q] for q >= lo looks at values up to q - lo only
        trailing_min(values[: n - lo], hi - lo + 1, out=out[lo:])
    return out


def min_plus(source: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """out[q] = min over x <= q of source[q - x] + curve[x] (a dense (min,+) convolution, O(n^2)):
    row q of a sliding-window view of INF-padded ``source`` against ``curve`` reversed. (An
    n x n index table per size, cached, did the same; at 156 sizes on one instance the cache of
    64 thrashed, and building the tables cost ~10% of a pricing pass.)"""
    n = len(source)
    padded = np.concatenate([np.full(n - 1, INF), source])
    windows = np.lib.stride_tricks.sliding_window_view(padded, n)  # windows[q, j] = source[q - n + 1 + j]
    return (windows + curve[::-1]).min(axis=1)


@dataclass(frozen=True)
class Stage:
    """One bid in a DP: its index, its segments and its fixed charge for being used."""

    bid: int
    segments: Sequence[int]
    fixed: float = 0.0


class ItemDP:
    """DP over a list of stages for covering exactly ``0..quantity`` units."""

    def __init__(
        self, quantity: int, lo: np.ndarray, hi: np.ndarray, price: np.ndarray, limit: int | None, stages: int,
        blocks: dict[int, list] | None = None,
    ) -> None:
        """``blocks``: where given, a stage's segment blocks (``_blocks``) are kept there by bid and
        taken from there (a caller pricing the same bids at the same ``lo`` and ``hi`` again and
        again, ``pricing.ItemPricer``: their making was a twentieth of its time)."""
        self.n = quantity + 1
        self._blocks = blocks
        self.lo, self.hi, self.price = lo, hi, price
        self.unlimited = limit is None or limit >= stages
        self.levels = 2 if self.unlimited else limit + 1
        # Level 0 ("no bid yet") never changes: 0 at no units, INF elsewhere. It is kept once;
        # the tables of the other levels are kept per stage for the backtrack (``history``), so
        # an unlimited DP keeps one row per stage, not two (an item of 10,000,000 units: 80 MB a
        # stage, not 160).
        self.start = np.full(self.n, INF)
        self.start[0] = 0.0
        self.rest = np.full((self.levels - 1, self.n), INF)  # levels 1.. now
        self.history: list[tuple[Stage, np.ndarray]] = []  # (stage, levels 1.. before it)
        self._arange: np.ndarray | None = None
        self._table: np.ndarray | None = None

    @property
    def table(self) -> np.ndarray:
        """Every level now (level x units), level 0 included: made when asked, after the stages."""
        if self._table is None:
            self._table = np.vstack([self.start[None, :], self.rest])
        return self._table

    def _row(self, rest: np.ndarray, level: int) -> np.ndarray:
        return self.start if level == 0 else rest[level - 1]

    def _quantities(self) -> np.ndarray:
        if self._arange is None:
            self._arange = np.arange(self.n, dtype=np.float64)
        return self._arange

    def sources(self) -> np.ndarray:
        """Row k feeds level k + 1 (unlimited: level 1 means "one or more bids")."""
        if self.unlimited:
            return np.minimum(self.start, self.rest[0])[None, :]
        return np.vstack([self.start[None, :], self.rest[:-1]])[: self.levels - 1]  # (none at a limit of 0)

    def curve(self, stage: Stage) -> np.ndarray:
        """curve[x]: cost of awarding x units to the stage's bid (INF where impossible, and at 0)."""
        curve = np.full(self.n, INF)
        for s in stage.segments:
            lo, hi = int(self.lo[s]), min(int(self.hi[s]), self.n - 1)
            if lo <= hi:
                span = np.arange(lo, hi + 1)
                np.minimum(curve[lo : hi + 1], self.price[s] * span + stage.fixed, out=curve[lo : hi + 1])
        return curve

    def add(self, stage: Stage) -> None:
        sources = self.sources()
        used = np.full(sources.shape, INF)
        # row r feeds level r + 1 and is all INF until r stages are in (level 0 is the start)
        rows = min(len(sources), len(self.history) + 1)
        n = self.n
        if n <= CONVOLUTION_MAX_QUANTITY:
            curve = self.curve(stage)
            for row in range(rows):
                used[row] = min_plus(sources[row], curve)
        else:
            # every segment at once: shifted[k, j] = source[j] - p_k * j, a window minimum per
            # segment, back: reached[k, q] + p_k * q, least over k (a stage of 4 segments on
            # 1,500 units was mostly numpy and scipy call overhead)
            # (in blocks of segments on a big item: a few arrays of BLOCK_VALUES numbers at most)
            blocks = self._blocks.get(stage.bid) if self._blocks is not None else None
            if blocks is None:
                blocks = self._stage_blocks(stage)
                if self._blocks is not None:
                    self._blocks[stage.bid] = blocks
            for segments, ranges in blocks:
                slopes = self.price[segments][:, None] * self._quantities()
                reached = np.empty((len(segments), n))
                for row in range(rows):
                    shifted = sources[row] - slopes
                    for k, (lo, hi) in enumerate(ranges):
                        window_min(shifted[k], lo, hi, out=reached[k])
                    reached += slopes
                    np.minimum(used[row], np.minimum.reduce(reached, axis=0), out=used[row])
            if stage.fixed:
                used += stage.fixed
        self.history.append((stage, self.rest))  # (a new array follows: the old one stays, for the backtrack)
        self.rest = np.minimum(self.rest, used)
        self._table = None

    def _stage_blocks(self, stage: Stage) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
        """The stage's segments in blocks of at most BLOCK_VALUES numbers of work each (all of them
        in one on items up to ~100,000 units), with their (lo, hi) ranges as ints."""
        block = max(1, BLOCK_VALUES // self.n)
        found = []
        for first in range(0, len(stage.segments), block):
            segments = np.asarray(stage.segments[first : first + block], dtype=np.int64)
            found.append((segments, list(zip(self.lo[segments].astype(np.int64).tolist(),
                                             self.hi[segments].astype(np.int64).tolist()))))
        return found

    def backtrack(self, level: int, remaining: int) -> dict[int, tuple[int, int]]:
        """The award (bid -> (segment, quantity)) behind table[level, remaining]."""
        award: dict[int, tuple[int, int]] = {}
        after = self.rest
        for stage, before in reversed(self.history):
            if remaining == 0:
                break
            best, choice = self._row(before, level)[remaining], None
            # the stage left this entry as it was: the earlier stages reach it (an award uses
            # a few of an item's bids, so most stages are passed over here)
            unchanged = self._row(after, level)[remaining] >= best
            after = before
            if level > 0 and not unchanged:
                source_levels = [0, 1] if self.unlimited else [level - 1]
                for s in stage.segments:
                    lo, hi = int(self.lo[s]), min(int(self.hi[s]), remaining)
                    if lo > hi:
                        continue
                    quantities = np.arange(lo, hi + 1)
                    for source in source_levels:
                        values = self._row(before, source)[remaining - quantities] + self.price[s] * quantities + stage.fixed
                        at = int(np.argmin(values))
                        if values[at] < best:
                            best, choice = values[at], (s, int(quantities[at]), source)
            if choice is not None:
                segment, quantity, level = choice
                award[stage.bid] = (segment, quantity)
                remaining -= quantity
        return award


def solve_item(
    quantity: int,
    stages: Sequence[Stage],
    lo: np.ndarray,
    hi: np.ndarray,
    price: np.ndarray,
    limit: int | None = None,
) -> tuple[float, dict[int, tuple[int, int]]]:
    """Least cost of covering ``quantity`` with the stages' bids, and the award; (INF, {}) if impossible."""
    dp = ItemDP(quantity, lo, hi, price, limit, len(stages))
    for stage in stages:
        dp.add(stage)
    level = int(np.argmin(dp.table[:, -1]))
    best = float(dp.table[level, -1])
    if not np.isfinite(best):
        return INF, {}
    return best, dp.backtrack(level, quantity)
