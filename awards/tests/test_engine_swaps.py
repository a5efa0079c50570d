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
    """The ejection chain in plain Python, one pattern and one vendor at a time: each candidate
    (the cheapest first), then repairs on untouched items, each the cheapest per dollar of excess
    removed (or, once one removes it all and the chain saves money, the cheapest such), until
    every cap holds; the first chain that saves money in total."""
    count, vendors = spend.shape
    delta0 = cost - cost[chosen[items]]  # (the candidates in numpy's order: its sort breaks ties its own way)
    for a in wanted[np.argsort(delta0[wanted])][:heuristics.CHAIN_CANDIDATES]:
        current = {int(i): int(chosen[i]) for i in range(len(chosen))}
        current[int(items[a])] = int(a)
        spent = [vendor_spend[v] + spend[a, v] - spend[chosen[items[a]], v] for v in range(vendors)]
        paid = total + cost[a] - cost[chosen[items[a]]]
        moves, touched = [int(a)], {int(items[a])}
        for _ in range(heuristics.CHAIN_STEPS):
            excess = sum(max(spent[v] - cap * paid, 0.0) for v in range(vendors))
            if excess <= 0:
                break
            best_done = best_ratio = None
            for k in range(count):
                if int(items[k]) in touched:
                    continue
                here = current[int(items[k])]
                delta = cost[k] - cost[here]
                left = sum(max(spent[v] + spend[k, v] - spend[here, v] - cap * (paid + delta), 0.0)
                           for v in range(vendors))
                if not left < excess - 1e-9:
                    continue
                ratio = (delta + 1e-9) / (excess - left)
                if best_ratio is None or ratio < best_ratio[0]:
                    best_ratio = (ratio, k)
                if left <= 0 and (best_done is None or delta < best_done[0]):
                    best_done = (delta, k)
            if best_ratio is None:
                break
            k = best_done[1] if best_done is not None and best_done[0] + paid - total < -tolerance else best_ratio[1]
            here = current[int(items[k])]
            moves.append(int(k))
            touched.add(int(items[k]))
            paid += cost[k] - cost[here]
            spent = [spent[v] + spend[k, v] - spend[here, v] for v in range(vendors)]
            current[int(items[k])] = int(k)
        if all(spent[v] - cap * paid <= -0.01 for v in range(vendors)) and paid < total - tolerance:
            return moves
    return []


@pytest.mark.parametrize("block", [1 << 20, 7])  # all candidates at once, and a few at a time
def test_pairs_match_the_plain_loop(monkeypatch, block: int) -> None:
    monkeypatch.setattr(heuristics, "PAIR_BLOCK_VALUES", block)
    pairs = 0
    for seed in range(300):
        items, cost, spend, chosen, total, vendor_spend, cap, delta, change, room, tolerance, wanted = _pool(seed)
        expected = _pair_by_loop(wanted, items, delta, change, room, cap, tolerance, vendor_spend, total)
        assert _best_pair(wanted, items, delta, change, room, cap, tolerance, float("inf")) == expected, seed
        pairs += bool(expected)
    assert pairs >= 30  # the pools do exercise the move


def test_chains_match_the_plain_loop() -> None:
    chains = 0
    for seed in range(200):
        items, cost, spend, chosen, total, vendor_spend, cap, delta, change, room, tolerance, wanted = _pool(seed)
        expected = _chain_by_loop(items, cost, spend, chosen, vendor_spend, total, cap, tolerance, wanted)
        assert _chain(items, delta, change, vendor_spend, total, cap, tolerance, wanted, float("inf")) == expected, seed
        chains += bool(expected)
    assert chains >= 30  # the pools do exercise the move


def test_no_candidate_no_pair() -> None:
    """A choice where no improving move breaks a cap (none to pair): no pair, no chain, no error
    (an empty candidate list once reached a reduction over nothing)."""
    items, cost, spend, chosen, total, vendor_spend, cap, delta, change, room, tolerance, _ = _pool(0)
    none = np.zeros(0, dtype=np.int64)
    assert _best_pair(none, items, delta, change, room, cap, tolerance, float("inf")) == []
    assert _chain(items, delta, change, vendor_spend, total, cap, tolerance, none, float("inf")) == []


def test_the_pair_search_stops_at_its_deadline_between_blocks(monkeypatch) -> None:
    """Past its deadline the pair search ends after the block of candidates under way and answers
    the best pair among those (as the loop before it did between candidates): with one candidate
    a block and the deadline passed, the first candidate's best pair."""
    monkeypatch.setattr(heuristics, "PAIR_BLOCK_VALUES", 1)  # one candidate a block
    cut = 0
    for seed in range(300):
        items, cost, spend, chosen, total, vendor_spend, cap, delta, change, room, tolerance, wanted = _pool(seed)
        if not len(wanted):
            continue
        first = _pair_by_loop(wanted[:1], items, delta, change, room, cap, tolerance, vendor_spend, total)
        assert _best_pair(wanted, items, delta, change, room, cap, tolerance, 0.0) == first, seed
        whole = _pair_by_loop(wanted, items, delta, change, room, cap, tolerance, vendor_spend, total)
        cut += whole != first
    assert cut >= 10  # the deadline does cut the search short in these pools
