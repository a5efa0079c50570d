"""The per-item DP, the fast pricer built on it, and the bounds used to drop segments."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import awards.engine.pricing as pricing
from awards.engine import parse_problem
from awards.engine.itemdp import Stage, min_plus, solve_item, window_min
from awards.engine.presolve import presolve
from awards.engine.pricing import FixingData, ItemPricer, WholeOnly, forced_lower_bounds
from bench.generate import SIZES, Size, generate


@pytest.mark.parametrize("scipy_call", ["chosen", "public"])
def test_window_min_matches_a_loop(monkeypatch, scipy_call: str) -> None:
    """Windows of odd and even widths (scipy's filter places them differently), empty ones, ones
    past the ends, and values with INF (an unreachable quantity) and of both signs: exactly --
    through scipy's C pass called directly (as on this scipy) and through its public function,
    answered in a new array and into a row of a table (as a DP stage does). (Until 2026-12-07 both
    cases ran the public function: the C pass itself was checked only on the import's sample.)"""
    import awards.engine.itemdp as itemdp

    if scipy_call == "chosen" and itemdp._filter is itemdp._public_filter:
        # a scipy whose private C pass is missing or answers otherwise: the public function is
        # used (the "public" case below covers it); say so rather than pass quietly
        pytest.skip("this scipy's C pass behind minimum_filter1d is not used (missing or different)")
    if scipy_call == "public":
        monkeypatch.setattr(itemdp, "_filter", itemdp._public_filter)
    rng = np.random.default_rng(3)
    for n in (1, 2, 40, 301):
        values = rng.normal(size=n) * 1e6
        values[rng.random(n) < 0.2] = np.inf
        for lo, hi in [(0, 0), (1, 3), (0, 1), (2, 39), (5, 100), (39, 45), (0, n - 1), (3, 3), (7, 12), (0, 2 * n)]:
            expected = [min(values[max(0, q - hi): q - lo + 1], default=np.inf) if q >= lo else np.inf
                        for q in range(n)]
            assert np.array_equal(window_min(values, lo, hi), expected), (n, lo, hi)
            table = np.full((3, n), -1.0)
            window_min(values, lo, hi, out=table[1])
            assert np.array_equal(table[1], expected) and (table[[0, 2]] == -1).all(), (n, lo, hi)



def test_the_engine_imports_without_scipy_ndimage() -> None:
    """The background tree's child process imports the engine on every solve; scipy.ndimage's
    package import cost it 0.4 s of 0.7 (``itemdp._compiled_ndimage``). A fresh interpreter, as the
    child is, must not import it (unless this scipy's C pass could not be used)."""
    import subprocess
    import sys

    import awards.engine.itemdp as itemdp

    if itemdp._filter is itemdp._public_filter:
        pytest.skip("this scipy's C pass behind minimum_filter1d is not used (missing or different)")
    code = ("import sys; from awards.engine.background import child_main; "
            "print('scipy.ndimage' in sys.modules)")
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert answer.stdout.strip() == "False"

def test_min_plus_matches_a_loop() -> None:
    rng = np.random.default_rng(4)
    for n in (1, 2, 7, 40):
        source, curve = rng.normal(size=n), rng.normal(size=n)
        source[rng.random(n) < 0.3] = np.inf
        curve[rng.random(n) < 0.3] = np.inf
        expected = [min(source[q - x] + curve[x] for x in range(q + 1)) for q in range(n)]
        assert np.array_equal(min_plus(source, curve), expected)


@pytest.mark.parametrize("limit", [None, 0, 1, 2])
@pytest.mark.parametrize("dense", [True, False])
def test_the_dp_keeps_level_zero_once_and_the_other_levels_per_stage(limit, dense, monkeypatch) -> None:
    """Level 0 (no bid yet) never changes, so the backtrack's history keeps only the other levels
    per stage: one row a stage without a vendor limit (an item of 10,000,000 units with 12 capped
    bids peaked at 1.6 GB instead of 2.6). The answers are those of a search over every award."""
    import awards.engine.itemdp as itemdp
    from awards.engine.itemdp import ItemDP

    monkeypatch.setattr(itemdp, "CONVOLUTION_MAX_QUANTITY", 10**6 if dense else 0)
    rng = np.random.default_rng(7)
    quantity, lo, hi, price, stages = 100, [], [], [], []
    for b in range(4):
        edges = [1, *sorted(rng.choice(np.arange(2, 70), 2, replace=False).tolist()), 71 + 15 * b]
        segments = []
        for t in range(3):
            lo.append(edges[t]); hi.append(edges[t + 1] - 1); price.append(10.0 - t - rng.random())  # noqa: E702
            segments.append(len(lo) - 1)
        stages.append(Stage(b, segments, fixed=float(rng.integers(0, 50))))
    lo, hi, price = np.array(lo, float), np.array(hi, float), np.array(price)
    dp = ItemDP(quantity, lo, hi, price, limit, len(stages))
    for stage in stages:
        dp.add(stage)
    levels = 2 if limit is None else limit + 1
    assert [before.shape for _, before in dp.history] == [(levels - 1, quantity + 1)] * len(stages)
    assert dp.table.shape == (levels, quantity + 1) and dp.table[0, 0] == 0 and np.isinf(dp.table[0, 1:]).all()
    cost, award = solve_item(quantity, stages, lo, hi, price, limit)
    reached = {(0, 0): 0.0}  # (bids used, units) -> least cost, every award by brute force
    for stage in stages:
        after = dict(reached)
        for (used, units), value in reached.items():
            if limit is not None and used >= limit:
                continue
            for seg in stage.segments:
                for q in range(int(lo[seg]), min(int(hi[seg]), quantity - units) + 1):
                    key, new = (used + 1, units + q), value + price[seg] * q + stage.fixed
                    if new < after.get(key, np.inf):
                        after[key] = new
        reached = after
    expected = min((v for (_, units), v in reached.items() if units == quantity), default=np.inf)
    if limit == 0:  # no bid may be used: nothing covers the item
        assert np.isinf(expected) and np.isinf(cost) and award == {}
        return
    assert cost == pytest.approx(expected, abs=1e-6)
    assert limit is None or len(award) <= limit
    assert sum(q for _, q in award.values()) == quantity
    assert cost == pytest.approx(sum(price[s] * q + stages[b].fixed for b, (s, q) in award.items()), abs=1e-6)


def test_the_dense_and_the_sliding_convolutions_agree(monkeypatch) -> None:
    """Items priced with every stage dense, then every stage by sliding windows: the same costs."""
    import awards.engine.itemdp as itemdp

    data = generate(Size(12, 5, 4, capacity_rate=0.6, max_vendors_per_item=3), 3)
    for item in data["items"]:
        item["quantity"] = min(item["quantity"], 400)
    reduced = presolve(parse_problem(data))
    factor = np.random.default_rng(1).uniform(0.5, 1.5, len(reduced.bids))
    price = reduced.seg_price * factor[reduced.seg_bid]
    values = []
    for mode in (10_000, 0):
        monkeypatch.setattr(itemdp, "CONVOLUTION_MAX_QUANTITY", mode)
        values.append([ItemPricer(reduced, item).price(price, factor, None, with_award=False)[0]
                       for item in range(len(reduced.problem.items))])
    assert np.allclose(values[0], values[1]) and np.isfinite(values[0]).all()


@pytest.fixture(params=["unit DP", "segment ends"])
def pricing_path(request, monkeypatch) -> str:
    """Run a test once with every item priced by the unit DP, once over the segment ends
    (``sparseprice``) wherever its states stay under MAX_STATES."""
    monkeypatch.setattr(pricing, "SPARSE_STATE_COST", np.inf if request.param == "unit DP" else 0.0)
    return request.param


def brute_item(pricer: ItemPricer, price, fixed, limit) -> float:
    """Cheapest exact cover of one item by enumeration over (segment, quantity) per bid."""
    choices = []
    for b in pricer.bids:
        options = [(None, 0)]
        for s in pricer.segments[b]:
            options += [(s, q) for q in range(int(pricer.lo[s]), int(pricer.hi[s]) + 1)]
        choices.append(options)
    best = np.inf
    for picked in itertools.product(*choices):
        used = [(b, s, q) for b, (s, q) in zip(pricer.bids, picked) if q]
        if sum(q for _, _, q in used) != pricer.quantity or (limit and len(used) > limit):
            continue
        best = min(best, sum(price[s] * q + (fixed[b] if fixed is not None else 0) for b, s, q in used))
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 1000), limit=st.sampled_from([None, 1, 2]), signs=st.sampled_from(["+", "+-"]))
def test_fast_pricer_is_exact(seed: int, limit, signs: str, pricing_path: str) -> None:
    size = Size(4, 3, 3, max_vendors_per_item=limit, capacity_rate=0.5)
    data = generate(size, seed)
    for item in data["items"]:
        item["quantity"] = min(item["quantity"], 9)
    reduced = presolve(parse_problem(data))
    rng = np.random.default_rng(seed)
    low = -0.3 if "-" in signs else 0.5
    factor = rng.uniform(low, 1.5, len(reduced.bids))
    fixed = rng.uniform(-20 if "-" in signs else 0, 20, len(reduced.bids))
    price = reduced.seg_price * factor[reduced.seg_bid]
    for item in range(len(reduced.problem.items)):
        if not reduced.bids_of_item[item]:
            continue
        pricer = ItemPricer(reduced, item)
        value, award = pricer.price(price, factor, fixed, with_award=True)
        stages = [Stage(b, pricer.segments[b], fixed[b]) for b in pricer.bids]
        reference, _ = solve_item(pricer.quantity, stages, reduced.seg_lo, reduced.seg_hi, price, limit)
        expected = brute_item(pricer, price, fixed, limit)
        assert np.isclose(value, expected) and np.isclose(reference, expected)
        if np.isfinite(value):
            assert sum(q for _, q in award.values()) == pricer.quantity
            assert np.isclose(sum(price[s] * q + fixed[b] for b, (s, q) in award.items()), value)


