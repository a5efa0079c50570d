"""Many writers at once on PostgreSQL: the chain stays gap-free and verifies."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from accounts.acting import Actor
from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import audit_chain_verify, audit_record
from conftest import require_or_skip

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_unbroken_chain():
    require_or_skip(connection.vendor == "postgresql",
                    "PostgreSQL (set DATABASE_URL=postgres://...; this test needs real concurrency)")
    writers, per_writer = 8, 15
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit_record(actor=Actor.system(f"writer {n}"), action=AuditAction.ORGANISATION_UPDATED,
                                 object_type="tests.load", object_id=f"{n}-{i}", after={"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, writers * per_writer + 1))
    report = audit_chain_verify()
    assert report.ok and report.checked == writers * per_writer
