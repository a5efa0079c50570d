"""Branch-and-price on the Dantzig-Wolfe master: a stronger bound where the master LP mixes
awards of one item.

The master LP may cover an item with a convex combination of patterns (e.g. half of an item to one
vendor, half to another, each at its whole-quantity tier price); the Lagrangian bound is then the
value of that mixture, which no real award reaches. Branching on the quantity of a bid of such an
item -- at most t units / more than t, t the floor of its mean in the mixture -- splits the
problem in two, each side barring some of the mixed awards; each child gets its own column
generation with the decision enforced in pricing:

- at most 0 ("not used", where the mean is under one unit): the bid is left out of the item's DP
  (and any pattern with it is barred from the child's master);
- more than 0 ("used"): the bid gets a fixed credit larger than the spread of all the item's
  adjusted award costs (so an award with it always wins where there is one), added back
  afterwards. (An absolute +-1e9 charge, as first written, failed where the duals make an item's
  adjusted cost exceed it -- share prices at the master's slack price, prices in the millions --
  and then a node with awards looked empty and the bound passed the optimum: found by a review's
  fuzzing, tested now.);
- any other range: pricing cuts the bid's segments to it (``ItemPricer.restricted``,
  whole-capability decided again on the cut ranges).

Until 2026-12-04 a node whose LP mixed awards using the same bids in different quantities (half of
10,463 units as 10 + 10,453, half as 10,453 + 10) was closed with its fractional bound, and the tree
stopped there for good (heavy-tail 50x8x3 seed 1: 8 nodes, 0.0982% left; proven optimal in 32 once
it branched on quantities). Until 2026-12-05 a bid in some mixed awards and not in others was split
"used" / "not used" whatever its mean, and the "used" side took the same mixture with the bid at a
unit or two: branching at the mean proved mixed-sizes and base instances the old rule left at
0.03-0.18% (awards/engine/README.md, sixteenth session).

For any duals the sum of the items' cheapest adjusted awards *under the node's decisions* is a
lower bound on every award in the node (only complete pricing passes count), so the least bound
over the open nodes bounds the problem. Columns are shared by all nodes (the master's column
bounds bar those a node forbids). A node whose LP chooses one whole pattern per item is an award
(offered to the caller, who checks it exactly) and is closed.

Best first. The options to branch on are, per item whose LP mixes awards, the bid whose quantity
splits that mixture most evenly, weighted by the money at stake; a node weighs the best three
(strong branching: both sides solved, or their gains predicted from earlier branchings on the same
bid) and keeps the one whose two sides raise the bound most. Each node's column generation
(``nodeprice.NodePricing``, which this tree builds on) costs a few pricing passes (one item DP per
item; one vector step for all the items whose bids all take them whole, ``pricing.WholeOnly``),
less the items whose price at one of the last nodes still bounds them (``_known_lower``):
0.05-0.3 s a node on 300x30x4. The engine runs it in a child process beside its search
(``background``): from the start on a big problem, else only where a pricing pass is cheap
against the time it can give (``solve``).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .heuristics import award_from_patterns, exact_ok
from .highs import stopped
from .master import Master
from .nodeprice import Decision, NodePricing, decisions_by_item
from .pricing import ItemPricer
from .presolve import Reduced

NODE_PASSES = 2.5  # pricing passes per node (measured on many small items), plus a small LP
MAX_OPEN = 20_000  # open nodes kept at most (memory); past it the search stops, its bound still valid
# open nodes that keep their LP solution (``best_support``), at most: a few KB each (300-1,500
# patterns used on 300x30x4 and 1000x50x5), so at most ~25 MB however long the tree runs
SUPPORTS_KEPT = 2_000
# options a node tries before it branches (strong branching: ``BranchAndPrice.run``); 1 branches on
# the first at once. Three grew the bound fastest on heavy-tail 300x30x4 (5 and 8 cost more nodes than they gained)
STRONG_CANDIDATES = 3
# branchings on a bid (each side) after which its pseudo-costs predict its gains instead of
# solving its sides (``BranchAndPrice._estimate``): 2 raised the bound fastest at 11 s on heavy-tail
# and mixed-sizes 300x30x4 (1, 3 and 4 less, every option solved less on 4 of 6)
PSEUDO_RELIABLE = 2
# an option to branch on: (item, bid, threshold, below) -- used / not used if threshold is None,
# else the bid's quantity at most threshold / above it; below: the share of the item's LP mixture
# at or under the threshold (None where no mixture is split: ``_over_cap_choice``)
Option = tuple[int, int, int | None, float | None]


def _support(z: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
    if z is None:
        return None
    index = np.flatnonzero(z > 1e-6)
    return index.astype(np.int32), z[index].astype(np.float32)


@dataclass(order=True)
class Node:
    bound: float
    serial: int
    decisions: tuple[Decision, ...] = field(compare=False)
    # the options to branch on (``Option``), the most promising first; [] if nothing is left to split
    choices: list[Option] = field(default_factory=list, compare=False)
    # its last LP solution: the patterns it uses (indices) and their weights (``best_support``)
    support: tuple[np.ndarray, np.ndarray] | None = field(default=None, compare=False)


class BranchAndPrice(NodePricing):
    def __init__(self, reduced: Reduced, pricers: list[ItemPricer], master: Master) -> None:
        super().__init__(reduced, pricers, master)
        self.serial = 0
        self._open: list[Node] = []  # the open nodes while ``run`` runs
        # (item, bid, side above the threshold) -> [sum, count] of the gains per share of the LP
        # mixture barred, over every branching on it so far (``_branch``, ``_estimate``)
        self._pseudo: dict[tuple[int, int, bool], list[float]] = {}

    def best_support(self) -> list[tuple[int, float]]:
        """The LP solution of the open node with the least bound (among those that kept theirs),
        as (pattern index, weight) pairs: the awards the tree's bound is made of, a guide to where
        better awards lie; [] if the tree is not running."""
        if not self._open:
            return []
        top = self._open[0]
        if top.support is None:
            kept = [node for node in self._open if node.support is not None]
            if not kept:
                return []
            top = min(kept)
        index, weight = top.support
        return [(int(k), float(w)) for k, w in zip(index, weight)]

    # -- the tree --------------------------------------------------------------------------
    def branch_choices(self, z: np.ndarray | None, count: int | None = None) -> list[Option]:
        """What to branch on, at most ``count`` options on different items, the best first: among
        the items whose LP mixes awards, the bid whose quantity splits the mixture most evenly at
        the floor of its mean quantity t, weighted by the money at stake (the item's cost times
        the spread of the bid's quantities in the mixture, as a share of the item's quantity) --
        (item, bid, t, share of the mixture at or under t): at most t units / more than t. (A bid
        in some of the mixed awards and not in others, at a mean under one unit, gives t = 0: "not
        used" / "used".) [] if the LP is integral. ``run`` weighs them and keeps the one whose two
        sides raise the bound most (strong branching).

        Until 2026-12-06 the money at stake was the item's cost alone, so every bid splitting a
        mixture alike scored alike, and the first bid won: on heavy-tail 300x30x4 seed 12 the tree
        branched a dozen times on a capped vendor's 0 or 51 of 1,599 units (the cap's fine-tune)
        instead of on which of two vendors takes the rest, and its bound rose by 0.0226-0.0235% of
        the cost in 8 s instead of 0.0261-0.0264% (README, twenty-fourth session).

        Until 2026-12-05 a bid in some of the awards and not in others was split "used" / "not
        used" whatever its mean: the "used" side then took the same mixture with the bid at a
        unit or two, and its bound hardly rose (mixed-sizes seed 0: +$900 of a $115,000 gap, node
        after node, while at most / more than the mean lifted both sides by $82,000-96,000)."""
        if z is None:
            return []
        count = STRONG_CANDIDATES if count is None else count
        self._sync()
        stake: dict[int, float] = {}
        mixed: dict[int, list[int]] = {}
        for k in np.flatnonzero((z > 1e-6) & (z < 1 - 1e-6)):
            pattern = self.master.patterns[k]
            stake[pattern.item] = max(stake.get(pattern.item, 0.0), pattern.cost)
            mixed.setdefault(pattern.item, []).append(int(k))
        best: list[tuple[float, int, int, int, float]] = []  # (score, item, bid, threshold, below), an item's best
        for item, patterns in mixed.items():
            weights = z[patterns]
            total = float(weights.sum())
            top: tuple[float, int, int, int, float] | None = None
            for bid in sorted(frozenset().union(*(self.bids_of_pattern[k] for k in patterns))):
                quantities = np.array([self.quantities_of_pattern[k].get(bid, 0) for k in patterns], dtype=float)
                if quantities.min() == quantities.max():
                    continue
                threshold = int(np.floor(float(quantities @ weights) / total))
                threshold = min(max(threshold, int(quantities.min())), int(quantities.max()) - 1)
                below = float(weights[quantities <= threshold].sum()) / total
                # weighted by the money the bid's quantity moves between the mixed awards: a bid
                # fine-tuned by a few units (filling a cap) scores little however evenly it splits
                moved = float(quantities.max() - quantities.min()) / self.pricers[item].quantity
                score = min(below, 1 - below) * stake[item] * moved
                if top is None or score > top[0]:
                    top = (score, item, bid, threshold, below)
            if top is not None:
                best.append(top)
        best.sort(key=lambda option: (-option[0], option[1]))
        return [(item, bid, threshold, below) for _, item, bid, threshold, below in best[:count]]

    def _over_cap_choice(self, z: np.ndarray, decisions: tuple[Decision, ...]) -> tuple[int, int, int | None] | None:
        """Where the LP chose one pattern per item yet spends over a cap (slack, priced at only 1e3
        a unit, so a small overrun beats every award the node allows), nothing is fractional to
        branch on: branch instead on a bid of a chosen pattern not yet decided to its quantity there
        -- those of the vendors over their caps first, the most money first -- so that down the
        tree every pattern gets fixed, and a node that still needs slack then has no award. (Such
        a node used to be closed at its bound, far below the optimum: a review's fuzzing.)
        None if every chosen pattern is fixed already."""
        values = np.asarray(self.master.highs.getSolution().col_value)
        over = set()
        if self.master.share is not None:
            over = {v for v in range(self.master.vendors) if values[1 + v] > 1e-9}
        ranges = decisions_by_item(decisions)
        best, choice = None, None
        for k in np.flatnonzero(z >= 1 - 1e-6):  # what ``branch_choices`` does not call fractional
            pattern = self.master.patterns[int(k)]
            pricer = self.pricers[pattern.item]
            taken = self.quantities_of_pattern[int(k)]
            for bid in pricer.bids:
                q = taken.get(bid, 0)
                least, most = ranges.get(pattern.item, {}).get(bid, (0, pricer.quantity))
                if least == most:
                    continue
                if (least, most) == (0, pricer.quantity):
                    option = (pattern.item, bid, None)  # used / not used
                else:  # cut the range next to q, so one side leaves it out
                    option = (pattern.item, bid, q - 1 if q > least else q)
                score = (self.reduced.bid_vendor[bid] in over, pattern.cost)
                if best is None or score > best:
                    best, choice = score, option
        return choice

    def _integral(self, z: np.ndarray | None, slack: float) -> list[int] | None:
        """The pattern of each item if the node's LP chose one whole pattern per item and no slack."""
        if z is None or slack > 1e-9:
            return None
        chosen = [int(k) for k in np.flatnonzero(z > 1 - 1e-9)]
        return chosen if len(chosen) == len(self.pricers) else None

    def run(self, root_bound: float, root_z: np.ndarray, deadline: float, incumbent: float = np.inf,
            on_bound: Callable[[float], None] | None = None,
            on_award: Callable[[list[int]], float | None] | None = None,
            max_nodes: int = 1_000_000, best_cost: Callable[[], float] | None = None,
            stop: Callable[[], bool] | None = None) -> tuple[float, int, list[Node]]:
        """Best-first branch-and-price until the deadline; returns (bound, nodes solved, open).

        ``on_bound`` gets the bound whenever a node is branched; ``on_award`` the pattern indices
        of each integral node's LP solution, and answers the caller's best cost after it;
        ``best_cost``, if given, is asked for it before each node (another search may find
        awards meanwhile). Nodes whose bound reaches the best cost are pruned. ``stop`` ends the
        search like the deadline (also asked inside a node). Always returns with every pattern
        allowed again.

        Strong branching with pseudo-costs: a node with several options (``branch_choices``)
        solves both sides of each whose bid has been branched on fewer than PSEUDO_RELIABLE times,
        and predicts the others' gains from those earlier branchings (``_estimate``); the one
        predicted best is solved too if it beats every solved one. Kept is the solved pair whose
        least gain times greatest gain is largest (a side pruned or empty gains all that is left to
        the best cost); the sides of the others are dropped, their columns kept in the pool.
        (Branching on the first option alone, the bound grew half as fast on heavy-tail 300x30x4
        seed 4: awards/engine/README.md, twentieth session.)"""
        heap = [Node(root_bound, 0, (), self.branch_choices(root_z), _support(root_z))]
        self._open = heap
        closed: list[float] = []
        solved = 0
        halt = stop if stop is not None else stopped
        self._halt = halt
        try:
            while heap and time.monotonic() < deadline and not halt() and solved < max_nodes:
                if best_cost is not None:
                    incumbent = min(incumbent, best_cost())
                node = heapq.heappop(heap)
                if node.bound >= incumbent:
                    heapq.heappush(heap, node)
                    break
                if not node.choices:  # integral at its last LP: nothing left to split
                    closed.append(node.bound)
                    continue
                best: tuple[float, list[Node]] | None = None
                room = incumbent - node.bound if np.isfinite(incumbent) else 1e18
                guesses = []  # (estimated score, option): options whose pseudo-costs stand in
                for option in node.choices:
                    guess = self._estimate(option, room) if len(node.choices) > 1 else None
                    if guess is not None:
                        guesses.append((guess, option))
                        continue
                    if best is not None and (time.monotonic() >= deadline or halt()):
                        break
                    children, score, incumbent = self._branch(node, option, deadline, incumbent, on_award)
                    solved += 2
                    if best is None or score > best[0]:
                        best = (score, children)
                    if score >= room * room:
                        break  # both sides pruned or empty: nothing can do better
                if guesses:
                    guess, option = max(guesses, key=lambda pair: pair[0])
                    if best is None or (guess > best[0] and time.monotonic() < deadline and not halt()):
                        children, score, incumbent = self._branch(node, option, deadline, incumbent, on_award)
                        solved += 2
                        if best is None or score > best[0]:
                            best = (score, children)
                assert best is not None
                for child in best[1]:
                    if child.bound < incumbent:
                        heapq.heappush(heap, child)
                if on_bound is not None:
                    on_bound(min(self.bound(heap, closed), incumbent))
                if len(heap) > MAX_OPEN:
                    break
        finally:
            self.master.set_allowed(np.ones(len(self.master.patterns), dtype=bool))
            self._open = []
        return min(self.bound(heap, closed), incumbent), solved, heap

    def _branch(self, node: Node, option: Option, deadline: float, incumbent: float,
                on_award: Callable[[list[int]], float | None] | None) -> tuple[list[Node], float, float]:
        """Both sides of one option solved: (the two children, the product of their bound gains,
        the caller's best cost after any award they hold); their gains update the option's
        pseudo-costs."""
        item, bid, threshold, below = option
        quantity = self.pricers[item].quantity
        sides = [(1, quantity), (0, 0)] if threshold is None else [(0, threshold), (threshold + 1, quantity)]
        children = []
        for least, most in sides:
            self.serial += 1
            child = Node(node.bound, self.serial, node.decisions + ((item, bid, least, most),))
            child.bound, z, slack = self.column_generation(child, deadline)
            chosen = self._examine(child, z, slack)
            if chosen is not None and on_award is not None:  # an award, whichever option wins
                answer = on_award(chosen)
                incumbent = incumbent if answer is None else min(incumbent, answer)
            children.append(child)
        room = incumbent - node.bound if np.isfinite(incumbent) else 1e18
        gains = [max(min(child.bound - node.bound, room), 1e-6) for child in children]
        if below is not None and np.isfinite(max(child.bound for child in children)) and time.monotonic() < deadline:
            # per side, the gain per share of the mixture it bars (a side keeping the bid above
            # the threshold bars the share at or under it)
            for (least, _), gain in zip(sides, gains):
                barred = below if least >= 1 else 1.0 - below
                seen = self._pseudo.setdefault((item, bid, least >= 1), [0.0, 0])
                seen[0] += gain / max(barred, 1e-3)
                seen[1] += 1
        return children, gains[0] * gains[1], incumbent

    def _estimate(self, option: Option, room: float) -> float | None:
        """The product of the two sides' gains that the option's pseudo-costs predict (their
        mean gain per share of the mixture barred, from earlier branchings on the same bid), or
        None while it has fewer than PSEUDO_RELIABLE of them on either side."""
        item, bid, _, below = option
        if below is None:
            return None
        low, high = self._pseudo.get((item, bid, False), (0.0, 0)), self._pseudo.get((item, bid, True), (0.0, 0))
        if min(low[1], high[1]) < PSEUDO_RELIABLE:
            return None
        gain_low = min(low[0] / low[1] * (1.0 - below), room)
        gain_high = min(high[0] / high[1] * below, room)
        return max(gain_low, 1e-6) * max(gain_high, 1e-6)

    def _examine(self, child: Node, z: np.ndarray | None, slack: float) -> list[int] | None:
        """Right after a child's column generation (``_over_cap_choice`` reads the master's last
        solution): its options to branch on, and the pattern of each item if its LP is an award
        (its bound set to inf if it holds none)."""
        if not np.isfinite(child.bound):
            return None
        chosen = self._integral(z, slack)
        choices: list[Option] = [] if chosen is not None else self.branch_choices(z)
        if not choices and chosen is None and z is not None and slack > 1e-9:
            over_cap = self._over_cap_choice(z, child.decisions)
            choices = [] if over_cap is None else [(*over_cap, None)]
            picked = [int(k) for k in np.flatnonzero(z >= 1 - 1e-6)]
            if not choices and len(picked) == len(self.pricers):
                # every item's pattern is fixed: the node allows this one award
                award = award_from_patterns([self.master.patterns[k] for k in picked])
                if not exact_ok(self.reduced, award):
                    child.bound = np.inf  # it breaks a rule: the node holds no award
                    return None
                chosen = picked  # float slack only: the node's one award, at its cost
                child.bound = max(child.bound, sum(self.master.patterns[k].cost for k in picked))
        child.choices = choices
        if len(self._open) < SUPPORTS_KEPT:
            child.support = _support(z)
        return chosen

    @staticmethod
    def bound(heap: list[Node], closed: list[float]) -> float:
        values = [node.bound for node in heap] + closed
        return min(values) if values else np.inf
