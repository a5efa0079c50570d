"""Branch-and-price's cheaper nodes and what its tree gives the search: an item priced before is
bounded without its DP (``BranchAndPrice._known_lower``), and the tree's patterns and its best
node's LP reach the search (``BackgroundBound.patterns``, ``BackgroundBound.guide``)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from awards.engine import parse_problem
from awards.engine.background import BackgroundBound
from awards.engine.branching import BranchAndPrice
from awards.engine.master import Master
from awards.engine.nodeprice import KEEP_PRICED, PriceMemory
from awards.engine.presolve import presolve
from awards.engine.pricing import ItemPricer
from bench.generate import SIZES, generate


def _first_items(family: str, count: int):
    """The first ``count`` items of a 300x30x4 instance (seed 3) with their bids: the presolved
    problem, its pricers and a tree over an empty master."""
    data = generate(SIZES["300x30x4"], 3, family)
    data["items"], kept = data["items"][:count], {item["id"] for item in data["items"][:count]}
    data["bids"] = [bid for bid in data["bids"] if bid["item"] in kept]
    reduced = presolve(parse_problem(data))
    pricers = [ItemPricer(reduced, item) for item in range(count)]
    return reduced, pricers, BranchAndPrice(reduced, pricers, Master(reduced))


@pytest.mark.parametrize("family", ["heavy-tail", "mixed-sizes"])
def test_an_item_priced_before_is_bounded_without_its_dp_and_never_above_its_least_cost(family: str) -> None:
    """``BranchAndPrice._known_lower``: an item last priced at some multipliers, asked at others,
    answers a lower bound on its least adjusted cost there (never above what its DP finds, at
    multipliers moved a little or a lot), and only where that bound shows no award of it prices
    under its sigma; otherwise None, and the node prices it."""
    from awards.engine.master import Duals

    reduced, pricers, tree = _first_items(family, 30)
    rng = np.random.default_rng(5)
    answered = 0
    for spread in (0.001, 0.05, 0.5):
        for pricer in pricers:
            before = rng.uniform(0.5, 1.5, len(reduced.bids))
            value, _ = pricer.price(reduced.seg_price * before[reduced.seg_bid], before, None, with_award=False)
            tree.memory = PriceMemory(pricers, KEEP_PRICED)  # (this item's prices only)
            tree.memory.remember(pricer.item, value, before[pricer.bids])
            after = before * rng.uniform(1 - spread, 1 + spread, len(reduced.bids))
            least, _ = pricer.price(reduced.seg_price * after[reduced.seg_bid], after, None, with_award=False)
            for sigma in (-np.inf, least * (1 - spread), least + 1.0):
                duals = Duals(np.full(len(pricers), sigma), after, None, 0.0, np.zeros(len(reduced.vendors)))
                lower = tree._known_lower(pricer, duals)
                if lower is not None:
                    answered += 1
                    assert sigma - 1e-6 * max(1.0, value) <= lower <= least * (1 + 1e-12)
                else:
                    assert sigma > -np.inf  # with no sigma to beat, the bound always answers
    assert answered > 2 * len(pricers)


def test_an_item_priced_at_several_multipliers_is_bounded_by_the_best_of_them() -> None:
    """The tree keeps an item's least cost at the last ``KEEP_PRICED`` multipliers it was priced at:
    asked at multipliers near an earlier one and far from the last, ``_known_lower`` answers from
    the earlier one (the last alone shows nothing), never above the item's least cost there, and
    only the latest KEEP_PRICED are kept."""
    from awards.engine.master import Duals

    reduced, pricers, tree = _first_items("heavy-tail", 20)
    rng = np.random.default_rng(7)

    def least(factor: np.ndarray, pricer: ItemPricer) -> float:
        return pricer.price(reduced.seg_price * factor[reduced.seg_bid], factor, None, with_award=False)[0]

    answered = 0
    for pricer in pricers:
        near = rng.uniform(0.8, 1.2, len(reduced.bids))
        far = near * rng.uniform(0.5, 1.5, len(reduced.bids))
        asked = near * rng.uniform(0.9999, 1.0001, len(reduced.bids))
        exact = least(asked, pricer)
        duals = Duals(np.full(len(pricers), exact * 0.999), asked, None, 0.0, np.zeros(len(reduced.vendors)))
        tree.memory = PriceMemory(pricers, KEEP_PRICED)
        tree.memory.remember(pricer.item, least(far, pricer), far[pricer.bids])
        if tree._known_lower(pricer, duals) is not None:
            continue  # the far multipliers happen to bound it well enough alone
        tree.memory = PriceMemory(pricers, KEEP_PRICED)
        tree.memory.remember(pricer.item, least(near, pricer), near[pricer.bids])
        tree.memory.remember(pricer.item, least(far, pricer), far[pricer.bids])
        lower = tree._known_lower(pricer, duals)
        assert lower is not None and exact * 0.999 <= lower <= exact * (1 + 1e-12)
        answered += 1
        for _ in range(KEEP_PRICED):  # the earlier ones go
            tree.memory.remember(pricer.item, least(far, pricer), far[pricer.bids])
        assert tree._known_lower(pricer, duals) is None
    assert answered >= len(pricers) // 2


def _asked_while_branching(problem, question: str) -> tuple[list, float]:
    """Start the child, wait until its tree has solved 4 nodes, ask it ``question`` ("patterns"
    or "guide"); its answer and its bound then."""
    helper = BackgroundBound.start(problem, time.monotonic() + 40, np.inf)
    assert helper is not None
    try:
        end = time.monotonic() + 30
        while helper.nodes < 4 and not helper.finished and time.monotonic() < end:
            helper.poll(np.inf)
            time.sleep(0.05)
        assert helper.nodes >= 4
        return getattr(helper, question)(wait=5.0), helper.value
    finally:
        helper.stop()


def test_the_tree_hands_its_patterns_to_the_search() -> None:
    """``BackgroundBound.patterns``: asked while its tree runs, the child answers the awards its
    pricing found after the root (split awards at its branching quantities), each a whole cover of
    one item by that item's bids, in bid ids the search maps back to its own segments."""
    from awards.engine.heuristics import as_reduced

    problem = parse_problem(generate(SIZES["300x30x4"], 0, "mixed-sizes"))
    found, _ = _asked_while_branching(problem, "patterns")
    assert found
    reduced = presolve(problem)
    for item, award in found:
        assert sum(award.values()) == problem.items[item].quantity
        assert all(problem.bids[[bid.id for bid in problem.bids].index(b)].item == problem.items[item].id for b in award)
        assert as_reduced(reduced, award)


