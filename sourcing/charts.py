"""Pictures of a solicitation: its timeline, the bids' evaluated prices side by side, and a bulk
buy's award plan spend by vendor against the share cap.

Builds `core.charts.Chart`s from what the pages already show (the solicitation and its award,
the tabulation the actor may see, the award plan); views only pass them to the template. Nothing
here reads bids: the tabulation chart takes the evaluations `sourcing.selectors.tabulation`
returned, after its access check, so sealed bids never reach it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional, Sequence

from core.charts import Bar, Chart, Marker, bar_chart, timeline_chart
from core.clock import date_of
from core.formatting import money


def timeline(solicitation, award, *, today: dt.date) -> Optional[Chart]:
    """Published, questions close, bids due, bids open, standstill ends: the steps known so far
    (None for a draft: nothing is dated until it is published)."""
    if solicitation.published_at is None:
        return None
    events = [(date_of(solicitation.published_at), "Published"),
              (date_of(solicitation.questions_deadline), "Questions close"),
              (date_of(solicitation.bid_deadline), "Bids due"),
              (date_of(solicitation.bids_open_at), "Bids open")]  # all at once, from the clock
    if award is not None:
        events.append((date_of(award.standstill_ends_at), "Standstill ends"))
    events.sort(key=lambda e: e[0])
    coming = [(day, label) for day, label in events if day > today]
    if coming:
        day, label = coming[0]
        days = (day - today).days
        summary = f"Next: {label.lower()} on {day:%B} {day.day}, {day.year}, in {days} day{'s' if days != 1 else ''}."
    elif award is None and solicitation.cancelled_at is None:
        day, label = events[-1]
        summary = (f"Every step so far is past: the last, {label.lower()}, was on {day:%B} {day.day}, "
                   f"{day.year}; the award notice comes next.")
    else:
        day, label = events[-1]
        summary = f"Every step is past; the last, {label.lower()}, was on {day:%B} {day.day}, {day.year}."
    return timeline_chart(title="Timeline", summary=summary, events=events, today=today,
                          key=f"timeline-{solicitation.pk}")


def evaluated_prices(evaluations: Sequence[Any], *, lines: int) -> Optional[Chart]:
    """Each bid's evaluated price (its lines' estimated quantities at its own tiers), lowest first,
    as the tabulation shows them; a bid that is not responsive, or prices only some of the `lines`,
    says so beside its bar (None when there are no bids)."""
    if not evaluations:
        return None
    ordered = sorted(evaluations, key=lambda e: (e.evaluated_total, e.bid.vendor_name))
    bars, comparable = [], []
    for ev in ordered:
        notes = [] if ev.responsive else ["not responsive"]
        if len(ev.lines) < lines:
            notes.append(f"{len(ev.lines)} of {lines} lines")
        bars.append(Bar(ev.bid.vendor_name, ev.evaluated_total, note="; ".join(notes)))
        if not notes:
            comparable.append(bars[-1])
    n = len(bars)
    if comparable:
        low, high = comparable[0], comparable[-1]
        summary = (f"{n} bid{'s' if n != 1 else ''}; the lowest evaluated price of a responsive bid pricing "
                   f"every line is {low.label}'s, {money(low.value)}")
        summary += (f", the highest {high.label}'s, {money(high.value)}." if high is not low else ".")
    else:
        summary = (f"{n} bid{'s' if n != 1 else ''}; none is responsive and prices every line, so their totals "
                   f"do not compare: see the table line by line.")
    return bar_chart(title="Evaluated prices", summary=summary, bars=bars, fmt=money,
                     value_header="Evaluated price", label_header="Bidder", key="evaluated-prices")


def award_plan_spend(plan, *, max_share: Optional[Decimal]) -> Optional[Chart]:
    """A bulk buy's plan: each vendor's spend, with a marker at the share cap (the constraint
    `max_share` of the total, when there is one); a vendor above it is named (None without an
    engine result)."""
    result = (plan.engine_result or {}) if plan is not None else {}
    rows = plan.vendor_rows if result.get("vendors") else []
    if not rows or not result.get("total_cost"):
        return None
    total = Decimal(result["total_cost"])
    cap = total * max_share if max_share is not None else None
    bars = [Bar(r["vendor"], Decimal(r["spend"]),
                note="over the cap" if cap is not None and Decimal(r["spend"]) > cap else "")
            for r in sorted(rows, key=lambda r: (-Decimal(r["spend"]), r["vendor"]))]
    top = bars[0]
    summary = (f"{top.label} has the largest share, {money(top.value)} "
               f"({(top.value * 100 / total).quantize(Decimal('0.1'))}% of {money(total)})")
    marker = None
    if cap is not None:
        percent = (max_share * 100).normalize()
        over = [b.label for b in bars if b.note]
        summary += (f"; the cap is {percent:f}% ({money(cap)}): "
                    + (f"{', '.join(over)} {'is' if len(over) == 1 else 'are'} over it." if over
                       else "no vendor is over it."))
        marker = Marker(cap, f"Share cap {percent:f}%")
    else:
        summary += "."
    return bar_chart(title="Award plan: spend by vendor", summary=summary, bars=bars, fmt=money,
                     marker=marker, value_header="Spend", label_header="Vendor", key="plan-spend")
