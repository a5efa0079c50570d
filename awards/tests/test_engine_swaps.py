"""Pattern swaps (``heuristics.pattern_local_search``): the pair and chain moves, made faster on
2026-12-07, against the plain loops they replaced, on random pools where caps bind."""

from __future__ import annotations

import numpy as np
import pytest

from awards.engine import heuristics
from awards.engine.heuristics import _best_pair, _chain


def _pool(seed: int):
    """A random pool: patterns of 15 items, spend over 6 vendors (a few of them big), one chosen
    pattern per item, and a cap that the cheapest moves break."""
    rng = np.random.default_rng(seed)
    items = np.sort(rng.integers(0, 15, size=90))
    items[:15] = np.arange(15)  # every item has a pattern
    spend = rng.gamma(0.6, 100.0, size=(90, 6)) * (rng.random((90, 6)) < 0.4)
    spend[:, :2] *= 3.0
    spend[spend.sum(axis=1) == 0, 0] = 50.0
    cost = spend.sum(axis=1)
    chosen = np.array([int(rng.choice(np.flatnonzero(items == i))) for i in range(15)])
    total = float(cost[chosen].sum())
    vendor_spend = spend[chosen].sum(axis=0)
    cap = float(vendor_spend.max() / total) * rng.uniform(1.0, 1.05)
    current = chosen[items]
    delta, change = cost - cost[current], spend - spend[current]
    room = cap * (total + delta)[:, None] - (vendor_spend[None, :] + change) - 0.01
    fits = (room >= 0).all(axis=1)
    tolerance = 1e-9 * total
    wanted = np.flatnonzero(~fits & (delta < -tolerance))
    return items, cost, spend, chosen, total, vendor_spend, cap, delta, change, room, tolerance, wanted


def _pair_by_loop(wanted, items, delta, change, room, cap, tolerance, vendor_spend, total) -> list[int]:
    """The loop before 2026-12-07: each candidate against every pattern over every vendor."""
    best, moves = -tolerance, []
    for a in wanted:
        both = delta[a] + delta
        pair_room = cap * (total + both)[:, None] - (vendor_spend[None, :] + change[a][None, :] + change) - 0.01
        ok = (pair_room >= 0).all(axis=1) & (items != items[a]) & (both < best)
        if ok.any():
            c = int(np.flatnonzero(ok)[np.argmin(both[ok])])
            best, moves = float(both[c]), [int(a), c]
    return moves


def _chain_by_loop(items, cost, spend, chosen, vendor_spend, total, cap, tolerance, wanted) -> list[int]:
    """The chain before 2026-12-07: each step's excess from the chain's current choice, every vendor."""
    delta0 = cost - cost[chosen[items]]
    for a in wanted[np.argsort(delta0[wanted])][:heuristics.CHAIN_CANDIDATES]:
        current = chosen.copy()
        current[items[a]] = a
        spent = vendor_spend + spend[a] - spend[chosen[items[a]]]
        paid = total + cost[a] - cost[chosen[items[a]]]
        moves, touched = [int(a)], {int(items[a])}
        for _ in range(heuristics.CHAIN_STEPS):
            excess = np.maximum(spent - cap * paid, 0.0).sum()
            if excess <= 0:
                break
            here = current[items]
            delta = cost - cost[here]
            after = spent[None, :] + spend - spend[here]
            left = np.maximum(after - cap * (paid + delta)[:, None], 0.0).sum(axis=1)
            useful = (left < excess - 1e-9) & ~np.isin(items, list(touched))
            if not useful.any():
                break
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(useful, (delta + 1e-9) / (excess - left), np.inf)
            done = useful & (left <= 0)
            if done.any() and (np.where(done, delta, np.inf).min() + paid - total) < -tolerance:
                k = int(np.argmin(np.where(done, delta, np.inf)))
            else:
                k = int(np.argmin(ratio))
            moves.append(k)
            touched.add(int(items[k]))
            paid += cost[k] - cost[current[items[k]]]
            spent = spent + spend[k] - spend[current[items[k]]]
            current[items[k]] = k
        if (spent - cap * paid <= -0.01).all() and paid < total - tolerance:
            return moves
    return []


@pytest.mark.parametrize("block", [1 << 20, 7])  # all candidates at once, and a few at a time
def test_pairs_and_chains_match_the_plain_loops(monkeypatch, block: int) -> None:
    monkeypatch.setattr(heuristics, "PAIR_BLOCK_VALUES", block)
    pairs = chains = 0
    for seed in range(300):
        items, cost, spend, chosen, total, vendor_spend, cap, delta, change, room, tolerance, wanted = _pool(seed)
        if not len(wanted):
            continue
        expected = _pair_by_loop(wanted, items, delta, change, room, cap, tolerance, vendor_spend, total)
        assert _best_pair(wanted, items, delta, change, room, cap, tolerance) == expected, seed
        pairs += bool(expected)
        expected = _chain_by_loop(items, cost, spend, chosen, vendor_spend, total, cap, tolerance, wanted)
        got = _chain(items, delta, change, vendor_spend, total, cap, tolerance, wanted, float("inf"))
        assert got == expected, seed
        chains += bool(expected)
    assert pairs >= 30 and chains >= 30, (pairs, chains)  # the pools do exercise both moves