def test_the_tree_hands_its_best_nodes_lp_to_the_search() -> None:
    """``BackgroundBound.guide`` (``BranchAndPrice.best_support``): asked while its tree runs, the
    child answers the LP solution of its open node with the least bound -- per item, awards whose
    weights sum to one, each a whole cover of the item by its bids -- costing about the tree's
    bound; in bid ids the search maps back to its own segments (as ``Search.tree_guide`` does)."""
    from awards.engine.heuristics import as_reduced, award_cost

    problem = parse_problem(generate(SIZES["300x30x4"], 0, "mixed-sizes"))
    found, bound = _asked_while_branching(problem, "guide")
    assert found
    reduced = presolve(problem)
    weights: dict[int, float] = {}
    cost = 0.0
    for item, award, weight in found:
        assert 0 < weight <= 1 + 1e-6
        weights[item] = weights.get(item, 0.0) + weight
        assert sum(award.values()) == problem.items[item].quantity
        assert all(problem.bids[[bid.id for bid in problem.bids].index(b)].item == problem.items[item].id for b in award)
        mapped = as_reduced(reduced, award)
        assert mapped
        cost += weight * award_cost(reduced, mapped)
    assert sorted(weights) == list(range(len(problem.items)))
    assert all(abs(total - 1) < 1e-5 for total in weights.values())
    assert bound * (1 - 1e-6) <= cost <= bound * 1.001


def test_the_best_node_is_the_least_bound_among_those_that_kept_their_lp() -> None:
    """``BranchAndPrice.best_support``: the open node with the least bound answers its LP; past
    SUPPORTS_KEPT open nodes, new ones keep none, and then the least bound among those that did
    answers; nothing while the tree is not running."""
    import heapq

    from awards.engine.branching import Node

    tree = BranchAndPrice.__new__(BranchAndPrice)
    tree._open = []
    assert tree.best_support() == []
    kept = Node(5.0, 1, (), None, (np.array([3, 4], dtype=np.int32), np.array([0.25, 0.75], dtype=np.float32)))
    later = Node(6.0, 3, (), None, (np.array([7], dtype=np.int32), np.array([1.0], dtype=np.float32)))
    heap: list[Node] = []
    for node in (later, kept):
        heapq.heappush(heap, node)
    tree._open = heap
    assert tree.best_support() == [(3, 0.25), (4, 0.75)]
    heapq.heappush(heap, Node(4.0, 2, ()))  # pushed past SUPPORTS_KEPT: no LP kept
    assert tree.best_support() == [(3, 0.25), (4, 0.75)]
    heapq.heappop(heap)
    heapq.heappop(heap)
    assert tree.best_support() == [(7, 1.0)]