@pytest.mark.parametrize("family", ["heavy-tail", "mixed-sizes"])
def test_the_award_comes_only_below_the_price_asked(family: str, pricing_path: str) -> None:
    """``award_below``: the same least cost, and its award only where it is below the figure
    (column pricing asks with the item's dual, skipping the backtrack of every other DP)."""
    reduced = presolve(parse_problem(generate(Size(12, 8, 3, share_cap=0.2), 3, family)))
    rng = np.random.default_rng(3)
    factor = rng.uniform(0.8, 1.2, len(reduced.bids))
    price = reduced.seg_price * factor[reduced.seg_bid]
    for item in range(len(reduced.problem.items)):
        pricer = ItemPricer(reduced, item)
        value, award = pricer.price(price, factor, None, with_award=True)
        above, none = pricer.price(price, factor, None, with_award=True, award_below=value)
        below, same = pricer.price(price, factor, None, with_award=True, award_below=value + 1.0)
        assert value == above == below and none is None and same == award
        assert np.isclose(sum(price[s] * q for s, q in award.values()), value)


@pytest.mark.parametrize("family", ["heavy-tail", "mixed-sizes", "base"])
def test_whole_bids_over_quantities_cost_what_the_vector_step_does(family: str, monkeypatch) -> None:
    """``ItemPricer._envelope`` (big items): the same least cost as the step over every (segment,
    quantity), and a bid, segment and quantity that cost it, with some whole bids left out."""
    reduced = presolve(parse_problem(generate(Size(30, 10, 4, share_cap=0.2), 2, family)))
    rng = np.random.default_rng(2)
    tried = 0
    for item in range(len(reduced.problem.items)):
        pricer = ItemPricer(reduced, item)
        if not pricer.whole_capable:
            continue
        for _ in range(3):
            price = reduced.seg_price * rng.uniform(0.8, 1.2, len(reduced.bids))[reduced.seg_bid]
            whole = [b for b in pricer.whole_capable if rng.random() < 0.8] or pricer.whole_capable[:1]
            rest = rng.uniform(0.5, 2.0, pricer.quantity + 1) * np.arange(pricer.quantity + 1) * price.mean()
            rest[rng.random(pricer.quantity + 1) < 0.2] = np.inf
            monkeypatch.setattr(pricing, "ENVELOPE_MIN_QUANTITY", 10**12)
            flat = pricer._best_whole(whole, price, None, rest)
            monkeypatch.setattr(pricing, "ENVELOPE_MIN_QUANTITY", 0)
            over = pricer._best_whole(whole, price, None, rest)
            assert (flat is None) == (over is None)
            if over is not None and np.isfinite(flat[0]):
                cost, bid, segment, quantity = over
                assert cost == flat[0] and bid in whole and segment in pricer.segments[bid]
                assert reduced.seg_lo[segment] <= quantity <= reduced.seg_hi[segment]
                assert cost == price[segment] * quantity + rest[pricer.quantity - quantity]
                tried += 1
    assert tried > 20


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 1000))
def test_forced_bounds_never_exceed_the_true_forced_cost(seed: int) -> None:
    """Dropping a segment is safe only if its bound is a true lower bound."""
    data = generate(Size(3, 3, 3, capacity_rate=0.5), seed)
    for item in data["items"]:
        item["quantity"] = min(item["quantity"], 8)
    reduced = presolve(parse_problem(data))
    rng = np.random.default_rng(seed)
    factor = rng.uniform(0.5, 1.5, len(reduced.bids))
    price = reduced.seg_price * factor[reduced.seg_bid]
    for item in range(len(reduced.problem.items)):
        pricer = ItemPricer(reduced, item)
        fixing = FixingData(reduced, pricer)
        bounds = forced_lower_bounds(pricer, fixing, price, factor, None)
        for position, s in enumerate(fixing.segments):
            b = int(reduced.seg_bid[s])
            forced = np.inf
            for q in range(int(reduced.seg_lo[s]), int(reduced.seg_hi[s]) + 1):
                others = [Stage(o, pricer.segments[o]) for o in pricer.bids if o != b]
                rest, _ = solve_item(pricer.quantity - q, others, reduced.seg_lo, reduced.seg_hi, price) \
                    if q < pricer.quantity else (0.0, {})
                forced = min(forced, price[s] * q + rest)
            assert bounds[position] <= forced + 1e-6


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 1000), limit=st.sampled_from([None, 1, 2]))
def test_a_pricer_cut_to_quantity_ranges_is_exact(seed: int, limit, pricing_path: str) -> None:
    """``ItemPricer.restricted`` (a branch-and-price decision on bids' quantities): the least cost
    of an award whose bids each take 0 or a quantity in their range, as enumeration finds it."""
    data = generate(Size(4, 3, 3, max_vendors_per_item=limit, capacity_rate=0.5), seed)
    for item in data["items"]:
        item["quantity"] = min(item["quantity"], 9)
    reduced = presolve(parse_problem(data))
    rng = np.random.default_rng(seed)
    factor = rng.uniform(0.5, 1.5, len(reduced.bids))
    fixed = rng.uniform(0, 20, len(reduced.bids))
    price = reduced.seg_price * factor[reduced.seg_bid]
    for item in range(len(reduced.problem.items)):
        pricer = ItemPricer(reduced, item)
        if not pricer.bids:
            continue
        ranges = {}
        for b in pricer.bids:
            if rng.random() < 0.6:
                least = int(rng.integers(0, pricer.quantity + 1))
                ranges[b] = (least, int(rng.integers(max(least, 1), pricer.quantity + 1)))
        cut = pricer.restricted(reduced, ranges)
        expected = np.inf
        choices = []
        for b in pricer.bids:
            least, most = ranges.get(b, (0, pricer.quantity))
            options = [(None, 0)] + [(s, q) for s in pricer.segments[b]
                                     for q in range(int(pricer.lo[s]), int(pricer.hi[s]) + 1)
                                     if max(least, 1) <= q <= most]
            choices.append(options)
        for picked in itertools.product(*choices):
            used = [(b, s, q) for b, (s, q) in zip(pricer.bids, picked) if q]
            if sum(q for _, _, q in used) == pricer.quantity and not (limit and len(used) > limit):
                expected = min(expected, sum(price[s] * q + fixed[b] for b, s, q in used))
        if cut is None:
            assert not np.isfinite(expected)
            continue
        value, award = cut.price(price, factor, fixed, with_award=True)
        assert value == pytest.approx(expected, rel=1e-9) if np.isfinite(expected) else not np.isfinite(value)
        if np.isfinite(value):
            assert sum(q for _, q in award.values()) == pricer.quantity
            for b, (s, q) in award.items():
                least, most = ranges.get(b, (0, pricer.quantity))
                assert max(least, 1) <= q <= most and reduced.seg_bid[s] == b


