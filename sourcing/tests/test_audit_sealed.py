"""Until the bid deadline, nothing on the audit pages or in the admin (rows, numbering, filters,
counts) lets consortium staff tell that a vendor has bid; after the deadline they can."""

from __future__ import annotations

import re

from django.db import transaction

from accounts.models import User
from audit.models import AuditEvent
from sourcing.services.bids import bid_confirm, bid_submit, bid_withdraw
from sourcing.services.solicitations import addendum_publish
from tests.helpers import bid_data
from tests.cast import PASSWORD
from vendors.services import vendor_update

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')


def audit_pages(client, cast, solicitation) -> dict[str, object]:
    """Every audit page and admin page a staff member could use to look for vendor A's bid."""
    email = cast.vendor_user_a.email
    urls = ["/audit/", "/audit/?page=2", "/audit/?object_type=sourcing.bid",
            f"/audit/?actor={email}", "/audit/?action=bid", f"/audit/?action=bid.&actor={email}",
            f"/audit/?actor={email}&object_type=sourcing.bid",
            f"/audit/sourcing.solicitation/{solicitation.pk}/", "/audit/vendors.vendor/%d/" % cast.vendor_a.pk,
            "/admin/audit/auditevent/", "/admin/audit/auditevent/?q=bid",
            f"/admin/audit/auditevent/?q={email}", "/admin/audit/auditevent/?object_type=sourcing.bid",
            "/admin/audit/auditevent/?actor_role=vendor_user", "/admin/audit/auditevent/?o=1",
            "/admin/", "/admin/audit/"]
    urls += [f"/audit/sourcing.bid/{pk}/" for pk in range(1, 4)]
    pages: dict[str, object] = {}
    for url in urls:
        response = client.get(url)
        pages[url] = (response.status_code, CSRF.sub("", response.content.decode()))
    # Per-event admin pages would be addressed by database id: there are none.
    # Every event's id and a few beyond the last (not range(1, top): on PostgreSQL ids keep counting
    # across the suite's rolled-back tests, so that range grew with the whole suite).
    ids = list(AuditEvent.objects.values_list("pk", flat=True))
    top = max(ids, default=0)
    pages["admin event pages"] = {client.get(f"/admin/audit/auditevent/{pk}/{tail}").status_code
                                  for pk in [*ids, *range(top + 1, top + 5)]
                                  for tail in ("change/", "", "history/")}
    return pages


def world(client, cast, solicitation, *, vendor_a_bids: bool, deadline_passes: bool = False,
          clock=None) -> dict[str, object]:
    """The same visible history, with or without vendor A's bid woven into it; rolled back."""
    staff, vendor_a = cast.actor(cast.staff), cast.actor(cast.vendor_user_a)
    with transaction.atomic():
        vendor_update(vendor=cast.vendor_a, name="Vendor A", legal_name="Vendor A, Inc.",
                      contact_email="bids@vendor-a.example", categories=[], actor=vendor_a)
        if vendor_a_bids:
            bid_submit(solicitation=solicitation, data=bid_data(), actor=vendor_a)
            bid_submit(solicitation=solicitation, data=bid_data(price1="280.00"), actor=vendor_a)
            bid_withdraw(solicitation=solicitation, actor=vendor_a)
            bid_submit(solicitation=solicitation, data=bid_data(), actor=vendor_a)
        addendum_publish(solicitation=solicitation, summary="Clarified the warranty", actor=staff)
        if vendor_a_bids:
            bid_confirm(solicitation=solicitation, actor=vendor_a)
        vendor_update(vendor=cast.vendor_a, name="Vendor A", legal_name="Vendor A, Inc.",
                      contact_email="tenders@vendor-a.example", categories=[], actor=vendor_a)
        if deadline_passes:
            solicitation.refresh_from_db()
            clock.set(solicitation.bids_open_at)
        client.logout()
        assert client.login(email=cast.staff.email, password=PASSWORD)
        pages = audit_pages(client, cast, solicitation)
        transaction.set_rollback(True)
    solicitation.refresh_from_db()
    cast.vendor_a.refresh_from_db()
    return pages


def test_staff_cannot_tell_from_the_audit_pages_or_admin_that_a_vendor_bid(client, cast, open_solicitation, clock,
                                                                          settings):
    # Each world runs several services in one transaction (to roll it back): not a case for the
    # lock-order check (core.locks, on the hardening branches).
    settings.EDPOOL_CHECK_LOCK_ORDER = False
    User.objects.filter(pk=cast.staff.pk).update(is_staff=True, is_superuser=True)
    without = world(client, cast, open_solicitation, vendor_a_bids=False)
    with_bid = world(client, cast, open_solicitation, vendor_a_bids=True)
    assert without["admin event pages"] == {404}
    for url in without:
        assert with_bid[url] == without[url], url
    # The pages are real: vendor A's visible events are there, its bid events are not.
    status, page = without[f"/audit/?actor={cast.vendor_user_a.email}"]
    assert status == 200 and "vendor.updated" in page and "bid.submitted" not in page
    assert ">Bid<" not in without["/audit/"][1]  # no "Bid" object type to filter on
    # After the deadline the same pages show the bid, who made it, and the bid object type.
    opened = world(client, cast, open_solicitation, vendor_a_bids=True, deadline_passes=True, clock=clock)
    status, page = opened[f"/audit/?actor={cast.vendor_user_a.email}&object_type=sourcing.bid"]
    assert "bid.submitted" in page and "bid.withdrawn" in page and "bid.confirmed" in page
    assert '<option value="sourcing.bid" >Bid</option>' in opened["/audit/"][1]
    assert "bid.submitted" in opened["/admin/audit/auditevent/?q=bid"][1]


def test_audit_pages_show_no_chain_numbers(client, cast, open_solicitation):
    """Gaps in the chain's numbering would betray sealed events: pages number rows instead."""
    bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    addendum_publish(solicitation=open_solicitation, summary="x", actor=cast.actor(cast.staff))
    assert client.login(email=cast.staff.email, password=PASSWORD)
    page = client.get("/audit/").content.decode()
    seqs = AuditEvent.objects.values_list("seq", flat=True)
    cells = re.findall(r"<tr>\s*<td>(\d+)</td>", page)
    visible = AuditEvent.objects.exclude(object_type="sourcing.bid").count()
    assert cells == [str(i) for i in range(1, visible + 1)]  # row numbers, 1..n on the page
    assert max(seqs) > visible  # the chain itself numbers the hidden event too
