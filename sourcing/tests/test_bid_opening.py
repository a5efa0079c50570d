"""Bid opening is on the record: the first read after the deadline records the opening (exactly
once, with who opened which bids), and every read, export or document download of the bids by
staff and evaluators is an audit event."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent
from conftest import require_or_skip
from sourcing import selectors
from sourcing.models import BidDocument, Solicitation
from sourcing.services import bids as bid_services
from sourcing.services.bids import bid_submit
from sourcing.services.evaluation import declaration_sign, evaluator_seat
from sourcing.services.solicitations import solicitation_create, solicitation_publish
from tests.helpers import bid_data, content
from tests.cast import PASSWORD

PDF = b"%PDF-1.4 technical proposal"


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_the_first_read_after_the_deadline_records_the_opening_once(cast, open_solicitation, clock):
    bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="279.00"), actor=cast.actor(cast.vendor_user_b))
    staff = cast.actor(cast.staff)
    # Refused reads before the deadline open nothing and record nothing.
    with pytest.raises(PermissionDenied):
        selectors.opened_bids(solicitation=open_solicitation, actor=staff)
    assert not events(AuditAction.SOLICITATION_BIDS_OPENED) and not events(AuditAction.SOLICITATION_BIDS_READ)
    clock.set(open_solicitation.bid_deadline + dt.timedelta(minutes=3))
    assert len(selectors.opened_bids(solicitation=open_solicitation, actor=staff)) == 2
    assert len(selectors.evaluation(solicitation=open_solicitation, actor=staff)) == 2
    [opened] = events(AuditAction.SOLICITATION_BIDS_OPENED)
    assert opened.actor_email == cast.staff.email and opened.object_id == str(open_solicitation.pk)
    assert [b["vendor"] for b in opened.after["bids"]] == ["Vendor A, Inc.", "Vendor B LLC"]
    assert all(len(b["sha256"]) == 64 for b in opened.after["bids"])
    assert opened.after["opened_at"].startswith(clock.now().astimezone(dt.timezone.utc).isoformat()[:19])
    assert Solicitation.objects.get(pk=open_solicitation.pk).bids_opened_at == clock.now()
    reads = events(AuditAction.SOLICITATION_BIDS_READ)
    assert [(e.actor_email, e.after["what"], e.after["bids"]) for e in reads] == [
        (cast.staff.email, "bids", 2), (cast.staff.email, "evaluation", 2)]
    assert reads[0].seq > opened.seq
    # An evaluator who declared reads too: recorded, no second opening.
    evaluator_seat(solicitation=open_solicitation, assignment=cast.evaluator.role_assignments.get(), actor=staff)
    declaration_sign(solicitation=open_solicitation, relationships=[], actor=cast.actor(cast.evaluator))
    selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.evaluator))
    assert len(events(AuditAction.SOLICITATION_BIDS_OPENED)) == 1
    assert events(AuditAction.SOLICITATION_BIDS_READ)[-1].actor_email == cast.evaluator.email


def test_pages_exports_and_documents_are_recorded(client, cast, open_solicitation, clock):
    pdf = SimpleUploadedFile("price_4817.pdf", PDF, "application/pdf")
    bid, _ = bid_submit(solicitation=open_solicitation, data=bid_data(), documents=[("Technical", pdf)],
                        actor=cast.actor(cast.vendor_user_a))
    document = BidDocument.objects.get()
    url = f"/solicitations/{open_solicitation.pk}/bids/{bid.pk}/documents/{document.pk}/"
    # The vendor reads its own document: not an opening, not recorded.
    assert client.login(email=cast.vendor_user_a.email, password=PASSWORD)
    assert client.get(url).content == PDF
    clock.set(open_solicitation.bids_open_at)
    client.logout()
    assert client.login(email=cast.vendor_user_a.email, password=PASSWORD)
    assert client.get(url).content == PDF
    assert not events(AuditAction.SOLICITATION_BIDS_OPENED) and not events(AuditAction.BID_DOCUMENT_READ)
    client.logout()
    assert client.login(email=cast.staff.email, password=PASSWORD)
    base = f"/solicitations/{open_solicitation.pk}"
    assert client.get(base + "/tabulation/").status_code == 200
    assert client.get(base + "/tabulation.csv").status_code == 200
    assert client.get(base + "/tabulation.xlsx").status_code == 200
    assert client.get(url).content == PDF
    [opened] = events(AuditAction.SOLICITATION_BIDS_OPENED)
    assert opened.actor_email == cast.staff.email
    assert [e.after for e in events(AuditAction.SOLICITATION_BIDS_READ)] == [{"what": "tabulation page", "bids": 1}]
    assert [e.after for e in events(AuditAction.SOLICITATION_BIDS_EXPORTED)] == [
        {"what": "tabulation export", "bids": 1, "format": "CSV"},
        {"what": "tabulation export", "bids": 1, "format": "Excel"}]
    [read] = events(AuditAction.BID_DOCUMENT_READ)
    assert read.actor_email == cast.staff.email and read.after == {"document": document.pk, "revision": 1}
    # The API reads are recorded too.
    from tests.helpers import token

    headers = token(cast.staff)
    assert client.get(f"/api/v1/solicitations/{open_solicitation.pk}/bids", **headers).status_code == 200
    assert client.get(f"/api/v1/solicitations/{open_solicitation.pk}/tabulation", **headers).status_code == 200
    assert [e.after["what"] for e in events(AuditAction.SOLICITATION_BIDS_READ)][-2:] == ["bids API", "tabulation API"]
    assert len(events(AuditAction.SOLICITATION_BIDS_OPENED)) == 1


def _published_with_bids(cast, category, seconds: float):
    staff = cast.actor(cast.staff)
    now = timezone.now()
    s = solicitation_create(content=content(category), questions_deadline=now + dt.timedelta(seconds=seconds / 2),
                            bid_deadline=now + dt.timedelta(seconds=seconds), actor=staff)
    return solicitation_publish(solicitation=s, actor=staff)


def _wait_until(moment):
    delay = (moment - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_readers_at_the_deadline_open_the_bids_once(cast, category, settings):
    require_or_skip(connection.vendor == "postgresql",
                    "PostgreSQL (set DATABASE_URL=postgres://...; this test needs real concurrency)")
    settings.BID_OPENING_DELAY_SECONDS = 1
    s = _published_with_bids(cast, category, 2)
    bid_submit(solicitation=s, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    readers = 6
    barrier = threading.Barrier(readers)
    results, errors = [], []

    def read():
        try:
            barrier.wait()
            _wait_until(s.bids_open_at)
            results.append(len(selectors.opened_bids(solicitation=Solicitation.objects.get(pk=s.pk),
                                                     actor=cast.actor(cast.staff))))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [1] * readers
    assert len(events(AuditAction.SOLICITATION_BIDS_OPENED)) == 1
    assert len(events(AuditAction.SOLICITATION_BIDS_READ)) == readers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_opening_waits_for_a_bid_still_committing_at_the_deadline(cast, category, monkeypatch, settings):
    """A bid received just before the deadline whose request is still being processed when the
    bids open: the opening (and the read) wait for it, so the opening lists it and the reader sees
    it."""
    require_or_skip(connection.vendor == "postgresql",
                    "PostgreSQL (set DATABASE_URL=postgres://...; this test needs real concurrency)")
    settings.BID_OPENING_DELAY_SECONDS = 1
    s = _published_with_bids(cast, category, 2)
    real_clean = bid_services.clean_bid
    checked = threading.Event()

    def slow_clean(solicitation, data):
        result = real_clean(solicitation, data)  # the solicitation is locked (FOR SHARE) by now
        checked.set()
        _wait_until(solicitation.bids_open_at + dt.timedelta(seconds=0.5))  # commits late
        return result

    monkeypatch.setattr(bid_services, "clean_bid", slow_clean)
    outcome = {}

    def bidder():
        try:
            outcome["bid"] = bid_submit(solicitation=s, data=bid_data(), actor=cast.actor(cast.vendor_user_a),
                                        received_at=s.bid_deadline - dt.timedelta(seconds=0.3))
        finally:
            connections.close_all()

    thread = threading.Thread(target=bidder)
    _wait_until(s.bid_deadline - dt.timedelta(seconds=0.3))
    thread.start()
    assert checked.wait(5)
    _wait_until(s.bids_open_at + dt.timedelta(seconds=0.1))
    read = selectors.opened_bids(solicitation=Solicitation.objects.get(pk=s.pk), actor=cast.actor(cast.staff))
    thread.join()
    assert "bid" in outcome and len(read) == 1
    [opened] = events(AuditAction.SOLICITATION_BIDS_OPENED)
    assert len(opened.after["bids"]) == 1