@pytest.mark.parametrize("family", ["tiny-items", "deep-discount", "base"])
def test_items_priced_together_match_their_own_pricer(family: str) -> None:
    """``WholeOnly`` (the items whose bids all take them whole, priced in one vector step, as
    branch-and-price does) gives each item it prices the same least cost as its ``ItemPricer``,
    an award of that cost, and leaves to the pricer the items it cannot price (a negative
    multiplier or charge); with bids left out, the same as the pricer told to leave them out."""
    reduced = presolve(parse_problem(generate(SIZES["50x8x3"], 1, family)))
    pricers = [ItemPricer(reduced, item) for item in range(len(reduced.problem.items))]
    whole = WholeOnly(reduced, pricers)
    assert whole.eligible.any()
    rng = np.random.default_rng(7)
    for trial in range(6):
        factor = rng.uniform(0.5, 1.5, len(reduced.bids))
        if trial == 5:
            factor[rng.integers(0, len(reduced.bids), 10)] = -0.1
        fixed = rng.uniform(0.0, 50.0, len(reduced.bids)) if trial % 2 or trial == 4 else None
        adjusted = reduced.seg_price * factor[reduced.seg_bid]
        left_out = [(pricer.item, pricer.bids[0]) for pricer in pricers if trial >= 3]
        if trial == 4:
            fixed[rng.integers(0, len(reduced.bids), 10)] = -5.0  # e.g. a bundle's dual
        priced, least, rows = whole.price(adjusted, factor, fixed, whole.rows_of(left_out) if left_out else None)
        assert not (priced & ~whole.eligible).any()
        for pricer in pricers:  # a negative multiplier or charge breaks the merge argument: DP only
            if (factor[pricer.bids] <= 0).any() or (fixed is not None and (fixed[pricer.bids] < 0).any()):
                assert not priced[pricer.item]
        checked = 0
        for pricer in pricers:
            if not priced[pricer.item]:
                continue
            exclude = frozenset(bid for item, bid in left_out if item == pricer.item)
            value, _ = pricer.price(adjusted, factor, fixed, with_award=False, exclude=exclude)
            assert least[pricer.item] == pytest.approx(value, rel=1e-12)
            if np.isfinite(value):
                (bid, (segment, quantity)), = whole.award(int(rows[pricer.item])).items()
                assert bid not in exclude and quantity == pricer.quantity
                charge = 0.0 if fixed is None else fixed[bid]
                assert adjusted[segment] * quantity + charge == pytest.approx(value, rel=1e-12)
            checked += 1
        assert checked


