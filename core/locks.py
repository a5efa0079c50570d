"""Row locks, taken in one global order so that no two transactions can wait for each other.

The rule (README, "Concurrency"):

1. A transaction locks rows only through `lock()` (or `note_lock()` for a lock it takes in raw
   SQL), never with a bare `select_for_update()`.
2. It takes them in the order of `LOCK_ORDER` below: coarse things before fine ones
   (a solicitation before its bids, an agreement before its participations, an order before the
   pooled line volumes it changes, ...). Several rows of one kind are locked in ascending key
   order (e.g. an order's agreement lines sorted by line reference).
3. The audit chain's head comes last: a service records its audit events after it has locked
   everything it needs. (Every audited transaction takes the head, so taking anything after it
   would let a transaction that holds a row wait for the head while the head's holder waits for
   that row.)
4. Locks are `FOR NO KEY UPDATE` on PostgreSQL, which does not conflict with the `KEY SHARE`
   locks that inserting a row referencing the locked one takes (a rebate entry naming another
   district's order line, an audit event naming its actor): foreign keys cannot close a cycle.
   SQLite takes one database-wide write lock per transaction (BEGIN IMMEDIATE), so it cannot
   deadlock; the order is checked there all the same.

Under DEBUG and the test suite (`EDPOOL_CHECK_LOCK_ORDER`), taking a lock out of order raises
`LockOrderError` naming both locks, so a service that breaks the rule fails its tests.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import QuerySet

# Coarse to fine. A transaction may take a lock on a kind listed at or after the last kind it
# locked, never before it.
LOCK_ORDER: tuple[str, ...] = (
    "jobs.job",  # a background job's status row: first, since its result is stored under it
    "accounts.user",
    "accounts.apitoken",
    "members.district",
    "members.membership",
    "catalog.product",
    "surveys.survey",  # a needs survey before the solicitation made from it
    "sourcing.solicitation",
    "sourcing.question",
    "sourcing.evaluatorseat",
    "sourcing.protest",
    "sourcing.bid",
    "contracts.masteragreement",
    "contracts.amendment",
    "contracts.minicompetition",
    "contracts.quoterequest",
    "contracts.participationagreement",
    "compliance.dataprivacyagreement",
    "compliance.accessibilityreport",
    "compliance.attestation",
    "orders.order",
    "contracts.linevolume",
    "orders.rebateentry",
    "reports.salesreport",
    "reports.reconciliationitem",
    "reports.feeinvoice",
    # the rollup's rows, rewritten by the savings hooks inside an order's transaction (advisory
    # locks by key hash, `advisory_locks`): a district's fiscal year (its monthly and yearly rows,
    # analytics.rollup), then the consortium's month rows (analytics.rollup_totals)
    "analytics.monthrollup",
    "analytics.monthrolluptotal",
    "audit.head",
)
RANK = {name: i for i, name in enumerate(LOCK_ORDER)}


class LockOrderError(RuntimeError):
    """A transaction tried to lock rows out of the global order."""


def _checking() -> bool:
    configured = getattr(settings, "EDPOOL_CHECK_LOCK_ORDER", None)
    if configured is not None:
        return bool(configured)
    return bool(settings.DEBUG or os.environ.get("PYTEST_VERSION"))


def _commit_sentinel() -> None:
    """Registered with on_commit to mark a transaction as seen (commit or rollback drops it)."""


def _transaction_key(connection) -> Optional[Any]:
    """Something that identifies the current service transaction, or None outside one.

    In production a service's atomic block is the outermost one: a sentinel on-commit hook marks
    it (Django drops the hooks when the transaction commits or rolls back). Under the test suite
    each test runs inside atomic blocks of its own (`_from_testcase`); the service's transaction
    is then the first savepoint inside those, whose id is unique."""
    blocks = connection.atomic_blocks
    base = sum(1 for block in blocks if getattr(block, "_from_testcase", False))
    if len(blocks) <= base:
        return None
    if base:
        return ("savepoint", connection.savepoint_ids[base - 1])
    if not any(func is _commit_sentinel for _, func, _ in connection.run_on_commit):
        connection.on_commit(_commit_sentinel)
        connection._edpool_lock_epoch = getattr(connection, "_edpool_lock_epoch", 0) + 1
    return ("transaction", connection._edpool_lock_epoch)


def note_lock(name: str, *, key: Any = None, using: str = "default") -> None:
    """Record that this transaction is taking a lock on `name` rows (key: the row's key, for
    kinds locked several rows at a time); raise LockOrderError if that breaks the order."""
    if name not in RANK:
        raise LockOrderError(f"{name} is not in core.locks.LOCK_ORDER: add it in its place.")
    if not _checking():
        return
    connection = connections[using]
    tx = _transaction_key(connection)
    if tx is None:
        return
    held = getattr(connection, "_edpool_locks", None)
    if held is None or held[0] != tx:
        held = (tx, [])
        connection._edpool_locks = held
    if getattr(connection, "_edpool_batch", None) == tx:
        return
    taken = held[1]
    if taken:
        last_name, last_key = taken[-1]
        if RANK[name] < RANK[last_name] or (
                name == last_name and key is not None and last_key is not None and key < last_key):
            raise LockOrderError(
                f"Lock order broken: {name}{'' if key is None else f' {key!r}'} after "
                f"{last_name}{'' if last_key is None else f' {last_key!r}'} in one transaction "
                f"(see core.locks.LOCK_ORDER; the audit head comes last).")
    taken.append((name, key))


@contextmanager
def batch(using: str = "default") -> Iterator[None]:
    """One transaction made of many services, run where nothing else writes (the demo build, an
    import into a fresh database): the order is not checked inside it. Not for anything a web
    request or a scheduled job runs."""
    with transaction.atomic(using=using):
        connection = connections[using]
        tx = _transaction_key(connection)
        connection._edpool_batch = tx
        try:
            yield
        finally:
            connection._edpool_batch = None


def lock(queryset: QuerySet, *, key: Any = None, name: str = "") -> QuerySet:
    """The queryset with its rows locked for the rest of the transaction (FOR NO KEY UPDATE OF
    its own table), after checking the global lock order. `name` defaults to the model's label."""
    model = queryset.model
    using = queryset.db or router.db_for_write(model)
    if not transaction.get_connection(using).in_atomic_block:
        raise transaction.TransactionManagementError("Row locks need a transaction (transaction.atomic).")
    note_lock(name or model._meta.label_lower, key=key, using=using)
    return queryset.select_for_update(of=("self",), no_key=True)


def advisory_locks(name: str, keys, *, using: str = "default") -> None:
    """Lock these keys of `name` (a kind in LOCK_ORDER: things that are not one row, such as the
    rollup's buckets) until the end of the transaction: PostgreSQL transaction-level advisory locks
    on a 64-bit hash of (name, key), taken in ascending hash order, checked against the order like
    row locks (the lowest and the highest hash). SQLite has one writer at a time: only the check."""
    ids = sorted({int.from_bytes(hashlib.blake2b(repr((name, key)).encode(), digest_size=8).digest(), "big",
                                 signed=True) for key in keys})
    if not ids:
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("Advisory locks need a transaction (transaction.atomic).")
    note_lock(name, key=ids[0], using=using)
    note_lock(name, key=ids[-1], using=using)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 1000):
            # (a volatile function in the select list is evaluated after the sort: in hash order)
            cursor.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k ORDER BY k",
                           [ids[start:start + 1000]])
