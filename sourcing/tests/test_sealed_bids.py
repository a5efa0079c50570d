"""Sealed bids: receipts, encryption at rest, the exact deadline, addenda re-confirmation and who
may read what before and after opening."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from audit.actions import AuditAction
from audit.models import AuditEvent
from sourcing import selectors
from sourcing.models import Bid, BidDocument, BidReceipt
from sourcing.services.bids import bid_confirm, bid_submit, bid_withdraw
from sourcing.services.evaluation import declaration_sign, evaluator_seat
from sourcing.services.solicitations import addendum_publish
from tests.helpers import bid_data


def submit(cast, solicitation, user=None, **kw):
    user = user or cast.vendor_user_a
    return bid_submit(solicitation=solicitation, data=bid_data(**kw), actor=cast.actor(user))


def test_receipt_proves_what_was_sent(cast, open_solicitation):
    bid, receipt = submit(cast, open_solicitation)
    r = receipt.as_dict()
    canonical = json.dumps(r["bid"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode()).hexdigest() == r["sha256"] == bid.digest
    assert r["bid"]["lines"][0]["tiers"][0]["unit_price"] == "289.00"
    assert r["bid"]["salt"] and r["revision"] == 1 and r["action"] == "submitted"
    assert BidReceipt.objects.get().digest == bid.digest


def test_stored_bid_reveals_nothing(cast, open_solicitation):
    document = SimpleUploadedFile("tech.pdf", b"%PDF-1.4 SECRET-TECHNICAL-PROPOSAL", "application/pdf")
    bid, _ = bid_submit(solicitation=open_solicitation, data=bid_data(price1="287.13"),
                        actor=cast.actor(cast.vendor_user_a), documents=[("Technical", document)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed FROM sourcing_bid WHERE id = %s", [bid.pk])
        raw = bytes(cursor.fetchone()[0])
    assert b"287.13" not in raw and b"CB-11" not in raw and b"warranty" not in raw
    stored = BidDocument.objects.get()
    on_disk = stored.sealed_file.read()
    assert b"SECRET-TECHNICAL-PROPOSAL" not in on_disk and b"%PDF" not in on_disk
    events = json.dumps(list(AuditEvent.objects.values("before", "after", "object_repr")), default=str)
    assert "287.13" not in events


def test_replace_and_withdraw_until_the_deadline(cast, open_solicitation):
    submit(cast, open_solicitation, price1="300.00")
    bid, receipt = submit(cast, open_solicitation, price1="295.00")
    assert bid.revision == 2 and receipt.action == "replaced"
    assert Bid.objects.count() == 1
    _, content = selectors.own_bid(solicitation=open_solicitation, vendor=cast.vendor_a)
    assert content["lines"][0]["tiers"][0]["unit_price"] == "295.00"
    bid, receipt = bid_withdraw(solicitation=open_solicitation, actor=cast.actor(cast.vendor_user_a))
    assert bid.state == Bid.State.WITHDRAWN and selectors.bid_count(open_solicitation) == 0
    bid, _ = submit(cast, open_solicitation)
    assert bid.state == Bid.State.SUBMITTED and bid.revision == 3


def test_deadline_is_exact_and_server_side(cast, open_solicitation, clock):
    deadline = open_solicitation.bid_deadline
    clock.set(deadline - dt.timedelta(microseconds=1))
    submit(cast, open_solicitation)
    clock.set(deadline)
    with pytest.raises(ValidationError, match="bid deadline"):
        submit(cast, open_solicitation, user=cast.vendor_user_b)
    with pytest.raises(ValidationError, match="bid deadline"):
        bid_withdraw(solicitation=open_solicitation, actor=cast.actor(cast.vendor_user_a))
    assert selectors.bid_count(open_solicitation) == 1


def test_a_bid_is_judged_by_when_the_server_received_it(cast, open_solicitation, clock, monkeypatch):
    """Received 5 ms before the deadline and finished 2 s after it (a busy server): stored, with
    the time it was received. Received at the deadline: refused. Once the bids are opened,
    nothing more is stored, whenever it was received."""
    from sourcing.services import bids as bids_module

    deadline = open_solicitation.bid_deadline
    received = deadline - dt.timedelta(milliseconds=5)
    clock.set(received)
    real_clean = bids_module.clean_bid

    def slow_clean(solicitation, data):  # the request is still being processed at the deadline
        result = real_clean(solicitation, data)
        clock.set(deadline + dt.timedelta(seconds=2))
        return result

    monkeypatch.setattr(bids_module, "clean_bid", slow_clean)
    bid, receipt = bid_submit(solicitation=open_solicitation, data=bid_data(), received_at=received,
                              actor=cast.actor(cast.vendor_user_a))
    assert bid.submitted_at == received and receipt.received_at == received.isoformat(timespec="microseconds")
    monkeypatch.setattr(bids_module, "clean_bid", real_clean)
    with pytest.raises(ValidationError, match="bid deadline"):
        bid_submit(solicitation=open_solicitation, data=bid_data(), received_at=deadline,
                   actor=cast.actor(cast.vendor_user_b))
    # Not yet open 2 s after the deadline: bids in flight are still being stored.
    with pytest.raises(PermissionDenied, match="open at"):
        selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.staff))
    clock.set(open_solicitation.bids_open_at)
    assert len(selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.staff))) == 1
    with pytest.raises(ValidationError, match="bid deadline"):
        bid_submit(solicitation=open_solicitation, data=bid_data(), received_at=received,
                   actor=cast.actor(cast.vendor_user_b))
    assert Bid.objects.count() == 1 and BidReceipt.objects.count() == 1


def test_a_received_time_in_the_future_counts_as_now(cast, open_solicitation, clock):
    clock.set(open_solicitation.bid_deadline)
    with pytest.raises(ValidationError, match="bid deadline"):
        bid_submit(solicitation=open_solicitation, data=bid_data(),
                   received_at=open_solicitation.bid_deadline - dt.timedelta(days=1) + dt.timedelta(days=2),
                   actor=cast.actor(cast.vendor_user_a))


def test_bad_bids_are_refused_naming_the_field(cast, open_solicitation):
    data = bid_data()
    data["lines"][0]["tiers"] = [{"min_quantity": 10, "unit_price": "5.00"},
                                 {"min_quantity": 5, "unit_price": "-1"}]
    data["lines"][1]["line"] = "NOPE"
    data["attestations"] = {"dpa": True}
    with pytest.raises(ValidationError) as exc:
        bid_submit(solicitation=open_solicitation, data=data, actor=cast.actor(cast.vendor_user_a))
    errors = exc.value.message_dict
    assert "lines[1].tiers[2].min_quantity" in errors and "lines[1].tiers[2].unit_price" in errors
    assert "lines[2].line" in errors and "attestations.wcag" in errors
    assert Bid.objects.count() == 0


def test_only_vendors_bid(cast, open_solicitation):
    with pytest.raises(PermissionDenied):
        bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.staff))


def test_addendum_marks_earlier_bids_unconfirmed_until_reconfirmed(cast, open_solicitation):
    staff = cast.actor(cast.staff)
    bid, _ = submit(cast, open_solicitation)
    addendum_publish(solicitation=open_solicitation, summary="Clarified warranty", actor=staff)
    bid.refresh_from_db()
    assert bid.addenda_confirmed == 0  # not confirmed
    bid, receipt = bid_confirm(solicitation=open_solicitation, actor=cast.actor(cast.vendor_user_a))
    assert bid.addenda_confirmed == 1 and receipt.action == "confirmed"
    with pytest.raises(ValidationError, match="already accounts"):
        bid_confirm(solicitation=open_solicitation, actor=cast.actor(cast.vendor_user_a))
    # A bid submitted after the addendum is confirmed from the start.
    later, _ = submit(cast, open_solicitation, user=cast.vendor_user_b)
    assert later.addenda_confirmed == 1


def test_a_bid_that_no_longer_fits_the_amended_lines_must_be_replaced(cast, open_solicitation):
    staff = cast.actor(cast.staff)
    submit(cast, open_solicitation)  # prices CB-11 and LIC
    addendum_publish(solicitation=open_solicitation, summary="Licences dropped; docks added", actor=staff,
                     lines=[{"reference": "CB-11", "description": "11-inch Chromebook", "unit": "device",
                             "estimated_quantity": 1200},
                            {"reference": "DOCK", "description": "Dock", "unit": "each",
                             "estimated_quantity": 100}])
    with pytest.raises(ValidationError, match="no longer fits.*LIC"):
        bid_confirm(solicitation=open_solicitation, actor=cast.actor(cast.vendor_user_a))
    assert Bid.objects.get(solicitation=open_solicitation).addenda_confirmed == 0


def _seat_evaluator(cast, solicitation, conflict=False):
    seat = evaluator_seat(solicitation=solicitation,
                          assignment=cast.evaluator.role_assignments.get(),
                          actor=cast.actor(cast.staff))
    return seat


def test_nobody_reads_bids_before_the_deadline(cast, open_solicitation):
    submit(cast, open_solicitation)
    _seat_evaluator(cast, open_solicitation)
    # Who bid is confidential too: the declaration (which names the bidders) waits for the deadline.
    with pytest.raises(ValidationError, match="opens at the bid deadline"):
        declaration_sign(solicitation=open_solicitation, relationships=[],
                         actor=cast.actor(cast.evaluator))
    with pytest.raises(PermissionDenied, match="confidential until the bid deadline"):
        selectors.declaration_bidders(solicitation=open_solicitation, actor=cast.actor(cast.evaluator))
    for user in (cast.staff, cast.evaluator, cast.vendor_user_b, cast.buyer_a):
        with pytest.raises(PermissionDenied, match="sealed until the deadline"):
            selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(user))
    with pytest.raises(PermissionDenied):
        selectors.opened_bids(solicitation=open_solicitation, actor=None)
    assert selectors.bid_count(open_solicitation) == 1
    # The vendor itself reads its own bid.
    assert selectors.own_bid(solicitation=open_solicitation, vendor=cast.vendor_a) is not None


def test_all_bids_open_at_once_at_the_deadline(cast, open_solicitation, clock):
    submit(cast, open_solicitation, price1="289.00")
    submit(cast, open_solicitation, user=cast.vendor_user_b, price1="279.00")
    _seat_evaluator(cast, open_solicitation)
    clock.set(open_solicitation.bids_open_at)
    staff_view = selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.staff))
    assert [b.content["lines"][0]["tiers"][0]["unit_price"] for b in staff_view] == ["289.00", "279.00"]
    # Evaluators only after signing the declaration without a conflict.
    with pytest.raises(PermissionDenied, match="declaration"):
        selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.evaluator))
    declaration_sign(solicitation=open_solicitation, relationships=[],
                     actor=cast.actor(cast.evaluator))
    assert len(selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.evaluator))) == 2
    # Other vendors, buyers and the public: never the bids; the tabulation after the award notice.
    for actor in (cast.actor(cast.vendor_user_a), cast.actor(cast.buyer_a), None):
        with pytest.raises(PermissionDenied, match="evaluation committee only"):
            selectors.opened_bids(solicitation=open_solicitation, actor=actor)
        with pytest.raises(PermissionDenied, match="award notice"):
            selectors.tabulation(solicitation=open_solicitation, actor=actor)


def test_conflicted_evaluator_never_sees_proposals(cast, open_solicitation, clock):
    submit(cast, open_solicitation)
    submit(cast, open_solicitation, user=cast.vendor_user_b)
    seat = _seat_evaluator(cast, open_solicitation)
    clock.set(open_solicitation.bids_open_at)
    evaluator = cast.actor(cast.evaluator)
    # The declaration lists every bidder, by company name only.
    bidders = selectors.declaration_bidders(solicitation=open_solicitation, actor=evaluator)
    assert [(b.vendor_id, b.name) for b in bidders] == [(cast.vendor_a.pk, "Vendor A, Inc."),
                                                        (cast.vendor_b.pk, "Vendor B LLC")]
    with pytest.raises(ValidationError, match="Describe the relationship with Vendor A"):
        declaration_sign(solicitation=open_solicitation,
                         relationships=[{"vendor_id": cast.vendor_a.pk, "details": " "}], actor=evaluator)
    with pytest.raises(ValidationError, match="did not bid"):
        declaration_sign(solicitation=open_solicitation,
                         relationships=[{"vendor_id": 999999, "details": "My cousin"}], actor=evaluator)
    with pytest.raises(ValidationError, match="named twice"):
        declaration_sign(solicitation=open_solicitation, actor=evaluator, relationships=[
            {"vendor_id": cast.vendor_b.pk, "details": "x"}, {"vendor_id": cast.vendor_b.pk, "details": "y"}])
    seat.refresh_from_db()
    assert seat.declaration == "pending" and not seat.declared_bidders.exists()
    declaration_sign(solicitation=open_solicitation, actor=evaluator, relationships=[
        {"vendor_id": cast.vendor_a.pk, "details": "My brother works for Vendor A"}])
    seat.refresh_from_db()
    assert seat.declaration == "conflict"
    assert [(d.vendor_name, d.has_relationship, d.details) for d in seat.declared_bidders.all()] == [
        ("Vendor A, Inc.", True, "My brother works for Vendor A"), ("Vendor B LLC", False, "")]
    assert seat.conflict_details == "Vendor A, Inc.: My brother works for Vendor A"
    event = AuditEvent.objects.get(action=AuditAction.EVALUATION_DECLARATION_SIGNED)
    assert event.after["bidders"] == ["Vendor A, Inc.", "Vendor B LLC"]
    assert event.after["relationships"] == [{"vendor": "Vendor A, Inc.",
                                             "details": "My brother works for Vendor A"}]
    with pytest.raises(PermissionDenied, match="conflict"):
        selectors.opened_bids(solicitation=open_solicitation, actor=evaluator)
    with pytest.raises(ValidationError, match="already signed"):
        declaration_sign(solicitation=open_solicitation, relationships=[], actor=evaluator)


def test_only_seated_evaluators_see_whom_to_declare_against(cast, open_solicitation, clock):
    submit(cast, open_solicitation)
    clock.set(open_solicitation.bids_open_at)
    for actor in (cast.actor(cast.evaluator), cast.actor(cast.vendor_user_b), cast.actor(cast.buyer_a), None):
        with pytest.raises(PermissionDenied, match="seated"):
            selectors.declaration_bidders(solicitation=open_solicitation, actor=actor)
    with pytest.raises(PermissionDenied, match="not seated"):
        declaration_sign(solicitation=open_solicitation, relationships=[], actor=cast.actor(cast.evaluator))


def test_audit_pages_hide_who_bid_until_the_deadline(client, cast, open_solicitation, clock):
    from tests.cast import PASSWORD

    submit(cast, open_solicitation)
    client.login(email=cast.staff.email, password=PASSWORD)
    page = client.get("/audit/?object_type=sourcing.bid").content.decode()
    assert "bid.submitted" not in page
    clock.set(open_solicitation.bids_open_at)
    client.login(email=cast.staff.email, password=PASSWORD)  # the session expired meanwhile
    page = client.get("/audit/?object_type=sourcing.bid").content.decode()
    assert "bid.submitted" in page and "sales@vendor-a.example" in page


def test_over_the_api_the_moment_the_request_arrived_counts(client, cast, open_solicitation, clock):
    from sourcing.tests.test_api import send
    from tests.helpers import token

    deadline = open_solicitation.bid_deadline
    headers = token(cast.vendor_user_a)
    # The request reaches the server 1 ms before the deadline; the server is slow: every later
    # reading of the clock is 1 s after the deadline.
    clock.then(deadline - dt.timedelta(milliseconds=1), deadline + dt.timedelta(seconds=1))
    response = send(client, "PUT", f"/api/v1/solicitations/{open_solicitation.pk}/bid", bid_data(), headers)
    assert response.status_code == 200, response.content
    assert response.json()["received_at"] == (deadline - dt.timedelta(milliseconds=1)).isoformat(timespec="microseconds")
    clock.then(deadline, deadline)
    late = send(client, "PUT", f"/api/v1/solicitations/{open_solicitation.pk}/bid", bid_data(),
                token(cast.vendor_user_b))
    assert late.status_code == 422 and "deadline" in late.json()["detail"]
    assert Bid.objects.count() == 1


def test_a_forged_request_start_header_is_ignored(client, cast, open_solicitation, clock, settings):
    from tests.helpers import token

    settings.TRUSTED_PROXY_COUNT = 1
    deadline = open_solicitation.bid_deadline
    clock.set(deadline + dt.timedelta(seconds=3))
    response = client.put(f"/api/v1/solicitations/{open_solicitation.pk}/bid", json.dumps(bid_data()),
                          content_type="application/json", HTTP_X_REQUEST_START=f"t={deadline.timestamp() - 1:.3f}",
                          **token(cast.vendor_user_a))
    assert response.status_code == 422 and Bid.objects.count() == 0


def test_behind_the_trusted_proxy_the_deadline_second_is_judged_by_the_edge_time(client, cast, open_solicitation,
                                                                                clock, settings):
    """nginx had the whole bid 1 ms before the deadline; it waited for a free worker and reached
    EdPool 2 s after it: on time (core/received.py). The same header from anyone else, or saying
    the deadline itself, is late."""
    from tests.helpers import token

    from sourcing.models import Solicitation

    settings.EDPOOL_EDGE_PROXIES = ["10.0.0.10"]
    deadline = open_solicitation.bid_deadline.replace(microsecond=0)  # a whole second, as nginx can say it
    Solicitation.objects.filter(pk=open_solicitation.pk).update(bid_deadline=deadline)
    clock.set(deadline + dt.timedelta(seconds=2))
    url = f"/api/v1/solicitations/{open_solicitation.pk}/bid"

    def put(user, at, remote):
        return client.put(url, json.dumps(bid_data()), content_type="application/json", REMOTE_ADDR=remote,
                          HTTP_X_REQUEST_START=f"t={at.timestamp():.3f}", **token(user))

    just_before = deadline - dt.timedelta(milliseconds=1)
    forged = put(cast.vendor_user_b, just_before, "203.0.113.9")
    assert forged.status_code == 422 and "deadline" in forged.json()["detail"]
    at_the_deadline = put(cast.vendor_user_b, deadline, "10.0.0.10")
    assert at_the_deadline.status_code == 422 and Bid.objects.count() == 0
    response = put(cast.vendor_user_a, just_before, "10.0.0.10")
    assert response.status_code == 200, response.content
    assert response.json()["received_at"] == just_before.isoformat(timespec="microseconds")
    assert Bid.objects.get().submitted_at == just_before
    event = AuditEvent.objects.get(action=AuditAction.BID_SUBMITTED)
    assert event.after["received_clock"] == "edge"
    # Without a trusted proxy the server's own clock is recorded as such.
    settings.EDPOOL_EDGE_PROXIES = []
    clock.set(deadline - dt.timedelta(seconds=1))
    assert put(cast.vendor_user_a, just_before - dt.timedelta(seconds=5), "10.0.0.10").status_code == 200
    latest = AuditEvent.objects.filter(action=AuditAction.BID_REPLACED).get()
    assert latest.after["received_clock"] == "server"
    assert latest.after["received_at"].startswith((deadline - dt.timedelta(seconds=1)).isoformat()[:19])


def test_nothing_is_accepted_once_the_opening_time_has_passed(cast, open_solicitation, clock):
    """Even if nobody has read the bids yet, and even for a request received before the deadline."""
    clock.set(open_solicitation.bids_open_at)
    with pytest.raises(ValidationError, match="bid deadline"):
        bid_submit(solicitation=open_solicitation, data=bid_data(),
                   received_at=open_solicitation.bid_deadline - dt.timedelta(seconds=1),
                   actor=cast.actor(cast.vendor_user_a))


@pytest.mark.parametrize("tier,field", [({"min_quantity": 1, "unit_price": "1e30"}, "unit_price"),
                                        ({"min_quantity": 1, "unit_price": "1e999999999"}, "unit_price"),
                                        ({"min_quantity": 1, "unit_price": "10000000.01"}, "unit_price"),
                                        ({"min_quantity": 10**30, "unit_price": "10.00"}, "min_quantity"),
                                        ({"min_quantity": 1e300, "unit_price": "10.00"}, "min_quantity")])
def test_absurd_tiers_are_refused_naming_the_field(cast, open_solicitation, tier, field):
    data = bid_data()
    data["lines"][0]["tiers"] = [tier]
    with pytest.raises(ValidationError) as exc:
        bid_submit(solicitation=open_solicitation, data=data, actor=cast.actor(cast.vendor_user_a))
    assert f"lines[1].tiers[1].{field}" in exc.value.message_dict


def test_an_absurd_maximum_quantity_is_refused(cast, open_solicitation):
    data = bid_data()
    data["lines"][0]["max_quantity"] = 10**40
    with pytest.raises(ValidationError) as exc:
        bid_submit(solicitation=open_solicitation, data=data, actor=cast.actor(cast.vendor_user_a))
    assert "lines[1].max_quantity" in exc.value.message_dict


def test_a_wrong_sealing_key_refuses_clearly_and_records_nothing(client, cast, open_solicitation, clock, settings):
    from tests.helpers import token

    submit(cast, open_solicitation)
    clock.set(open_solicitation.bids_open_at)
    settings.BID_SEALING_KEY = "another-key-" + "z" * 40
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied, match="BID_SEALING_KEY"):
        selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.staff))
    response = client.get(f"/api/v1/solicitations/{open_solicitation.pk}/bids", **token(cast.staff))
    assert response.status_code == 403 and "BID_SEALING_KEY" in response.json()["detail"]
    open_solicitation.refresh_from_db()
    assert open_solicitation.bids_opened_at is None
    assert AuditEvent.objects.count() == before + 1  # the token only
