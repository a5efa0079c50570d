"""Vendors: open solicitations in my categories, my bids and whether each needs re-confirming
after an addendum, quote requests, orders to acknowledge or fulfil, sales reports due, invoices,
evidence expiring within 90 days. Only the vendor's own records; a bid is described by its state
and the addenda it confirmed, never by its (sealed) prices."""

from __future__ import annotations

from django.urls import reverse

from accounts.acting import Actor
from compliance.selectors.evidence import EXPIRY_WINDOW_DAYS, evidence_expiring
from contracts.selectors.worklists import quotes_to_answer
from core import clock
from edpool.workspaces.panels import Item, Panel, Workspace
from orders.selectors import orders_to_handle
from reports.selectors import invoices_unpaid, vendor_reports_due
from sourcing.worklists import bids_of_vendor, open_for_vendor

EVIDENCE_EDIT = {"dpa": "compliance:dpa-edit", "report": "compliance:report-edit",
                 "attestation": "compliance:attestation-edit"}


def solicitations(vendor) -> Panel:
    rows = list(open_for_vendor(vendor))
    return Panel("solicitations", "Open solicitations in your categories", [
        Item(label=f"{s.number}: {s.title}", url=reverse("sourcing:detail", args=[s.pk]),
             action="Read it, ask a question or bid", state=s.category.name if s.category_id else "",
             when=s.bid_deadline, when_label="Bids due") for s in rows],
        empty="No solicitation in your categories is open for bids.", see_all_url=reverse("sourcing:list"))


def bids(vendor) -> Panel:
    work = bids_of_vendor(vendor)
    return Panel("bids", "Your bids", [
        Item(label=f"{w.bid.solicitation.number}: {w.bid.solicitation.title}",
             url=reverse("sourcing:bid", args=[w.bid.solicitation_id]),
             action=(f"Re-confirm it: addendum {w.addenda} was published after you last confirmed"
                     if w.needs_reconfirming else ""),
             state=f"{w.bid.get_state_display()} (revision {w.bid.revision})",
             when=w.bid.solicitation.bid_deadline if open_ else w.stage.next_at,
             when_label="Bid deadline" if open_ else w.stage.next_step, detail=f"Solicitation: {w.stage.state_label}",
             urgent=w.needs_reconfirming) for w in work for open_ in [w.stage.state == "published"]],
        empty="You have no bid on a solicitation in progress.", see_all_url=reverse("sourcing:list"),
        breakdown=[("To re-confirm", sum(w.needs_reconfirming for w in work))])


def quotes(vendor) -> Panel:
    rows = list(quotes_to_answer(vendor))
    return Panel("quotes", "Quote requests", [
        Item(label=f"{q.competition.district.name}: {q.agreement.number}", url=reverse("contracts:vendor"),
             action="Send the quote and your implementation plan", when=q.requested_at, when_label="Requested",
             who=q.competition.district.name, who_label="District") for q in rows],
        empty="No quote request waits for an answer.", see_all_url=reverse("contracts:vendor"))


def orders(vendor) -> Panel:
    rows = list(orders_to_handle(vendor))
    return Panel("orders", "Orders to acknowledge or fulfil", [
        Item(label=f"{o.number} ({o.district.organisation.name})", url=reverse("orders:detail", args=[o.pk]),
             action="Fulfil it" if o.state == "acknowledged" else "Acknowledge it", state=o.get_state_display(),
             amount=o.total, when=o.submitted_at, when_label="Submitted", who=o.district.organisation.name,
             who_label="District") for o in rows],
        empty="No order waits for you.", see_all_url=reverse("orders:vendor"))


def sales_reports(vendor) -> Panel:
    rows = vendor_reports_due(vendor)
    return Panel("sales-reports", "Sales reports due", [
        Item(label=f"{r.agreement.number}, {r.quarter}",
             url=reverse("reports:submit", args=[r.agreement.pk, r.quarter.year, r.quarter.number]),
             action="Submit the quarter's sales report", state=r.status_label, when=r.due, when_label="Due",
             urgent=r.status == "overdue") for r in rows],
        empty="No sales report is due.", see_all_url=reverse("reports:vendor"))


def invoices(actor: Actor) -> Panel:
    today = clock.today()
    rows = list(invoices_unpaid(actor))
    return Panel("invoices", "Invoices to pay", [
        Item(label=f"{i.number}: {i.agreement.number}", url=reverse("reports:vendor"),
             action="Pay the administrative fee", amount=i.fee_amount, amount_label="Fee", when=i.due_on,
             when_label="Due", urgent=i.due_on < today) for i in rows],
        empty="No invoice is unpaid.", see_all_url=reverse("reports:vendor"))


def _evidence_label(e) -> str:
    record = e.record
    if e.kind == "dpa":
        return f"Data privacy agreement, {record.state} ({record.get_template_display()})"
    if e.kind == "report":
        return f"Accessibility report for {record.product.name}"
    scope = f" for {record.product.name}" if record.product_id else ""
    return f"{record.get_kind_display()}{scope}"


def evidence(vendor) -> Panel:
    rows = evidence_expiring(vendor=vendor)
    return Panel("evidence", f"Evidence expiring within {EXPIRY_WINDOW_DAYS} days", [
        Item(label=_evidence_label(e), url=reverse(EVIDENCE_EDIT[e.kind], args=[e.record.pk]),
             action="Upload the renewed document", when=e.until, when_label="No longer applies from",
             urgent=True) for e in rows],
        empty=f"No evidence expires within {EXPIRY_WINDOW_DAYS} days.",
        see_all_url=reverse("compliance:vendor-evidence"))


def build(actor: Actor, vendor) -> Workspace:
    return Workspace("vendor", f"{vendor.legal_name}: your workspace",
                     "Solicitations, bids, quotes, orders, reports, invoices and evidence that need you.",
                     [solicitations(vendor), bids(vendor), quotes(vendor), orders(vendor), sales_reports(vendor),
                      invoices(actor), evidence(vendor)])
