"""What the confirmation page (core.confirm) says before staff publish a solicitation, publish
its award notice, decide a protest or cancel it: what happens, who is emailed (counts and kinds,
never a sealed detail: before the bids open the number of bidders is not shown), the amounts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.confirm import Confirmation, Field
from core.formatting import money
from core.limits import NOTE_MAX
from sourcing import selectors
from sourcing.award_plans import award_plan
from sourcing.models import Bid, Protest, Solicitation
from sourcing.services.common import vendor_emails
from sourcing.states import AwardMethod
from vendors.models import Vendor


def _vendors(vendors, kind: str) -> str:
    vendors = list(vendors)
    users = sum(len(vendor_emails(v)) for v in vendors)
    return (f"{len(vendors)} {kind} vendor{'s' if len(vendors) != 1 else ''} "
            f"({users} active user{'s' if users != 1 else ''}), by email")


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M %Z}"


def publish(solicitation: Solicitation, back: str) -> Confirmation:
    s = solicitation
    return Confirmation(
        title=f"Publish {s.number} {s.title}", button="Publish: open for bids", back=back, danger=False,
        effects=[f"{s.number} becomes public and open for bids in {s.category.name}.",
                 f"Questions close {_when(s.questions_deadline)}; bids are due {_when(s.bid_deadline)}.",
                 "From now on any change is an addendum, and bids already in must be re-confirmed."],
        notices=[_vendors(Vendor.objects.filter(categories=s.category).distinct(),
                          f"registered {s.category.name}")])


def award_notice(solicitation: Solicitation, actor, back: str) -> Confirmation:
    s = solicitation
    try:
        plan, why = award_plan(solicitation=s, actor=actor), ""
    except PermissionDenied as refused:  # e.g. the bids are not open yet
        plan, why = None, str(refused)
    effects, amounts = [], []
    if plan is None or not plan.ready or plan.stale:
        effects.append("The award plan is not ready: confirming will be refused. "
                       + ((plan.stale or " ".join(plan.problems)) if plan else why or "Compute it first."))
    else:
        method = "multi-award" if plan.method == AwardMethod.MULTI_AWARD else "bulk buy"
        effects.append(f"The award notice ({method}) is published: awarded "
                       f"{', '.join(w.vendor_name for w in plan.winners)}.")
        total = (plan.engine_result or {}).get("total_cost")
        if total is not None:
            amounts.append(("Planned total cost at the estimated quantities", money(total)))
    effects.append(f"The {s.standstill_days}-day standstill starts now; bidders may protest until it ends.")
    bidders = Vendor.objects.filter(bids__solicitation=s, bids__state=Bid.State.SUBMITTED).distinct()
    return Confirmation(
        title=f"Publish the award notice for {s.number}", button="Publish the award notice", back=back,
        effects=effects, amounts=amounts, notices=[_vendors(bidders, "bidding")],
        inputs=[Field("rationale", "Rationale (published with the notice)",
                      help=f"Required, at most {NOTE_MAX:,} characters.", max_length=NOTE_MAX)])


def protest_decision(protest: Protest, upheld: bool, reasons: str, back: str) -> Confirmation:
    s = protest.award.solicitation
    if upheld:
        effects = [f"The protest by {protest.vendor.legal_name} is upheld.",
                   f"Award notice version {protest.award.version} is superseded and {s.number} goes back "
                   f"to evaluation for a revised award and a new notice."]
    else:
        effects = [f"The protest by {protest.vendor.legal_name} is denied; the award stands."]
    return Confirmation(
        title=f"Decide the protest on {s.number}", button="Record the decision", back=back,
        effects=effects, shown=[("Reasons (sent to the protester)", reasons)],
        notices=[_vendors([protest.vendor], "protesting")])


def cancel(solicitation: Solicitation, reason: str, back: str) -> Confirmation:
    s = solicitation
    bidders = Vendor.objects.filter(bids__solicitation=s).distinct()
    if selectors.bid_count_shown(s) is None:  # sealed: not even how many
        notice = "Every vendor with a bid on it, by email (how many stays sealed until the bids open)"
    else:
        notice = _vendors(bidders, "bidding")
    return Confirmation(
        title=f"Cancel {s.number} {s.title}", button="Cancel the solicitation", back=back,
        effects=[f"{s.number} is cancelled for good; no award can follow.",
                 "The reason is published on its public page."],
        shown=[("Public reason", reason)], notices=[notice])


def addendum(solicitation: Solicitation, summary: str, changes: dict, back: str) -> Confirmation:
    s = solicitation
    effects = [f"Addendum {s.addenda.count() + 1} to {s.number} is published on its public page."]
    if changes.get("bid_deadline"):
        effects.append(f"The bid deadline moves to {_when(changes['bid_deadline'])} (at least the "
                       f"consortium's minimum notice after the addendum).")
    if changes.get("questions_deadline"):
        effects.append(f"The questions deadline moves to {_when(changes['questions_deadline'])}.")
    if changes.get("description"):
        effects.append("The description is replaced.")
    effects.append("Every bid already in is marked not current: its vendor must re-confirm or replace it.")
    if selectors.bid_count_shown(s) is None:  # sealed: not even how many bid
        notice = ("Every vendor with a bid in or following it, by email (how many bid stays sealed "
                  "until the bids open)")
    else:
        bidders = Vendor.objects.filter(bids__solicitation=s, bids__state=Bid.State.SUBMITTED)
        followers = Vendor.objects.filter(follows__solicitation=s)
        notice = _vendors(set(bidders) | set(followers), "bidding or following")
    return Confirmation(
        title=f"Publish an addendum to {s.number}", button="Publish the addendum", back=back,
        effects=effects, shown=[("What changes", summary)], notices=[notice],
        inputs=[Field("document", "Document (PDF), optional", kind="file", required=False),
                Field("document_title", "Document title", kind="text", max_length=200, required=False)])
