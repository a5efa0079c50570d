"""Branch-and-price (``branching``) in a child process beside the engine's search.

The tree's work is mostly Python (item DPs), which a thread could not run beside the search's own
Python without slowing both (the GIL), so it runs in a fresh Python process: ``BackgroundBound``
in the search's process starts it and talks to it over two pipes; ``child_main`` is the child.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from decimal import Decimal
from multiprocessing.connection import Connection

import numpy as np

from .branching import BranchAndPrice
from .master import Master
from .model import Bid, Bundle, Constraints, Item, Options, Problem, Tier
from .pricing import ItemPricer

REPORT_SECONDS = 0.25  # the child sends its rising bound at most this often
STOP_SECONDS = 0.5  # a child asked to stop is killed if it has not ended by then
PATTERNS_WAIT = 0.3  # the search waits at most this long for the tree's patterns (``patterns``)
# The child's priority against the search it helps. It was 10 until 2026-12-05: then, while the
# pool neighbourhoods ran two HiGHS threads on the two cores, the child got about a tenth of one
# and solved few nodes; at 0 it shares them evenly: the bound rose further, and the awards stayed
# within their run-to-run spread (awards/engine/README.md, tenth session).
CHILD_NICENESS = 0


class BackgroundBound:
    """Branch-and-price in a child process beside the engine's search.

    Its work is mostly Python (item DPs), which a thread could not run beside the search's own
    Python without slowing both (the GIL; measured: the search then found worse awards), so it
    runs in a Python process of its own (``python -c``, started afresh: no fork of the caller's
    threads, no import of the caller's main module, no Django; about 0.3 s to import the engine).
    The child does its own presolve and column generation (on a big problem it is started before
    the engine's own, which it runs beside on the other core), then branches until the deadline,
    ``stop()`` or the caller going away. It reports over a pipe: its bound, and the awards (bid id
    -> quantity) of integral nodes, which the caller checks exactly before keeping; the caller
    sends it its best cost (it prunes with it). Nothing here touches the caller's state; ``poll()`` runs in the
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
                [sys.executable, "-c", "from awards.engine.background import child_main; child_main()",
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
        self.source = "branch-and-price bound"  # what raised it last
        self.nodes = 0  # nodes it has solved so far
        self.finished = False  # it said it is done, or its pipe closed
        self._awards: list[tuple[dict[str, int], str]] = []
        self._answers: dict[str, list] = {}  # the child's latest answers to ``patterns`` and ``guide``
        self._closed = False

    @classmethod
    def start(cls, problem: Problem, deadline: float, best_cost: float) -> BackgroundBound | None:
        """The helper, running; None if no child process can be started here."""
        try:
            return cls(problem, deadline, best_cost)
        except (OSError, ValueError):  # no process here (or no fd passing: not a POSIX system)
            return None

    def drain(self) -> None:
        """Read what the child has sent so far (never blocks; its awards wait for ``poll``)."""
        try:
            while not self._closed and not self.finished and self._receive.poll():
                message = self._receive.recv()
                if message[0] == "bound":
                    if float(message[1]) > self.value:
                        self.value, self.source = float(message[1]), message[3]
                    self.nodes = max(self.nodes, int(message[2]))
                elif message[0] == "award":
                    self._awards.append((message[1], message[2]))
                elif message[0] in ("patterns", "guide"):
                    self._answers[message[0]] = message[1]
                elif message[0] == "done":
                    self.nodes = max(self.nodes, int(message[1] or 0))
                    self.finished = True
        except (EOFError, OSError, pickle.UnpicklingError):
            self.finished = True

    def has_awards(self) -> bool:
        """Has the child sent an award that ``poll`` has not handed over yet (the child sends only
        awards cheaper than the caller's best cost it last heard of)? Never blocks."""
        self.drain()
        return bool(self._awards)

    def poll(self, best_cost: float) -> list[tuple[dict[str, int], str]]:
        """Tell the child the caller's best cost; take in its bound (``value``) and return the
        awards it sent since the last call, each with what found it."""
        if not self._closed and not self.finished and best_cost < self._sent_best - 0.005:
            self._sent_best = best_cost
            try:
                self._send.send(("best", best_cost))
            except OSError:
                self.finished = True
        self.drain()
        awards, self._awards = self._awards, []
        return awards

    def patterns(self, wait: float = PATTERNS_WAIT) -> list[tuple[int, dict[str, int]]]:
        """The awards of one item (item index, bid id -> quantity) that the tree's pricing found
        beyond its root's column generation -- split awards at its branching's quantities, which
        the search's own pricing never returns -- asked for and waited on for at most ``wait``
        seconds (the child answers between two items' pricing); [] if it does not answer."""
        return self._ask("patterns", wait)

    def guide(self, wait: float = PATTERNS_WAIT) -> list[tuple[int, dict[str, int], float]]:
        """The LP solution of the tree's best open node (``BranchAndPrice.best_support``): per
        pattern, its item, its award (bid id -> quantity) and its weight; [] if no answer within
        ``wait`` seconds."""
        return self._ask("guide", wait)

    def _ask(self, kind: str, wait: float) -> list:
        """Send the child a question ("patterns" or "guide") and wait at most ``wait`` seconds
        for its answer (``drain`` files it under ``_answers``); [] without one."""
        if self._closed or self.finished:
            return []
        self._answers.pop(kind, None)
        try:
            self._send.send((kind, None))
        except OSError:
            self.finished = True
            return []
        end = time.monotonic() + wait
        while kind not in self._answers and not self.finished and time.monotonic() < end:
            self.drain()
            if kind not in self._answers:
                time.sleep(0.002)
        return self._answers.pop(kind, None) or []

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """End the child and wait for it, reading what it sends meanwhile (so it never blocks on
        a full pipe); kill it if it has not ended within ``timeout`` or by the deadline. Afterwards ``poll`` still
        returns what it sent, without touching the pipes."""
        if self._closed:
            return
        self.drain()
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
            self.drain()
            time.sleep(0.005)
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self.drain()
        self._closed = True
        self._send.close()
        self._receive.close()
        self._writer.join(timeout)


def to_wire(problem: Problem) -> tuple:
    """The problem as nested tuples of strings and numbers (prices as their exact decimal
    strings): pickled in a third of the time the dataclasses take (0.17 s against 0.54 s at
    1000x50x5), which the search's thread pays while the writer holds the GIL."""
    c, o = problem.constraints, problem.options
    return (
        tuple((item.id, item.quantity) for item in problem.items),
        tuple((bid.id, bid.vendor, bid.item, tuple((t.min_quantity, str(t.unit_price)) for t in bid.tiers),
               bid.max_quantity) for bid in problem.bids),
        tuple((bundle.id, bundle.bids) for bundle in problem.bundles),
        (c.max_vendors_per_item, None if c.max_vendor_share is None else str(c.max_vendor_share),
         c.min_award_quantity),
        (o.time_limit_seconds, o.relative_gap),
    )


def from_wire(wire: tuple) -> Problem:
    """The problem ``to_wire`` wrote (equal to it)."""
    items, bids, bundles, (vendors, share, least), (seconds, gap) = wire
    return Problem(
        items=tuple(Item(item, quantity) for item, quantity in items),
        bids=tuple(Bid(bid, vendor, item, tuple(Tier(m, Decimal(price)) for m, price in tiers), most)
                   for bid, vendor, item, tiers, most in bids),
        bundles=tuple(Bundle(bundle, tuple(members)) for bundle, members in bundles),
        constraints=Constraints(vendors, None if share is None else Decimal(share), least),
        options=Options(seconds, gap),
    )


def _write_problem(stream, problem: Problem) -> None:
    try:
        pickle.dump(to_wire(problem), stream, protocol=pickle.HIGHEST_PROTOCOL)
        stream.close()
    except (OSError, ValueError):  # the child is gone (or never read it): nothing to do
        pass


def child_main() -> None:
    """The child process (``BackgroundBound``): column generation, then branch-and-price,
    reporting over the pipe named in argv; stops at the deadline, on "stop" or when the parent's
    end of the pipe closes. It only ever exits: any failure ends it with one line on stderr."""
    if CHILD_NICENESS:
        try:
            os.nice(CHILD_NICENESS)
        except (OSError, AttributeError):
            pass
    send = None
    nodes = [0]
    try:
        receive = Connection(int(sys.argv[1]), writable=False)
        send = Connection(int(sys.argv[2]), readable=False)
        deadline, best = receive.recv()
        problem = from_wire(pickle.load(sys.stdin.buffer))
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
    """Column generation, then the tree; ``nodes[0]`` keeps the nodes solved (for "done")."""
    from .colgen import generate_columns, initial_patterns
    from .highs import stop_check
    from .presolve import presolve

    state = {"best": best, "stop": False, "asked": 0.0}
    last = [-np.inf, 0.0]  # the bound last sent, and when

    def stop() -> bool:
        now = time.monotonic()
        if not state["stop"] and now - state["asked"] >= 0.02:
            state["asked"] = now
            try:
                while receive.poll():
                    kind, payload = receive.recv()
                    if kind == "best":
                        state["best"] = min(state["best"], float(payload))
                    elif kind == "patterns":
                        send.send(("patterns", tree_patterns()))
                    elif kind == "guide":
                        send.send(("guide", guide()))
                    else:
                        state["stop"] = True
            except (EOFError, OSError):
                state["stop"] = True
        return state["stop"] or now > deadline

    def tree_patterns() -> list[tuple[int, dict[str, int]]]:
        """The patterns the tree's pricing added (after the root's), as item and bid-id awards."""
        if "master" not in state:
            return []
        master, reduced = state["master"], state["reduced"]
        return [(pattern.item, {reduced.bids[b].id: q for b, _, q in pattern.award})
                for pattern in master.patterns[state["root_patterns"]:]]

    def guide() -> list[tuple[int, dict[str, int], float]]:
        """The best open node's LP solution: (item, bid id -> quantity, weight) per pattern."""
        if "tree" not in state:
            return []
        master, reduced = state["master"], state["reduced"]
        return [(master.patterns[k].item, {reduced.bids[b].id: q for b, _, q in master.patterns[k].award}, w)
                for k, w in state["tree"].best_support()]

    def report_bound(value: float, force: bool = False) -> None:
        now = time.monotonic()
        if value > last[0] and (force or now - last[1] >= REPORT_SECONDS):
            last[:] = [value, now]
            send.send(("bound", value, nodes[0], "branch-and-price bound"))

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
        state.update(master=master, reduced=reduced, root_patterns=len(master.patterns))
        tree = BranchAndPrice(reduced, pricers, master)
        state["tree"] = tree

        sent: set[tuple] = set()

        def on_award(chosen: list[int]) -> float:
            # only awards cheaper than the caller's best, each once: the pipe never fills with them
            cost = sum(master.patterns[k].cost for k in chosen)
            key = tuple(sorted(chosen))
            if cost < state["best"] - 0.005 and key not in sent:
                sent.add(key)
                award = {reduced.bids[b].id: q for k in chosen for b, _, q in master.patterns[k].award}
                send.send(("award", award, "branch-and-price"))
            return state["best"]

        def on_bound(value: float) -> None:
            nodes[0] = tree.serial
            report_bound(value)

        value, nodes[0], _ = tree.run(root.lower_bound, root.z, deadline, incumbent=state["best"],
                                      on_bound=on_bound, on_award=on_award, best_cost=lambda: state["best"],
                                      stop=stop)
        report_bound(value, force=True)