@pytest.mark.parametrize("family", ["mixed-sizes", "heavy-tail"])
def test_big_items_priced_over_segment_ends_match_the_unit_dp(family: str, monkeypatch) -> None:
    """Items of thousands of units: the segment-end pricing (``sparseprice``) finds the unit DP's
    least cost, at perturbed prices, with bundle-like charges of either sign, bids left out and
    prices of negative sign, and its awards cover the item within the rules. On mixed-sizes the
    default rule chooses it for the big items; heavy-tail's items (many capped bids: more states)
    mostly keep the unit DP, so there it is forced wherever its states stay under MAX_STATES."""
    data = generate(SIZES["300x30x4"], 1, family)
    data["items"], kept = data["items"][:40], {item["id"] for item in data["items"][:40]}
    data["bids"] = [bid for bid in data["bids"] if bid["item"] in kept]
    data["constraints"]["max_vendors_per_item"] = 3
    reduced = presolve(parse_problem(data))
    rng = np.random.default_rng(7)
    default, sparse_calls = (pricing.SPARSE_STATE_COST if family == "mixed-sizes" else 0.0), []
    original = pricing.sparse_price
    monkeypatch.setattr(pricing, "sparse_price", lambda *a: sparse_calls.append(a[0]) or original(*a))
    for trial in range(3):
        factor = rng.uniform(0.9, 1.1, len(reduced.bids))
        if trial == 2:
            factor[rng.random(len(reduced.bids)) < 0.1] *= -0.3
        fixed = None if trial == 0 else rng.normal(0, 500, len(reduced.bids))
        price = reduced.seg_price * factor[reduced.seg_bid]
        for item in range(len(data["items"])):
            pricer = ItemPricer(reduced, item)
            exclude = frozenset(b for b in pricer.bids if trial and rng.random() < 0.2)
            answers = []
            for cost in (default, np.inf):
                monkeypatch.setattr(pricing, "SPARSE_STATE_COST", cost)
                answers.append(pricer.price(price, factor, fixed, with_award=True, exclude=exclude))
            (value, award), (reference, _) = answers
            assert value == pytest.approx(reference, rel=1e-9, abs=1e-6) if np.isfinite(reference) \
                else not np.isfinite(value)
            if np.isfinite(value):
                assert sum(q for _, q in award.values()) == pricer.quantity and len(award) <= 3
                assert not set(award) & exclude
                assert all(pricer.lo[s] <= q <= pricer.hi[s] and reduced.seg_bid[s] == b for b, (s, q) in award.items())
                charges = sum(fixed[b] for b in award) if fixed is not None else 0.0
                assert sum(price[s] * q for s, q in award.values()) + charges == pytest.approx(value, rel=1e-9)
    assert any(quantity >= (5000 if family == "mixed-sizes" else 1000) for quantity in sparse_calls)


