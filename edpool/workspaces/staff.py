"""Consortium staff: applications to decide, solicitations by stage with their next date,
protests open, agreements to sign or ending within 180 days, sales reports overdue or with open
items, invoices unpaid, evaluation committees missing consensus."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse

from accounts.acting import Actor
from catalog.selectors import facts_to_check
from contracts.selectors.participation import RENEWAL_WINDOW_DAYS
from contracts.selectors.worklists import agreements_ending, agreements_to_sign
from core import clock
from surveys.selectors import open_surveys, response_rates
from edpool.workspaces.panels import PANEL_LIMIT, Item, Panel, Workspace
from members.selectors import membership_queue
from reports.selectors import overdue_rows, sales_report_list, invoices_unpaid
from sourcing.states import SolicitationState
from sourcing.worklists import committees_missing_consensus, protests_open, solicitations_by_stage

MEMBERSHIP_NEXT = {"applied": "Record the board's approval", "board_approved": "Record the signed agreement",
                   "agreement_signed": "Activate the membership"}


def applications() -> Panel:
    rows = list(membership_queue())
    return Panel("applications", "Membership applications to decide", [
        Item(label=m.district.name, url=reverse("members:detail", args=[m.pk]),
             action=MEMBERSHIP_NEXT.get(m.state, "Review the application"), state=m.get_state_display(),
             when=m.applied_at, when_label="Applied") for m in rows],
        empty="No application waits for a decision.", see_all_url=reverse("members:queue"))


def solicitations() -> Panel:
    stages = solicitations_by_stage()
    counts = Counter(s.state for s in stages)
    return Panel("solicitations", "Solicitations by stage", [
        Item(label=f"{s.solicitation.number}: {s.solicitation.title}",
             url=reverse("sourcing:manage", args=[s.solicitation.pk]), state=s.state_label,
             action="" if s.next_at else s.next_step, when=s.next_at, when_label=s.next_step)
        for s in stages],
        empty="No solicitation is in progress.", see_all_url=reverse("sourcing:list"),
        breakdown=[(SolicitationState(state).label, n) for state, n in counts.items()])


def protests() -> Panel:
    rows = list(protests_open())
    return Panel("protests", "Protests open", [
        Item(label=f"{p.award.solicitation.number}: protest by {p.vendor.legal_name}",
             url=reverse("sourcing:manage", args=[p.award.solicitation_id]) + "#protests",
             action="Decide the protest (uphold or deny, with reasons)", when=p.filed_at, when_label="Filed",
             who=p.vendor.legal_name, who_label="Filed by", urgent=True) for p in rows],
        empty="No protest is open.", see_all_url=reverse("sourcing:list"))


def agreements() -> Panel:
    to_sign = list(agreements_to_sign())
    ending = agreements_ending()
    items = [Item(label=f"{a.number}: {a.title}", url=reverse("contracts:manage", args=[a.pk]),
                  action="Map the products, record both signatures and start the term",
                  state=a.get_state_display(), who=a.vendor.legal_name, who_label="Vendor") for a in to_sign]
    items += [Item(label=f"{a.number}: {a.title}", url=reverse("contracts:manage", args=[a.pk]),
                   action=("Renew it (" + f"{a.renewals_left} renewal option{'s' if a.renewals_left != 1 else ''}"
                           " left)" if a.renewals_left else "Prepare the successor solicitation"),
                   state=a.get_state_display(), when=a.end_date, when_label="Term ends",
                   who=a.vendor.legal_name, who_label="Vendor", urgent=(a.end_date - clock.today()).days <= 30)
              for a in ending]
    return Panel("agreements", f"Agreements to sign or ending within {RENEWAL_WINDOW_DAYS} days", items,
                 empty=f"No agreement waits for signatures or ends within {RENEWAL_WINDOW_DAYS} days.",
                 see_all_url=reverse("contracts:list"),
                 breakdown=[("To sign", len(to_sign)), ("Ending", len(ending))])


def sales_reports(actor: Actor) -> Panel:
    overdue = overdue_rows()
    open_items = list(sales_report_list(actor=actor, only_open=True))
    items = [Item(label=f"{r.agreement.number} ({r.agreement.vendor.legal_name}), {r.quarter}",
                  url=reverse("reports:overdue"), action="Remind the vendor: the report is overdue",
                  state=r.status_label, when=r.due, when_label="Was due", urgent=True) for r in overdue]
    items += [Item(label=f"{r.agreement.number} ({r.agreement.vendor.legal_name}), {r.year} Q{r.quarter}",
                   url=reverse("reports:detail", args=[r.pk]),
                   action=f"Resolve {r.open_count} open reconciliation item{'s' if r.open_count != 1 else ''}",
                   amount=r.current_total, amount_label="Reported sales") for r in open_items]
    return Panel("sales-reports", "Sales reports overdue or with open items", items,
                 empty="No sales report is overdue or has open items.", see_all_url=reverse("reports:list"),
                 breakdown=[("Overdue", len(overdue)), ("With open items", len(open_items))])


def invoices(actor: Actor) -> Panel:
    today = clock.today()
    rows = list(invoices_unpaid(actor))
    return Panel("invoices", "Invoices unpaid", [
        Item(label=f"{i.number} ({i.agreement.vendor.legal_name})", url=reverse("reports:invoices"),
             action="Record the payment when it arrives" if i.due_on >= today else "Overdue: follow up",
             amount=i.fee_amount, amount_label="Fee", when=i.due_on, when_label="Due",
             urgent=i.due_on < today) for i in rows],
        empty="Every invoice is paid.", see_all_url=reverse("reports:invoices"))


def committees() -> Panel:
    gaps = committees_missing_consensus()
    return Panel("committees", "Evaluation committees missing consensus", [
        Item(label=f"{g.solicitation.number}: {g.solicitation.title}",
             url=reverse("sourcing:manage", args=[g.solicitation.pk]),
             action="Record the committee's consensus scores",
             detail=f"{g.missing} of {g.expected} consensus scores missing") for g in gaps],
        empty="Every committee under evaluation has recorded its consensus.",
        see_all_url=reverse("sourcing:list") + "?state=under_evaluation")


def needs_surveys() -> Panel:
    rows = list(open_surveys())
    items = []
    for s in rows:
        rate = response_rates(s)["all"][0]
        items.append(Item(label=s.title, url=reverse("surveys:detail", args=[s.pk]),
                          action="Follow the answers, then create the solicitation", state="Open for answers",
                          when=s.closes_at, when_label="Closes",
                          detail=f"{rate.responded} of {rate.members} members submitted"))
    return Panel("surveys", "Needs surveys open", items, empty="No needs survey is open.",
                 see_all_url=reverse("surveys:list"), see_all_label="All needs surveys")


def product_facts() -> Panel:
    waiting = facts_to_check()
    rows = list(waiting[:PANEL_LIMIT])
    return Panel("product-facts", "Product facts to check", [
        Item(label=f"{p.name} ({p.vendor.organisation.name})", url=reverse("catalog:product", args=[p.pk]) + "#facts",
             action=(f"Check version {p.facts_version} (changed since version {p.facts_checked_version})"
                     if p.facts_checked_version else f"Check version {p.facts_version}"),
             when=p.changed_at, when_label="Changed", urgent=bool(p.facts_checked_version)) for p in rows],
        count=waiting.count(), empty="Every product's current facts are checked.",
        see_all_url=reverse("catalog:facts-to-check"))


def build(actor: Actor) -> Workspace:
    return Workspace("staff", "Your workspace", "What waits for the consortium's staff, soonest first.", [
        applications(), solicitations(), protests(), agreements(), sales_reports(actor), invoices(actor),
        committees(), product_facts(), needs_surveys()])
