"""District buyers and approvers. Every selector is asked for the acting district only, so a
district never sees another's agreements, orders, rebates, quotes or approvals.

Buyer: our agreements and their renewals, orders by state, rebates owed to us, compliance steps
outstanding for products we use, quotes answered. (Saved catalog searches are not kept by
EdPool, so there is no panel for them.)
Approver: everything waiting for my approval (orders, participations) with amount and who asked."""

from __future__ import annotations

from django.urls import reverse

from accounts.acting import Actor
from contracts.selectors.participation import OPEN_STATES, RENEWAL_WINDOW_DAYS, participations_of_district, upcoming_ends
from contracts.selectors.worklists import compliance_steps_outstanding, participations_awaiting_approval, quotes_answered
from core.formatting import money
from edpool.workspaces.panels import Item, Panel, Workspace
from members.selectors import district_is_member, memberships_of_district
from members.states import QUEUE_STATES
from orders.selectors import OPEN_STATES as ORDER_OPEN_STATES
from orders.selectors import order_counts_by_state, orders_awaiting_approval, orders_of_district, rebate_statement
from orders.states import OrderState
from surveys.selectors import surveys_to_answer

ORDER_NEXT = {"draft": "Finish and submit the order", "awaiting_approval": "Waiting for your approver",
              "submitted": "Waiting for the vendor to acknowledge", "approved": "Waiting for the vendor to acknowledge",
              "acknowledged": "Waiting for the vendor to fulfil"}
VERDICT_NEXT = {"allowed_after_steps": "Take the steps listed, then record the decision",
                "not_researched": "Check your state's own rules with counsel, then record the decision",
                "blocked": "Do not use it: see why"}