def test_strong_branching_keeps_of_each_node_the_option_whose_two_sides_gain_most() -> None:
    """``BranchAndPrice.run`` solves both sides of a node's options (up to STRONG_CANDIDATES, on
    different items; those whose pseudo-costs predict them less well than a solved one are not
    solved) and keeps the solved pair with the largest product of the two bound gains; every open
    node's path is made of kept pairs, the root solves all its options, and gains are recorded."""
    from awards.engine.branching import STRONG_CANDIDATES
    from awards.engine.colgen import generate_columns, initial_patterns

    data = generate(SIZES["300x30x4"], 3, "heavy-tail")
    data["items"], kept = data["items"][:40], {item["id"] for item in data["items"][:40]}
    data["bids"] = [bid for bid in data["bids"] if bid["item"] in kept]
    data["constraints"]["max_vendor_share"] = 0.12
    reduced = presolve(parse_problem(data))
    pricers = [ItemPricer(reduced, item) for item in range(len(data["items"]))]
    master = Master(reduced)
    master.add(initial_patterns(reduced, pricers))
    root = generate_columns(reduced, pricers, master, deadline=time.monotonic() + 10)
    tree = BranchAndPrice(reduced, pricers, master)
    solved: list[tuple[tuple, float]] = []  # (decisions, bound) of every child, in the order solved
    examine = tree._examine  # (each child's, right after its column generation; it may settle the bound)

    def logged(child, z, slack):
        answer = examine(child, z, slack)
        solved.append((child.decisions, child.bound))
        return answer

    tree._examine = logged
    _, count, open_nodes = tree.run(root.lower_bound, root.z, time.monotonic() + 60, max_nodes=40)
    assert count == len(solved) >= 40 and open_nodes
    bound_of = {(): root.lower_bound} | {decisions: bound for decisions, bound in solved}
    options: dict[tuple, list[tuple[float, tuple]]] = {}  # parent -> (score, the pair's decisions)
    for (first, low), (second, high) in zip(solved[::2], solved[1::2]):
        assert first[:-1] == second[:-1] and first[-1][:2] == second[-1][:2]  # the two sides of one option
        parent = first[:-1]
        gains = sorted(max(min(b - bound_of[parent], 1e18), 1e-6) for b in (low, high))
        options.setdefault(parent, []).append((gains[0] * gains[1], (first[-1], second[-1])))
    assert len(options[()]) == STRONG_CANDIDATES > 1 and tree._pseudo
    for node in open_nodes:
        for depth in range(len(node.decisions)):
            parent, step = node.decisions[:depth], node.decisions[depth]
            scores = options[parent]
            best = max(range(len(scores)), key=lambda k: (scores[k][0], -k))  # the first of equals
            assert step in scores[best][1]


def test_pseudo_costs_predict_an_options_gains_once_its_bid_was_branched_on_often_enough() -> None:
    """``BranchAndPrice._estimate``: None until both sides of the option's bid have
    PSEUDO_RELIABLE recorded gains (gain per share of the mixture barred); then the mean per side
    times the share this option bars, each at most what is left to the best cost, multiplied."""
    from awards.engine.branching import PSEUDO_RELIABLE

    data = generate(SIZES["300x30x4"], 0, "base")
    reduced = presolve(parse_problem(data))
    tree = BranchAndPrice(reduced, [], Master(reduced))
    option = (4, 7, 120, 0.25)  # bid 7 on item 4, at most 120 / more; a quarter of the mixture at most 120
    assert tree._estimate(option, 1e18) is None
    for k in range(PSEUDO_RELIABLE):  # [sum, count] of the gains per share barred
        low = tree._pseudo.setdefault((4, 7, False), [0.0, 0])  # the "at most" side
        low[0], low[1] = low[0] + 100.0 + 20 * k, low[1] + 1
        assert tree._estimate(option, 1e18) is None  # the other side not yet
    tree._pseudo[(4, 7, True)] = [400.0 * PSEUDO_RELIABLE, PSEUDO_RELIABLE]
    low = float(np.mean([100.0 + 20 * k for k in range(PSEUDO_RELIABLE)]))
    assert tree._estimate(option, 1e18) == pytest.approx((low * 0.75) * (400.0 * 0.25))
    assert tree._estimate(option, 50.0) == pytest.approx(50.0 * 50.0)  # each side capped by what is left
    assert tree._estimate((4, 8, 120, 0.25), 1e18) is None  # another bid
    assert tree._estimate((4, 7, None, None), 1e18) is None  # an over-cap option: always solved
