"""Demo licence usage: three districts buy licences and report their use month by month.

- ABC Unified (buyer1) bought 1,200 Chrome Education Upgrade licences on Acorn's devices agreement
  (ending within six months) and uses about 480 of them: 40%, the clearly under-used licence at the
  top of the staff renewal list. It imported three months by CSV, then the last month by the API
  with an earlier month corrected (a re-import that replaces the month, in the audit trail). It
  uses 92% of its 3,200 Orchard Reader licences (a three-year agreement).
- Alpaugh Unified (buyer3) uses 94% of the 800 Granite LMS licences it bought; Alta Loma
  Elementary (buyer4) buys 2,400 Summit science licences and reports active users (agreements of
  three years, not up for renewal).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.acting import Actor
from contracts.models import MasterAgreement
from contracts.selectors.agreements import current_schedule
from core import clock
from edpool.demo.catalog_agreements import DEVICES
from edpool.demo.clock import at
from edpool.demo.sourcing import _actor
from orders.services import order_create, order_submit
from usage.models import UsageImport
from usage.services import usage_import


def _month(today: dt.date, back: int) -> str:
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


def _order(district, agreement, line: str, quantity: int, buyer: Actor, reference: str, moment) -> None:
    entry = current_schedule(agreement).entries.filter(line_reference=line).order_by("pk").first()
    with at(moment):
        order = order_create(district=district, agreement=agreement, lines=[(entry.product, quantity)],
                             reference=reference, actor=buyer)
        order_submit(order=order, actor=buyer)


def build_usage_demo(report, members) -> None:
    if UsageImport.objects.exists():
        report.add("Demo licence usage already present.")
        return
    agreements = {a.vendor.organisation.name: a for a in MasterAgreement.objects.filter(title=DEVICES)
                  .select_related("vendor__organisation")}
    acorn = agreements.get("Acorn Device Works")
    summit = MasterAgreement.objects.filter(vendor__organisation__name="Summit Science Studio").first()
    orchard = MasterAgreement.objects.filter(vendor__organisation__name="Orchard Reading Co.").first()
    lms = MasterAgreement.objects.filter(vendor__organisation__name="Granite LMS").first()
    if acorn is None or summit is None or orchard is None or lms is None:
        report.add("No agreements for demo licence usage.")
        return
    now = timezone.now().replace(microsecond=0)
    today = clock.today()
    abc, alpaugh, alta_loma = members[0], members[2], members[3]
    buyer1 = _actor("buyer1@demo.edpool.org", "district_buyer")
    buyer3 = _actor("buyer3@demo.edpool.org", "district_buyer")
    buyer4 = _actor("buyer4@demo.edpool.org", "district_buyer")
    # Orders in the running calendar quarter: the vendors' sales reports for ended quarters (the
    # catalog demo) stay true. ABC Unified joined Orchard's reading agreement 60 days ago, Alta Loma
    # Summit's science agreement 45 days ago (catalog demo), Alpaugh Granite's LMS (agreements demo).
    quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    t0 = max(timezone.make_aware(dt.datetime.combine(quarter, dt.time(9))), now - dt.timedelta(days=40))
    t0 = min(t0, now - dt.timedelta(hours=2))
    minute = dt.timedelta(minutes=1)
    _order(abc, acorn, "CEU", 1200, buyer1, "USAGE-DEMO-1", t0 + 2 * minute)
    _order(abc, orchard, "READ", 3200, buyer1, "USAGE-DEMO-2", t0 + 4 * minute)
    _order(alpaugh, lms, "LMS", 800, buyer3, "USAGE-DEMO-3", t0 + 6 * minute)
    _order(alta_loma, summit, "SCI", 2400, buyer4, "USAGE-DEMO-4", t0 + 8 * minute)
    ceu = current_schedule(acorn).entries.get(line_reference="CEU").product_id
    reader = current_schedule(orchard).entries.get(line_reference="READ").product_id
    granite = current_schedule(lms).entries.get(line_reference="LMS").product_id
    science = current_schedule(summit).entries.filter(line_reference="SCI").order_by("pk").first().product_id
    # The months from the orders' to the last complete one (the current month when that is all).
    first = clock.date_of(t0).replace(day=1)
    months = [_month(today, back) for back in range(3, 0, -1) if _month(today, back) >= f"{first:%Y-%m}"]
    months = months or [f"{today:%Y-%m}"]
    earlier, last = months[:-1], months[-1]
    ceu_used = [610, 520, 495][-len(earlier):] if earlier else []
    later = now - dt.timedelta(minutes=30)
    with at(max(t0 + 10 * minute, later - dt.timedelta(minutes=10))):
        usage_import(district=abc, source="csv", file_name="abc-licence-usage.csv", actor=buyer1, rows=[
            {"product": ceu, "month": m, "active_users": used - 22, "licences_used": used}
            for m, used in zip(earlier, ceu_used)] or [
            {"product": ceu, "month": last, "active_users": 470, "licences_used": 495}])
        usage_import(district=alpaugh, source="csv", file_name="alpaugh-usage.csv", actor=buyer3, rows=[
            {"product": granite, "month": last, "active_users": 731, "licences_used": 752}])
        usage_import(district=alta_loma, source="api", actor=buyer4, rows=[
            {"product": science, "month": last, "active_users": 2118}])
    with at(max(t0 + 12 * minute, later)):
        # The last month, with the month before corrected: the re-import replaces it (audited).
        corrected = [{"product": ceu, "month": earlier[-1], "active_users": 474, "licences_used": 500}] if earlier else []
        usage_import(district=abc, source="api", actor=buyer1, rows=corrected + [
            {"product": ceu, "month": last, "active_users": 451, "licences_used": 480},
            {"product": reader, "month": last, "active_users": 2870, "licences_used": 2950}])
    report.add(f"Licence usage: 3 districts report monthly use; ABC Unified uses 480 of the 1,200 licences "
               f"it bought on {acorn.number} (40%), which ends within six months: first on the renewal list.")
