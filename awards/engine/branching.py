"""Branch-and-price on the Dantzig-Wolfe master: a stronger bound where the master LP mixes
awards of one item.

The master LP may cover an item with a convex combination of patterns (e.g. half of an item to one
vendor, half to another, each at its whole-quantity tier price); the Lagrangian bound is then the
value of that mixture, which no real award reaches. Branching on a bid of such an item, *used*
(q > 0) or *not used*, splits the problem in two; each child gets its own column generation with
the decision enforced in pricing:

- not used: the bid is left out of the item's DP (and any pattern with it is barred from the
  child's master);
- used: the bid gets a fixed credit larger than the spread of all the item's adjusted award costs
  (so an award with it always wins where there is one), added back afterwards. (An absolute
  +-1e9 charge, as first written, failed where the duals make an item's adjusted cost exceed it --
  share prices at the master's slack price, prices in the millions -- and then a node with awards
  looked empty and the bound passed the optimum: found by a review's fuzzing, tested now.)

For any duals the sum of the items' cheapest adjusted awards *under the node's decisions* is a
lower bound on every award in the node (only complete pricing passes count), so the least bound
over the open nodes bounds the problem. Columns are shared by all nodes (the master's column
bounds bar those a node forbids). A node whose LP chooses one whole pattern per item is an award
(offered to the caller, who checks it exactly) and is closed.

Best first, branching on the bid whose weight in its item's LP mixture is nearest 1/2, weighted by
the money at stake. Each node costs a few pricing passes (one item DP per item), so this pays only
where those are cheap: on instances of many small items it raised the bound by 0.004-0.02% of the
cost in a second or two (awards/engine/README.md, seventh session); on big items it barely moves
it. The engine runs it only where a pricing pass is cheap against the time it can give
(``solve``).
"""

from __future__ import annotations

import heapq
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import numpy as np

from .highs import stopped
from .master import Duals, Master, Pattern
from .model import Problem
from .pricing import ItemPricer
from .presolve import Reduced

REPORT_SECONDS = 0.25  # a background search sends its rising bound at most this often
STOP_SECONDS = 0.5  # a background search asked to stop is killed if it has not ended by then
CHILD_NICENESS = 10  # a background search runs at a lower priority than the search it helps
MAX_OPEN = 20_000  # open nodes kept at most (memory); past it the search stops, its bound still valid
Decision = tuple[int, int, bool]  # (item, bid, used)


@dataclass(order=True)
class Node:
    bound: float
    serial: int
    decisions: tuple[Decision, ...] = field(compare=False)
    choice: tuple[int, int] | None = field(default=None, compare=False)  # (item, bid) to branch on