def _who(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


def our_agreements(district) -> Panel:
    participations = [p for p in participations_of_district(district) if p.state in OPEN_STATES]
    ending = {u.agreement.pk: u for u in upcoming_ends(participations)}
    items = []
    for p in sorted(participations, key=lambda p: (p.agreement.pk not in ending, p.agreement.number)):
        upcoming = ending.get(p.agreement.pk)
        if upcoming is not None:
            action = (f"Term ends in {upcoming.days_left} days; "
                      + (f"{upcoming.renewals_left} renewal option{'s' if upcoming.renewals_left != 1 else ''} left"
                         if upcoming.renewals_left else "no renewal left: plan the successor"))
        elif p.state == "active":
            action = "Place orders under it"
        else:
            action = "Waiting for the approver or the vendor's countersignature"
        items.append(Item(label=f"{p.agreement.number}: {p.agreement.title}",
                          url=reverse("contracts:detail", args=[p.agreement.pk]), action=action,
                          state=p.get_state_display(), when=p.agreement.end_date, when_label="Term ends",
                          who=p.agreement.vendor.legal_name, who_label="Vendor", urgent=upcoming is not None))
    return Panel("agreements", "Our agreements and their renewals", items,
                 empty="The district has not joined an agreement yet: search the catalog to start.",
                 see_all_url=reverse("contracts:dashboard"),
                 breakdown=[(f"Ending within {RENEWAL_WINDOW_DAYS} days", len(ending))] if ending else [])


def orders_by_state(district) -> Panel:
    counts = order_counts_by_state(district)
    open_orders = [o for o in orders_of_district(district) if o.state in ORDER_OPEN_STATES]
    return Panel("orders", "Orders by state", [
        Item(label=f"{o.number} ({o.agreement.vendor.legal_name})", url=reverse("orders:detail", args=[o.pk]),
             action=ORDER_NEXT.get(o.state, ""), state=o.get_state_display(),
             amount=o.total if o.state != "draft" else None,
             amount_label="Estimated total" if o.state == "awaiting_approval" else "Total",
             when=o.submitted_at or o.created_at, when_label="Submitted" if o.submitted_at else "Created")
        for o in open_orders],
        empty="No order in progress.", see_all_url=reverse("orders:district"),
        breakdown=[(OrderState(state).label, n) for state, n in counts.items() if n])


def rebates(district) -> Panel:
    rows = [r for r in rebate_statement(district=district) if r.outstanding > 0]
    return Panel("rebates", "Rebates owed to us", [
        Item(label=f"{r.agreement} ({r.counterparty})", url=reverse("contracts:detail", args=[r.agreement_id]),
             action="The vendor settles it by credit note or payment", amount=r.outstanding,
             amount_label="Outstanding", detail=f"Earned {money(r.earned)}, settled {money(r.settled)}")
        for r in rows],
        empty="No rebate is owed to the district.", see_all_url=reverse("orders:district"))


def compliance_steps(district) -> Panel:
    rows = compliance_steps_outstanding(district)
    return Panel("compliance", "Compliance steps outstanding for products we use", [
        Item(label=f"{i.product.name} ({i.agreement.vendor.legal_name})",
             url=reverse("compliance:check") + f"?district={district.pk}&product={i.product.pk}",
             action=VERDICT_NEXT.get(i.verdict.verdict, ""), state=i.verdict.label, detail=i.verdict.summary,
             urgent=i.verdict.verdict == "blocked") for i in rows],
        empty="Every product on the agreements we joined is allowed for the district.",
        see_all_url=reverse("compliance:check"), see_all_label="Check a product")


def quotes(district) -> Panel:
    rows = list(quotes_answered(district))
    return Panel("quotes", "Quotes answered", [
        Item(label=f"{q.agreement.vendor.legal_name} for {q.competition.solicitation.title}",
             url=reverse("contracts:competition", args=[q.competition_id]),
             action="Compare the quotes and choose a vendor", amount=q.quote_total, amount_label="Quoted",
             when=q.answered_at, when_label="Answered") for q in rows],
        empty="No quote waits for your decision.", see_all_url=reverse("contracts:dashboard"))


def orders_to_approve(district) -> Panel:
    rows = list(orders_awaiting_approval(district))
    return Panel("approve-orders", "Orders waiting for your approval", [
        Item(label=f"{o.number} ({o.agreement.vendor.legal_name})", url=reverse("orders:detail", args=[o.pk]),
             action="Open it to approve or reject", state=o.get_state_display(), amount=o.total,
             amount_label="Estimated total" if o.state == "awaiting_approval" else "Total",
             when=o.submitted_at, when_label="Submitted", who=_who(o.created_by), urgent=True) for o in rows],
        empty="No order waits for your approval.", see_all_url=reverse("orders:approvals"),
        see_all_label="Approve or reject from the list")


def participations_to_approve(district) -> Panel:
    rows = list(participations_awaiting_approval(district))
    return Panel("approve-participations", "Participations waiting for your approval", [
        Item(label=f"{p.agreement.number}: {p.agreement.title}",
             url=reverse("orders:approvals") + f"#participation-{p.pk}", action="Approve or reject it",
             state=p.get_state_display(), amount=p.estimated_value, amount_label="Estimated a year",
             when=p.prepared_at, when_label="Prepared", who=_who(p.prepared_by), urgent=True) for p in rows],
        empty="No participation waits for your approval.", see_all_url=reverse("orders:approvals"),
        see_all_label="Approve or reject from the list")


MEMBERSHIP_NEXT = {"applied": "Upload the board's resolution", "board_approved": "Sign the membership agreement",
                   "agreement_signed": "Waiting for the consortium to activate the membership"}


def membership(district) -> Panel:
    """Only for a district that is not an active member: its application, or how to apply."""
    rows = [m for m in memberships_of_district(district=district) if m.state in QUEUE_STATES]
    items = [Item(label=f"Membership of {district.name}", url=reverse("members:mine"),
                  action=MEMBERSHIP_NEXT.get(m.state, ""), state=m.get_state_display(), when=m.applied_at,
                  when_label="Applied") for m in rows]
    if not items:
        items = [Item(label=f"{district.name} is not a member yet", url=reverse("members:mine"),
                      action="Apply for membership: members order on the consortium's agreements")]
    return Panel("membership", "Our membership", items, empty="", see_all_url=reverse("members:mine"),
                 see_all_label="Our membership")


def needs_surveys(district) -> Panel:
    rows = surveys_to_answer(district)
    return Panel("surveys", "Needs surveys to answer", [
        Item(label=s.title, url=reverse("surveys:detail", args=[s.pk]),
             action="Finish and submit our answers" if state else "Tell the consortium what we need",
             state="Draft, not submitted" if state else "Not answered yet", when=s.closes_at,
             when_label="Closes", urgent=True) for s, state in rows],
        empty="No open needs survey waits for our answers.", see_all_url=reverse("surveys:list"),
        see_all_label="All needs surveys")


def build_buyer(actor: Actor, district) -> Workspace:
    panels = [our_agreements(district), orders_by_state(district), rebates(district),
              compliance_steps(district), quotes(district)]
    if not district_is_member(district):
        panels.insert(0, membership(district))
    else:
        panels.append(needs_surveys(district))
    return Workspace("buyer", f"{district.name}: your workspace",
                     "The district's agreements, orders, rebates, compliance steps and quotes.", panels)


def build_approver(actor: Actor, district) -> Workspace:
    return Workspace("approver", f"{district.name}: waiting for your approval",
                     "Everything above the district's approval limit waits for you here.",
                     [orders_to_approve(district), participations_to_approve(district)])
