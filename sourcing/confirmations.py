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