class BranchAndPrice:
    def __init__(self, reduced: Reduced, pricers: list[ItemPricer], master: Master) -> None:
        self.reduced = reduced
        self.pricers = pricers
        self.master = master
        self.serial = 0
        self.bids_of_pattern: list[frozenset[int]] = []
        self.item_of_pattern = np.zeros(0, dtype=np.int64)
        self.priced = 0  # item DPs run, for the stats
        self._halt: Callable[[], bool] = stopped

    # -- a node's view of the master -----------------------------------------------------
    def _sync(self) -> None:
        """Per-pattern bid sets and items for the patterns added since the last call."""
        patterns = self.master.patterns
        if len(self.bids_of_pattern) < len(patterns):
            new = patterns[len(self.bids_of_pattern):]
            self.bids_of_pattern.extend(frozenset(b for b, _, _ in pattern.award) for pattern in new)
            self.item_of_pattern = np.concatenate(
                [self.item_of_pattern, np.array([pattern.item for pattern in new], dtype=np.int64)])

    def allowed(self, decisions: tuple[Decision, ...]) -> np.ndarray:
        self._sync()
        mask = np.ones(len(self.master.patterns), dtype=bool)
        for item, bid, used in decisions:
            for k in np.flatnonzero(self.item_of_pattern == item):
                if (bid in self.bids_of_pattern[k]) != used:
                    mask[k] = False
        return mask

    def _price_item(self, item: int, adjusted: np.ndarray, duals: Duals, decisions: list[tuple[int, bool]]):
        """The item's cheapest adjusted award under the node's decisions on it, exactly: a bid
        "not used" is left out of the DP; a bid "used" gets a fixed credit larger than the spread
        of every award's adjusted cost on this item (so an award with it always wins, if there is
        one), added back afterwards. (inf, None) if no award keeps the decisions."""
        pricer = self.pricers[item]
        self.priced += 1
        if not decisions:
            return pricer.price(adjusted, duals.factor, duals.fixed, with_award=True)
        excluded = frozenset(bid for bid, used in decisions if not used)
        forced = [bid for bid, used in decisions if used]
        fixed = duals.fixed
        credit = 0.0
        if forced:
            segments = [s for b in pricer.bids for s in pricer.segments[b]]
            spread = float(np.abs(adjusted[segments]).max(initial=0.0)) * pricer.quantity
            if duals.fixed is not None:
                spread += float(np.abs(duals.fixed[pricer.bids]).sum())
            big = 4.0 * spread + 1.0
            fixed = np.zeros(len(self.reduced.bids)) if duals.fixed is None else duals.fixed.copy()
            for bid in forced:
                fixed[bid] -= big
                credit += big
        value, award = pricer.price(adjusted, duals.factor, fixed, with_award=True, exclude=excluded)
        if not np.isfinite(value) or award is None:
            return np.inf, None
        bids = set(award)
        if any((bid in bids) != used for bid, used in decisions):
            return np.inf, None  # no award on this item uses every forced bid
        return value + credit, award

    def _seed(self, by_item: dict[int, list[tuple[int, bool]]]) -> bool:
        """Give every decided item a pattern the node allows (at list prices); False if one has none."""
        ones = np.ones(len(self.reduced.bids))
        plain = Duals(np.zeros(len(self.pricers)), ones, None, 0.0, np.zeros(len(self.reduced.vendors)))
        found = []
        for item, rules in by_item.items():
            _, award = self._price_item(item, self.reduced.seg_price, plain, rules)
            if award is None:
                return False
            found.append(Pattern.make(self.reduced, item, award))
        self.master.add(found)
        return True

    def column_generation(self, node: Node, deadline: float, tolerance: float = 1e-7,
                          max_rounds: int = 50) -> tuple[float, np.ndarray | None, float]:
        """The node's bound (inf if it holds no award), its last LP solution and the slack that
        LP used (spend over a cap; > 0 means the solution is no award)."""
        by_item: dict[int, list[tuple[int, bool]]] = {}
        for item, bid, used in node.decisions:
            by_item.setdefault(item, []).append((bid, used))
        if not self._seed(by_item):
            return np.inf, None, 0.0
        master, reduced = self.master, self.reduced
        bound, z, slack = node.bound, None, 0.0
        for _ in range(max_rounds):
            master.set_allowed(self.allowed(node.decisions))
            try:
                duals, z = master.solve_lp()
            except RuntimeError:  # HiGHS did not solve the node's LP (seen once at prices x1e6):
                return bound, None, 0.0  # the node keeps the bound it has, and is not split further
            slack = master.slack_used()
            adjusted = reduced.seg_price * duals.factor[reduced.seg_bid]
            total, found, complete = 0.0, [], True
            for pricer in self.pricers:
                if time.monotonic() > deadline or self._halt():
                    complete = False  # a partial pass bounds nothing
                    break
                value, award = self._price_item(pricer.item, adjusted, duals, by_item.get(pricer.item, []))
                if not np.isfinite(value):
                    return np.inf, None, 0.0
                total += value
                sigma = duals.sigma[pricer.item]
                if award is not None and value - sigma < -1e-9 * max(1.0, abs(sigma)):
                    found.append(Pattern.make(reduced, pricer.item, award))
            if complete:
                bound = max(bound, total)
            added = master.add(found)
            if not complete or not added or duals.value - bound <= tolerance * abs(duals.value):
                break
            if time.monotonic() > deadline or self._halt():
                break
        return bound, z, slack

    # -- the tree --------------------------------------------------------------------------
    def branch_choice(self, z: np.ndarray | None) -> tuple[int, int] | None:
        """(item, bid) to branch on: the bid whose weight in its item's LP mixture is nearest 1/2,
        among the items with the most money at stake; None if the LP is integral."""
        if z is None:
            return None
        self._sync()
        weight: dict[tuple[int, int], float] = {}
        stake: dict[int, float] = {}
        for k in np.flatnonzero((z > 1e-6) & (z < 1 - 1e-6)):
            pattern = self.master.patterns[k]
            stake[pattern.item] = max(stake.get(pattern.item, 0.0), pattern.cost)
            for b in self.bids_of_pattern[int(k)]:
                weight[pattern.item, b] = weight.get((pattern.item, b), 0.0) + float(z[k])
        best, choice = -1.0, None
        for (item, bid), w in weight.items():
            if w >= 1 - 1e-6:
                continue
            score = min(w, 1 - w) * stake[item]
            if score > best:
                best, choice = score, (item, bid)
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
        allowed again."""
        heap = [Node(root_bound, 0, (), self.branch_choice(root_z))]
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
                if node.choice is None:  # integral at its last LP: nothing left to split
                    closed.append(node.bound)
                    continue
                item, bid = node.choice
                for used in (True, False):
                    self.serial += 1
                    child = Node(node.bound, self.serial, node.decisions + ((item, bid, used),))
                    child.bound, z, slack = self.column_generation(child, deadline)
                    solved += 1
                    if not np.isfinite(child.bound):
                        continue
                    chosen = self._integral(z, slack)
                    if chosen is not None and on_award is not None:
                        answer = on_award(chosen)
                        incumbent = incumbent if answer is None else min(incumbent, answer)
                    child.choice = None if chosen is not None else self.branch_choice(z)
                    if child.bound < incumbent:
                        heapq.heappush(heap, child)
                if on_bound is not None:
                    on_bound(min(self.bound(heap, closed), incumbent))
                if len(heap) > MAX_OPEN:
                    break
        finally:
            self.master.set_allowed(np.ones(len(self.master.patterns), dtype=bool))
        return min(self.bound(heap, closed), incumbent), solved, heap

    @staticmethod
    def bound(heap: list[Node], closed: list[float]) -> float:
        values = [node.bound for node in heap] + closed
        return min(values) if values else np.inf


class BackgroundBound:
    """Branch-and-price in a child process beside the engine's search.

    Its work is mostly Python (item DPs), which a thread could not run beside the search's own
    Python without slowing both (the GIL; measured: the search then found worse awards), so it
    runs in a Python process of its own (``python -c``, started afresh: no fork of the caller's
    threads, no import of the caller's main module, no Django; about 0.3 s to import the engine).
    The child does its own presolve and column generation (cheap wherever the engine starts it: a
    pricing pass takes milliseconds there), then branches until the deadline, ``stop()`` or the
    caller going away. It reports over a pipe: its bound, and the awards (bid id -> quantity) of
    integral nodes, which the caller checks exactly before keeping; the caller sends it its best
    cost (it prunes with it). Nothing here touches the caller's state; ``poll()`` runs in the
    caller's own thread. If the child cannot start or dies, the search goes on without it (a
    bound it sent before stays valid)."""

    def __init__(self, problem: Problem, deadline: float, best_cost: float) -> None:
        pipes: list[int] = []
        try:
            pipes.extend(os.pipe())  # child reads, parent writes
            pipes.extend(os.pipe())  # parent reads, child writes
            child_reads, to_child, from_child, child_writes = pipes
            paths = [os.path.abspath(path) if path else os.getcwd() for path in sys.path]
            self._process = subprocess.Popen(
                [sys.executable, "-c", "from awards.engine.branching import child_main; child_main()",
                 str(child_reads), str(child_writes)],
                pass_fds=(child_reads, child_writes), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
        except (OSError, ValueError):
            for fd in pipes:
                os.close(fd)
            raise
        os.close(child_reads)
        os.close(child_writes)
        self._send = Connection(to_child, readable=False)
        self._receive = Connection(from_child, writable=False)
        self._sent_best = best_cost
        self._deadline = deadline
        self._send.send((deadline, best_cost))
        # the problem goes through the child's stdin, written by a thread: it is bigger than a pipe
        # holds, and the child reads it only once it has imported the engine
        self._writer = threading.Thread(target=_write_problem, args=(self._process.stdin, problem),
                                        name="award-branch-and-price-input", daemon=True)
        self._writer.start()
        self.value = -np.inf  # its bound so far
        self.nodes = 0  # nodes it has solved so far
        self.finished = False  # it said it is done, or its pipe closed
        self._awards: list[dict[str, int]] = []
        self._closed = False

    @classmethod
    def start(cls, problem: Problem, deadline: float, best_cost: float) -> BackgroundBound | None:
        """The helper, running; None if no child process can be started here."""
        try:
            return cls(problem, deadline, best_cost)
        except (OSError, ValueError):  # no process here (or no fd passing: not a POSIX system)
            return None

    def _drain(self) -> None:
        """Read what the child has sent so far (never blocks)."""
        try:
            while not self._closed and not self.finished and self._receive.poll():
                message = self._receive.recv()
                if message[0] == "bound":
                    self.value = max(self.value, float(message[1]))
                    self.nodes = max(self.nodes, int(message[2]))
                elif message[0] == "award":
                    self._awards.append(message[1])
                elif message[0] == "done":
                    self.nodes = max(self.nodes, int(message[1] or 0))
                    self.finished = True
        except (EOFError, OSError, pickle.UnpicklingError):
            self.finished = True

    def poll(self, best_cost: float) -> list[dict[str, int]]:
        """Tell the child the caller's best cost; take in its bound (``value``) and return the
        awards it sent since the last call."""
        if not self._closed and not self.finished and best_cost < self._sent_best - 0.005:
            self._sent_best = best_cost
            try:
                self._send.send(("best", best_cost))
            except OSError:
                self.finished = True
        self._drain()
        awards, self._awards = self._awards, []
        return awards

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """End the child and wait for it, reading what it sends meanwhile (so it never blocks on
        a full pipe); kill it if it has not ended within ``timeout`` or by the deadline. Afterwards ``poll`` still
        returns what it sent, without touching the pipes."""
        if self._closed:
            return
        self._drain()
        if self.value == -np.inf:  # still starting: nothing to wait for
            timeout = 0.0
        # never past the search's deadline (the child stops there by itself anyway)
        timeout = min(timeout, max(0.0, self._deadline - time.monotonic()))
        try:
            self._send.send(("stop", None))
        except OSError:
            pass
        end = time.monotonic() + timeout
        while self._process.poll() is None and time.monotonic() < end:
            self._drain()
            time.sleep(0.005)
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._drain()
        self._closed = True
        self._send.close()
        self._receive.close()
        self._writer.join(timeout)


def _write_problem(stream, problem: Problem) -> None:
    try:
        pickle.dump(problem, stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.close()
    except (OSError, ValueError):  # the child is gone (or never read it): nothing to do
        pass


def child_main() -> None:
    """The child process (``BackgroundBound``): column generation, then branch-and-price,
    reporting over the pipe named in argv; stops at the deadline, on "stop" or when the parent's
    end of the pipe closes. It only ever exits: any failure ends it with one line on stderr."""
    try:
        os.nice(CHILD_NICENESS)  # the search comes first: this takes the core it leaves idle
    except (OSError, AttributeError):
        pass
    send = None
    nodes = [0]
    try:
        receive = Connection(int(sys.argv[1]), writable=False)
        send = Connection(int(sys.argv[2]), readable=False)
        deadline, best = receive.recv()
        problem = pickle.load(sys.stdin.buffer)
        _branch(problem, deadline, best, receive, send, nodes)
    except (KeyboardInterrupt, BrokenPipeError, EOFError, pickle.UnpicklingError):
        pass  # interrupted with the caller, or the caller is gone (maybe while sending the problem)
    except Exception as error:  # noqa: BLE001 - a helper ends quietly; the search goes on without it
        print(f"edpool award engine: branch-and-price helper stopped: {error!r}", file=sys.stderr)
    finally:
        if send is not None:
            try:
                send.send(("done", nodes[0]))
                send.close()
            except OSError:
                pass


def _branch(problem: Problem, deadline: float, best: float, receive: Connection, send: Connection,
            nodes: list[int]) -> None:
    from .colgen import generate_columns, initial_patterns
    from .highs import stop_check
    from .presolve import presolve

    state = {"best": best, "stop": False, "asked": 0.0, "nodes": 0}

    def stop() -> bool:
        now = time.monotonic()
        if not state["stop"] and now - state["asked"] >= 0.02:
            state["asked"] = now
            try:
                while receive.poll():
                    kind, payload = receive.recv()
                    if kind == "best":
                        state["best"] = min(state["best"], float(payload))
                    else:
                        state["stop"] = True
            except (EOFError, OSError):
                state["stop"] = True
        return state["stop"] or now > deadline

    last = [-np.inf, 0.0]  # the bound last sent, and when

    def report_bound(value: float, force: bool = False) -> None:
        now = time.monotonic()
        if value > last[0] and (force or now - last[1] >= REPORT_SECONDS):
            last[:] = [value, now]
            send.send(("bound", value, state["nodes"]))

    with stop_check(stop):  # the engine's own loops (column generation) ask it too
        if stop():
            return
        reduced = presolve(problem)
        pricers = [ItemPricer(reduced, item) for item in range(len(problem.items))]
        master = Master(reduced)
        master.add(initial_patterns(reduced, pricers))
        if stop():
            return
        root = generate_columns(reduced, pricers, master, deadline=deadline)
        if root.infeasible_items or root.duals is None or master.slack_used() > 1e-6 or stop():
            return
        report_bound(root.lower_bound, force=True)
        tree = BranchAndPrice(reduced, pricers, master)
        sent: set[tuple] = set()

        def on_award(chosen: list[int]) -> float:
            # only awards cheaper than the caller's best, each once: the pipe never fills with them
            cost = sum(master.patterns[k].cost for k in chosen)
            key = tuple(sorted(chosen))
            if cost < state["best"] - 0.005 and key not in sent:
                sent.add(key)
                award = {reduced.bids[b].id: q for k in chosen for b, _, q in master.patterns[k].award}
                send.send(("award", award))
            return state["best"]

        def on_bound(value: float) -> None:
            state["nodes"] = nodes[0] = tree.serial
            report_bound(value)

        value, nodes[0], _ = tree.run(root.lower_bound, root.z, deadline, incumbent=state["best"],
                                            on_bound=on_bound, on_award=on_award,
                                            best_cost=lambda: state["best"], stop=stop)
        state["nodes"] = nodes[0]
        report_bound(value, force=True)
