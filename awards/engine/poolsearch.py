"""The search over pooled patterns: one pattern per item, chosen among those column generation
(and perturbed pricing, split awards, the background tree) put in the master's pool.

``pool_search``: a greedy award over the pool and pattern swaps (``heuristics``); the projected
enumeration where it applies (``projection``); HiGHS among each item's cheapest pooled patterns
(``Master.solve_ip``; skipped where the neighbourhoods follow and an award is known); then, where
a share cap binds on two vendors or more (``lns.applies``), ``neighbourhoods``: patterns priced at
perturbed share prices, split awards and the tree's patterns are pooled, HiGHS searches the pooled
patterns within a reduced-cost budget (``_budgeted``), then re-chooses a few dozen items at a time
(``lns.pool_lns``).

*Why a budget.* At the master's duals an award's cost is the Lagrangian bound (the sum of the
items' best adjusted costs) plus the reduced costs of its patterns plus the share prices times
the room it leaves under the caps, all three terms at least zero. So no award cheaper than the best
one holds a pattern whose reduced cost exceeds the gap, and the award cheaper by most holds only
patterns of small reduced cost. On heavy-tail 300x30x4 seed 3 the pool (3,740 patterns) held an
award $6,000 below the best one found, which HiGHS over the whole pool took 150 s to reach; over
the 425 patterns within 4% of the gap it found one $4,600 below in 1.2 s, and over those within
6.5% the pool's optimum in 4.2 s. The background tree's best open node's patterns join every
budget: they may lie above it at the root's duals and still belong to the cheaper awards.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from . import lns
from .colgen import perturbed_patterns, split_patterns
from .heuristics import award_from_patterns, award_patterns, exact_ok, greedy_by_patterns, pattern_local_search
from .highs import stopped
from .master import SHARE_MARGIN, Master, Pattern
from .pricing import ItemPricer
from .projection import EnumerationSearch
from .search import Search

POOL_COLUMNS = 3000  # patterns the pool search may choose from (each item's cheapest few)
# of the pool window (``solve.NEIGHBOURHOOD_SHARE``), where neighbourhoods follow, for the 3-per-
# item pool IP while no award is known (0.33 until 2026-12-06, when the budgeted search came; with
# an award known the IP is skipped there since the twenty-sixth session)
FIRST_STAGE_SHARE = 0.2
# ... where every item is whole-only (no neighbourhoods follow; the rest goes to the improvement
# phase): tiny-items 300x30x4 seeds 0 and 2 end at 0.011-0.013% and 0.033-0.035% at 10 s instead
# of 0.016-0.017% and 0.0355%; seed 4 proven 0.4 s sooner, seed 3 1 s later (tenth session);
# since the twenty-third session this window goes to the budgeted search instead of that IP
WHOLE_ONLY_FIRST_STAGE_SHARE = 0.6
# of the time limit for pricing at perturbed share prices (``perturbed_patterns``; 0.15 until
# 2026-12-05, when half of it went to the split awards below)
PERTURB_SHARE = 0.075
SPLIT_SHARE = 0.075  # of the time limit, at most, for capped bids' split awards (``split_patterns``)
STALL_SHARE = 0.2  # of the time limit without a better award ends the neighbourhoods early
# ... then, with at least STALL_IP_MIN_SECONDS of the pool window left, the pool IP over each item's
# STALL_IP_PER_ITEM cheapest patterns (``_stall_ip``): on 23 hard 300x30x4 instances (heavy-tail,
# mixed-sizes, base; 56 interleaved pairs of runs) 54 of 56 runs proven against 47 of 56 (a 48th
# hung in HiGHS: ``highs.run_mip``); mixed-sizes seed 24 in 4 of 4 runs (7.6-8.2 s) against 1 of
# 4 (README, twenty-seventh session); with the patterns of the tree's best open node allowed too
# (as in ``_budgeted``), on 15 hard instances, 38 pairs: 36 proven against 31, 19 sooner or nearer,
# 5 later (heavy-tail seed 23 in 3 of 4 runs against 2 of 4, seed 12 in 4 of 4 against 2 of 4)
STALL_IP_PER_ITEM = 3
STALL_IP_MIN_SECONDS = 1.0
# The projected enumeration (``projection``): tried after the greedy award for at most
# FIRST_ENUMERATION_SHARE of the time left, then after each better pooled award and before the
# improvement phase for at most ENUMERATION_SHARE (0.3 until 2026-12-06; with the budgeted list
# search in it, tiny-items 300x30x4 seed 0 was proven in 3.7-3.8 s in 3 runs of 3 at 0.5, not at
# 0.3, where the 3-per-item pool IP that follows found nothing in its 3.7 s)
FIRST_ENUMERATION_SHARE = 0.5
FIRST_ENUMERATION_MIN_SECONDS = 5.0
ENUMERATION_SHARE = 0.5
# The budgeted pool search (``_budgeted``): the patterns whose reduced cost is within
# BUDGET_FIRST_FRACTION of the gap, then twice that, ... up to the whole gap, each search given at
# most BUDGET_SLICE of the time left (none follows one that ran out of time); run once, before the
# neighbourhoods or between them, as soon as the gap to the items' bound is within BUDGET_NEAR of
# the best cost (heavy-tail seed 2 starts at 0.08%: there the cheap patterns at the root's prices
# hold few of the changes needed, and its first search ran out of time while the tree-guided
# neighbourhoods waited; seeds 0 and 3 start at 0.02%). 0.0004 until 2026-12-06: with the
# neighbourhoods' sparse cap rows (``lns``) a search takes about half the time, and at 0.0006
# heavy-tail 300x30x4 was proven 10 of 10 times (seed 2 in 8.4-9.6 s), at 0.0004 3 of 5, at 0.0008 4 of 5
# (seed 2 alone afterwards: 2 of 6 -- it stays the coin toss). The first fraction was 0.04 until
# 2026-12-06, when the tree's best open node's patterns joined every budget: heavy-tail seed 2
# was proven in 9 of 9 runs at 0.02 (6.0-8.4 s), 9 of 9 at 0.01, 5 of 5 at 0.04 (6.5-8.9 s), and
# 4 of 9 without them (8.2-9.6 s); awards/engine/README.md, twenty-third session
BUDGET_FIRST_FRACTION = 0.02
BUDGET_GROWTH = 2.0
BUDGET_SLICE = 0.4
BUDGET_NEAR = 0.0006
# without an award yet, the pool IP leaves out patterns that give one vendor more than the share
# cap of the proven bound plus this much of it (``within_caps``)
FIT_ROOM = 0.02
REPAIR_SHARE = 0.2  # of the time left, at most, for the first award where none is known (``_first_award``)
LOCAL_SEARCH_SHARE = 0.25  # of the time left, at most, for pattern swaps after each new pooled award


def _local_search(search: Search, master: Master, keys: dict, deadline: float) -> None:
    """Pattern swaps from the best award, if it is made of pooled patterns (``heuristics``)."""
    chosen = _chosen(search, keys)
    if chosen is None or search.done():
        return
    now = time.monotonic()
    better = pattern_local_search(search.reduced, master.patterns, chosen,
                                  min(deadline, now + LOCAL_SEARCH_SHARE * max(search.remaining(), 0.0)))
    if better is not None:
        award = award_from_patterns([master.patterns[k] for k in better])
        if exact_ok(search.reduced, award):
            search.offer(award, "pattern swaps")


def pool_search(
    search: Search, master: Master, duals, item_values: np.ndarray, master_total: float, deadline: float,
    neighbourhood_pricers: list[ItemPricer] | None, stats: dict[str, Any],
    enumeration: EnumerationSearch | None = None,
) -> None:
    """Greedy on the pool, then the best combination of pooled patterns among each item's
    cheapest few at the duals: first 3 per item (small, so HiGHS gets far); then either up to 8
    per item, or -- where neighbourhoods apply -- patterns priced at perturbed share prices and a
    few dozen items re-chosen at a time (``neighbourhoods``, if given the items' pricers),
    which beat the 8-per-item IP on share-capped instances. Where those apply and an award is
    known, the 3-per-item IP is skipped (the neighbourhoods and the budgeted search reach its
    award sooner) and runs only once they stall, over the pool they grew (``_stall_ip``); where
    every item's bids take it whole, the budgeted search (``_budgeted``) takes its place."""
    with_neighbourhoods = neighbourhood_pricers is not None
    costs = master.reduced_costs(duals, item_values)
    rank = _ranks(master, costs)
    search.offer(greedy_by_patterns(search.reduced, master.patterns, costs, master_total), "greedy on patterns")
    keys = {(pattern.item, pattern.award): k for k, pattern in enumerate(master.patterns)}
    _local_search(search, master, keys, deadline)
    if search.best is None:
        _first_award(search, master, min(deadline, time.monotonic() + REPAIR_SHARE * search.remaining()))
    if enumeration is not None and search.remaining() >= FIRST_ENUMERATION_MIN_SECONDS:
        # the first try, with the budget of the greedy award: cut short, and only with time to
        # spare (at a 2-3 s limit it left the pool IP too little: tiny-items 0.05-0.09% worse)
        # again, with a new share of the time left, while it finds better awards (a smaller budget)
        before = np.inf
        while (search.best_cost < before - 0.005 and search.remaining() >= FIRST_ENUMERATION_MIN_SECONDS
               and not search.done() and not stopped()):
            before = search.best_cost
            enumeration.attempt(search, min(deadline, time.monotonic() + FIRST_ENUMERATION_SHARE * search.remaining()))
        if search.done() or stopped():
            return
    count = len(search.problem.items)
    stages = [3] + ([8] if 8 * count <= POOL_COLUMNS and not with_neighbourhoods else [])
    for stage, per_item in enumerate(stages):
        if search.done() or stopped():
            return
        start = _chosen(search, keys)
        if with_neighbourhoods and start is not None and not whole_only(neighbourhood_pricers):
            # an award is known and the neighbourhoods follow: they (the tree guiding them) and
            # the budgeted search take the 3-per-item IP's window, and reach its award sooner --
            # heavy-tail 300x30x4 seed 12 at 56,369,471 by 3.9 s where the IP had 56,378,887 at
            # 3.3 s; over 28 instances (base, heavy-tail, mixed-sizes, deep-discount), two runs
            # each, 49 of 56 runs proven against 46, 32 sooner or nearer, 17 later (base seeds
            # 0, 3, 4 by 1 s, still within 4 s; mixed-sizes seed 0 proven in 7 runs of 10, not 7
            # of 7; README, twenty-sixth session)
            continue
        now = time.monotonic()
        last = stage == len(stages) - 1 and not with_neighbourhoods
        first_share = 0.5
        if with_neighbourhoods:  # (none follow where every item is whole-only: the IP gets more)
            first_share = WHOLE_ONLY_FIRST_STAGE_SHARE if whole_only(neighbourhood_pricers) else FIRST_STAGE_SHARE
        stage_deadline = deadline if last else now + (deadline - now) * first_share
        if with_neighbourhoods and start is not None and whole_only(neighbourhood_pricers):
            # every item's bids take it whole (tiny-items): the budgeted search instead of the
            # 3-per-item IP -- seeds 6 and 8 of 300x30x4 proven in 5.4-8.0 and 1.3-2.8 s instead
            # of 8.0 s and not at all (0.0197%), the others alike; at a 3-s limit seeds 0 and 8 end
            # at 0.026% and 0.022% instead of 0.091% and 0.080% (README, twenty-third session)
            _budgeted(search, master, duals, item_values, stage_deadline, stats)
            continue
        # without an award yet, every pooled pattern within the caps (items too big for one
        # vendor: ``colgen.fitting_patterns``); with one, each item's cheapest few
        fits = within_caps(search, master)[: len(rank)]  # (the patterns ranked above)
        allowed = fits & (rank < per_item) if search.best is not None else fits
        if start is not None:
            allowed[start] = True
        for margin in (0.0, SHARE_MARGIN):
            chosen = master.solve_ip(stage_deadline, allowed=allowed, start=start,
                                     gap=max(search.target / 2, 1e-7), margin=margin, enough=search.would_finish)
            if chosen is None:
                break
            award = award_from_patterns([master.patterns[k] for k in chosen])
            if exact_ok(search.reduced, award):
                if search.offer(award, "pattern pool"):
                    _local_search(search, master, keys, deadline)
                    if enumeration is not None:
                        enumeration.attempt(search, min(deadline, time.monotonic()
                                                        + ENUMERATION_SHARE * search.remaining()))
                break
    if neighbourhood_pricers is not None and not search.done() and not stopped():
        neighbourhoods(search, master, neighbourhood_pricers, duals, item_values, deadline, stats)


def _ranks(master: Master, costs: np.ndarray) -> np.ndarray:
    """Per pooled pattern, its place among its item's patterns by ``costs`` (0: the cheapest)."""
    items = np.array([pattern.item for pattern in master.patterns])
    order = np.lexsort((costs, items))
    first = np.searchsorted(items[order], items[order], side="left")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first
    return rank


def _first_award(search: Search, master: Master, deadline: float) -> None:
    """Where no award is known yet under a share cap: the master LP over the patterns within the
    caps (``within_caps``), rounded (each item's heaviest pattern), then the items it mixes and
    those of the vendors whose cap binds re-chosen by HiGHS within the caps (``lns.repair``).

    Where an item is too big for any one vendor (mixed-sizes 300x30x4 seeds 9 and 16) the master
    LP mixes whole awards of it over the cap; with those barred and the items' splits pooled
    (``colgen.fitting_patterns``) the LP mixes 7 items, and re-choosing 123 of them found an award
    within 0.04% of the optimum in 0.2 s, where the pool IP found none in 3 s."""
    if master.share is None or search.done() or stopped():
        return
    pool = lns.PoolArrays(search.reduced, master.patterns)
    fits = within_caps(search, master, pool)
    master.set_allowed(fits)
    try:
        duals, z = master.solve_lp()
    except RuntimeError:
        return
    finally:
        master.set_allowed(np.ones(len(master.patterns), dtype=bool))
    items = np.array([pattern.item for pattern in master.patterns])
    used = np.flatnonzero(z > 1e-9)
    if len(np.unique(items[used])) != len(search.problem.items):
        return
    heaviest = used[np.lexsort((-z[used], items[used]))]  # per item, its heaviest pattern first
    chosen = heaviest[np.searchsorted(items[heaviest], np.arange(len(search.problem.items)))]
    mixed = items[used[z[used] < 1 - 1e-6]]
    capped = np.flatnonzero(duals.mu > 1e-9)
    held = np.flatnonzero((pool.spend[chosen][:, capped] > 0).any(axis=1))
    free = sorted(set(mixed.tolist()) | set(held.tolist()))
    found = lns.repair(pool, float(master.share), chosen.tolist(), free, fits, deadline)
    if found is not None:
        award = award_from_patterns([master.patterns[k] for k in found])
        if exact_ok(search.reduced, award):
            search.offer(award, "pattern pool within the caps")


def within_caps(search: Search, master: Master, pool: lns.PoolArrays | None = None) -> np.ndarray:
    """Per pooled pattern: does every vendor's spend in it stay within the share cap of the best
    cost (no cheaper award holds one that does not), or without an award yet, of the proven bound
    plus FIT_ROOM of it (a guess: a dearer award's caps are wider)? All True without a cap."""
    share = search.problem.constraints.max_vendor_share
    if share is None or share >= 1 or not master.patterns:
        return np.ones(len(master.patterns), dtype=bool)
    total = search.best_cost if search.best is not None else search.lower_bound * (1 + FIT_ROOM)
    if not np.isfinite(total):
        return np.ones(len(master.patterns), dtype=bool)
    if pool is None:
        pool = lns.PoolArrays(search.reduced, master.patterns)
    spend = pool.spend.max(axis=1)
    return spend <= float(share) * total + 0.005


def _chosen(search: Search, keys: dict) -> list[int] | None:
    """The pooled pattern of each item in the best award, in item order; None if the best award
    is not made of pooled patterns."""
    if search.best is None:
        return None
    chosen = [keys.get((p.item, p.award)) for p in sorted(award_patterns(search.reduced, search.best),
                                                           key=lambda p: p.item)]
    return None if None in chosen or len(chosen) != len(search.problem.items) else chosen


def whole_only(pricers: list[ItemPricer]) -> bool:
    """Whether every item's bids all take it whole (no capacities: tiny-items): at positive
    prices each item's cheapest award is then one bid taking it whole (``pricing``)."""
    return not any(pricer.always_general for pricer in pricers)


def neighbourhoods(search: Search, master: Master, pricers: list[ItemPricer], duals, item_values: np.ndarray,
                    deadline: float, stats: dict[str, Any]) -> None:
    """Price patterns at perturbed share prices and split awards into the pool, pool the tree's
    patterns, then re-choose a few dozen items at a time (``lns.pool_lns``) from the best award
    until the deadline or a stall, with the budgeted search (``_budgeted``) once, before them or
    between two of their rounds, when the gap is near enough (BUDGET_NEAR); after a stall, with time
    left, the pool IP over the grown pool (``_stall_ip``) -- except where every
    item's bids all take it whole: then perturbed pricing would find nothing new
    (``perturbed_patterns``), the pool holds each item's awards to one bid, and the 3-per-item IP
    and pattern swaps have chosen among them; the improvement phase, which finds split awards,
    gets the time (tiny-items proven ~2 s sooner; awards/engine/README.md, tenth session)."""
    if whole_only(pricers):
        return
    limit = search.deadline - search.started
    master.add(perturbed_patterns(search.reduced, pricers, duals,
                                  min(deadline, time.monotonic() + PERTURB_SHARE * limit)))
    master.add(split_patterns(search.reduced, pricers, duals, item_values,
                              min(deadline, time.monotonic() + SPLIT_SHARE * limit)))
    # the background tree's split awards at its branching quantities (mixed-sizes seeds 0 and 1
    # proven in 6.1 and 6.5 s instead of 9.3 and 8.6; awards/engine/README.md, sixteenth session)
    master.add([Pattern.make(search.reduced, item, award) for item, award in search.tree_patterns()])
    # and the patterns of its best open node (whose LP costs about the tree's bound), for the
    # budgeted search below too (heavy-tail 300x30x4, a budgeted search before the neighbourhoods:
    # 5 of 5 proven in one run with them, 3 of 5 without; README, twenty-first session)
    master.add([Pattern.make(search.reduced, item, award) for item, award, _ in search.tree_guide()])
    if search.best is not None:  # e.g. from the LP-guided search: its patterns may not be pooled yet
        master.add(award_patterns(search.reduced, search.best))
    keys = {(pattern.item, pattern.award): k for k, pattern in enumerate(master.patterns)}
    chosen = _chosen(search, keys)
    if chosen is None:
        return
    base = float(item_values.sum())
    costs = master.reduced_costs(duals, item_values)

    def register() -> None:
        """Key the patterns pooled since (by ``guide`` or by the budgeted search, which pools the
        tree's latest; unkeyed, a guide naming one raised a KeyError, 2026-12-06)."""
        for k in range(len(keys), len(master.patterns)):
            keys[(master.patterns[k].item, master.patterns[k].award)] = k

    def offer(better: list[int]) -> list[int] | None:
        award = award_from_patterns([master.patterns[k] for k in better])
        if exact_ok(search.reduced, award) and search.offer(award, "pool neighbourhoods"):
            _local_search(search, master, keys, deadline)
        if search.done():
            return None
        return _chosen(search, keys) or better

    def guide() -> tuple[list[tuple[int, float]], np.ndarray]:
        """The tree's best open node's LP (``Search.tree_guide``) as (pool index, weight), its
        patterns pooled first, and the reduced costs of the pool as it is then."""
        found = [(Pattern.make(search.reduced, item, award), weight) for item, award, weight in search.tree_guide()]
        master.add([pattern for pattern, _ in found])
        register()
        return [(keys[(p.item, p.award)], weight) for p, weight in found], master.reduced_costs(duals, item_values)

    budgeted = False

    def between() -> list[int] | None:
        """The budgeted search, once, as soon as the gap is near (asked before each round,
        the first included)."""
        nonlocal budgeted
        if budgeted or search.best_cost - base > BUDGET_NEAR * search.best_cost:
            return None
        budgeted, before = True, search.best_cost
        _budgeted(search, master, duals, item_values, deadline, stats)
        register()
        if search.done():
            return []
        return _chosen(search, keys) if search.best_cost < before else None

    counts: dict[str, int] = {}
    lns.pool_lns(search.reduced, master.patterns, chosen, costs, duals.mu, deadline,
                 stall=STALL_SHARE * limit, on_better=offer, stats=counts, guide=guide,
                 between=between)
    stats.update(neighbourhoods_tried=counts.get("tried", 0), neighbourhoods_improved=counts.get("improved", 0),
                 tree_guided_tried=counts.get("guided_tried", 0), tree_guided_improved=counts.get("guided_improved", 0))
    if not search.done() and not stopped() and deadline - time.monotonic() >= STALL_IP_MIN_SECONDS:
        _stall_ip(search, master, duals, item_values, deadline, stats)


def _stall_ip(search: Search, master: Master, duals, item_values: np.ndarray, deadline: float,
              stats: dict[str, Any]) -> None:
    """Once the neighbourhoods stall with time left: HiGHS over each item's STALL_IP_PER_ITEM
    cheapest pooled patterns at the duals (within the caps), the patterns of the background tree's
    best open node (asked for afresh, pooled) and the best award's, from it, until the deadline --
    the 3-per-item pool IP skipped before them (``pool_search``), now over the pool they, the
    perturbed pricing, the split awards and the tree have grown. Counted in ``stats``
    (``stall_ips``, ``stall_ip_improved``)."""
    guide = [Pattern.make(search.reduced, item, award) for item, award, _ in search.tree_guide()]
    master.add(guide)
    keys = {(pattern.item, pattern.award): k for k, pattern in enumerate(master.patterns)}
    start = _chosen(search, keys)
    if start is None:
        return
    allowed = within_caps(search, master) & (_ranks(master, master.reduced_costs(duals, item_values))
                                             < STALL_IP_PER_ITEM)
    allowed[[keys[(pattern.item, pattern.award)] for pattern in guide]] = True
    allowed[start] = True
    stats["stall_ips"] = stats.get("stall_ips", 0) + 1
    chosen = master.solve_ip(deadline, allowed=allowed, start=start, gap=max(search.target / 2, 1e-7),
                             enough=search.would_finish)
    if chosen is None:
        return
    award = award_from_patterns([master.patterns[k] for k in chosen])
    if exact_ok(search.reduced, award) and search.offer(award, "pattern pool after the neighbourhoods"):
        stats["stall_ip_improved"] = stats.get("stall_ip_improved", 0) + 1
        _local_search(search, master, keys, deadline)


def _budgeted(search: Search, master: Master, duals, item_values: np.ndarray, deadline: float,
              stats: dict[str, Any]) -> None:
    """HiGHS over the pooled patterns whose reduced cost (at ``duals``, against ``item_values``)
    is within BUDGET_FIRST_FRACTION of the gap between the best award and the items' bound, and
    the patterns of the background tree's best open node (asked for afresh), from the best award;
    then within twice that, and so on up to the whole gap, where no cheaper pooled award is left
    out (see the module docstring; no bundles here: ``lns.applies``). Each search gets at most
    BUDGET_SLICE of the time left; once one runs out of it, bigger ones would too. Counted in
    ``stats`` (``budgeted_searches``, ``budgeted_improved``).

    *Why the tree's patterns.* That node's LP costs about the tree's bound, and the cheaper
    awards share much of it; a pattern of it may cost more than the budget at the root's duals. On
    heavy-tail 300x30x4 seed 2 (dumped at the search's start: 3,466 patterns, $32,659 above L) the
    pool's best award differs from the best found on 32 items, and one of its patterns lies at
    4.3% of the gap, in the tree's LP: within 4% alone HiGHS ran its 6 s without reaching the
    target; within 1.5% plus the tree's 310 patterns it did in 0.65 s, within 2% plus them in
    1.2 s."""
    guide = [Pattern.make(search.reduced, item, award) for item, award, _ in search.tree_guide()]
    master.add(guide)
    keys = {(pattern.item, pattern.award): k for k, pattern in enumerate(master.patterns)}
    costs = master.reduced_costs(duals, item_values)
    guided = np.zeros(len(master.patterns), dtype=bool)
    guided[[keys[(pattern.item, pattern.award)] for pattern in guide]] = True
    base = float(item_values.sum())
    fraction = BUDGET_FIRST_FRACTION
    while not search.done() and not stopped():
        start = _chosen(search, keys)
        if start is None:
            return
        allowed = guided | (costs <= fraction * (search.best_cost - base))
        until = min(deadline, time.monotonic() + BUDGET_SLICE * max(search.remaining(), 0.0))
        chosen = lns.budgeted(search.reduced, master.patterns, start, allowed, until, enough=search.would_finish)
        stats["budgeted_searches"] = stats.get("budgeted_searches", 0) + 1
        if chosen is not None:
            award = award_from_patterns([master.patterns[k] for k in chosen])
            if exact_ok(search.reduced, award) and search.offer(award, "pool within a budget"):
                stats["budgeted_improved"] = stats.get("budgeted_improved", 0) + 1
        if fraction >= 1.0 or time.monotonic() >= until - 0.05:
            return
        fraction = min(fraction * BUDGET_GROWTH, 1.0)
