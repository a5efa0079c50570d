"""On PostgreSQL: the same district's buyers saving at the same moment (a double submit from two
tabs) end with one response holding one of the answer sets whole, never an error or a mix."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from conftest import require_or_skip
from surveys.models import Answer, Response
from surveys.services.answers import response_save
from surveys.tests.conftest import answer

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_saves_leave_one_whole_response(cast, survey):
    require_or_skip(connection.vendor == "postgresql",
                    "PostgreSQL (set DATABASE_URL=postgres://...; this test needs real concurrency)")
    actors = [cast.actor(cast.buyer_a), cast.actor(cast.multi, cast.district_a.organisation)] * 3
    connections.close_all()
    barrier = threading.Barrier(len(actors))
    errors = []

    def save(i, actor):
        try:
            barrier.wait()
            response_save(survey=survey, submit=True, actor=actor,
                          answers=[answer(quantities={"K-2": 10 + i}), answer("N2", quantities={"6-8": 10 + i})])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i, a)) for i, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    response = Response.objects.get()
    totals = {a.need.reference: a.total for a in Answer.objects.filter(response=response).select_related("need")}
    assert len(totals) == 2 and totals["N1"] == totals["N2"]  # both answers from the same save