@pytest.mark.parametrize("family", ["heavy-tail", "mixed-sizes"])
@pytest.mark.parametrize("path", ["unit DP", "cheaper path"])
def test_a_pricer_asked_again_answers_as_a_new_one(family: str, path: str, monkeypatch) -> None:
    """``ItemPricer`` keeps per-bid DP blocks and per-whole-bids arrays and plans between calls
    (fixed by its item and bids): asked again at other prices, with other bids excluded, it
    answers exactly as a pricer made afresh for that call -- big items (over quantities) and
    small ones alike, through the unit DP (``sparseprice`` barred) or the cheaper path."""
    if path == "unit DP":
        monkeypatch.setattr(pricing, "MAX_STATES", -1)
    reduced = presolve(parse_problem(generate(Size(40, 10, 4, share_cap=0.2), 3, family)))
    rng = np.random.default_rng(3)
    pricers = [ItemPricer(reduced, item) for item in range(len(reduced.problem.items))]
    checked = big = 0
    for _ in range(4):
        factor = rng.uniform(0.8, 1.2, len(reduced.bids))
        price = reduced.seg_price * factor[reduced.seg_bid]
        for item, pricer in enumerate(pricers):
            exclude = frozenset(b for b in pricer.bids if rng.random() < 0.25)
            kept = pricer.price(price, factor, None, with_award=True, exclude=exclude)
            fresh = ItemPricer(reduced, item).price(price, factor, None, with_award=True, exclude=exclude)
            assert kept == fresh
            checked += 1
            big += pricer.quantity >= pricing.ENVELOPE_MIN_QUANTITY and pricer.whole_capable != []
    assert checked == 160 and big > 4
