"""Demo licence usage: three districts buy licences and report their use month by month.

- ABC Unified (buyer1) bought 1,200 Chrome Education Upgrade licences on Acorn's devices agreement
  (ending within six months) and uses about 480 of them: 40%, the clearly under-used licence at the
  top of the staff renewal list. It imported three months by CSV, then the last month by the API
  with an earlier month corrected (a re-import that replaces the month, in the audit trail). It
  uses 92% of its 3,200 Orchard Reader licences (a three-year agreement).
- Alhambra Unified (buyer2) joins Summit's science agreement (three years, not up for renewal)
  and uses 94% of its 800 licences; Alta Loma Elementary (buyer4) buys 2,400 and reports active users.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.acting import Actor
from contracts.models import MasterAgreement
from contracts.selectors.agreements import current_schedule
from core import clock
from edpool.demo.catalog_agreements import DEVICES, _join
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
    if acorn is None or summit is None or orchard is None:
        report.add("No agreements for demo licence usage.")
        return
    now = timezone.now().replace(microsecond=0)
    today = clock.today()
    abc, alhambra, alta_loma = members[0], members[1], members[3]
    buyer1 = _actor("buyer1@demo.edpool.org", "district_buyer")
    buyer2 = _actor("buyer2@demo.edpool.org", "district_buyer")
    buyer4 = _actor("buyer4@demo.edpool.org", "district_buyer")
    start = now - dt.timedelta(days=150)
    _order(abc, acorn, "CEU", 1200, buyer1, "USAGE-DEMO-1", start)
    # ABC Unified joined Orchard's reading agreement 60 days ago and Alta Loma Summit's science
    # agreement 45 days ago (catalog demo); Alhambra joins Summit's now that its attestation is in force.
    _order(abc, orchard, "READ", 3200, buyer1, "USAGE-DEMO-2", now - dt.timedelta(days=55))
    with at(now - dt.timedelta(days=40)):  # single award: no mini-competition
        _join(alhambra, summit, buyer2, "12000", approver=_actor("approver2@demo.edpool.org", "district_approver"))
    _order(alhambra, summit, "SCI", 800, buyer2, "USAGE-DEMO-3", now - dt.timedelta(days=39))
    _order(alta_loma, summit, "SCI", 2400, buyer4, "USAGE-DEMO-4", now - dt.timedelta(days=42))
    ceu = current_schedule(acorn).entries.get(line_reference="CEU").product_id
    reader = current_schedule(orchard).entries.get(line_reference="READ").product_id
    science = current_schedule(summit).entries.filter(line_reference="SCI").order_by("pk").first().product_id
    m4, m3, m2, m1 = (_month(today, back) for back in (4, 3, 2, 1))
    with at(now - dt.timedelta(days=3)):
        usage_import(district=abc, source="csv", file_name="abc-licence-usage.csv", actor=buyer1, rows=[
            {"product": ceu, "month": m4, "active_users": 588, "licences_used": 610},
            {"product": ceu, "month": m3, "active_users": 497, "licences_used": 520},
            {"product": ceu, "month": m2, "active_users": 470, "licences_used": 495}])
        usage_import(district=alhambra, source="csv", file_name="alhambra-usage.csv", actor=buyer2, rows=[
            {"product": science, "month": m1, "active_users": 731, "licences_used": 752}])
        usage_import(district=alta_loma, source="api", actor=buyer4, rows=[
            {"product": science, "month": m1, "active_users": 2118}])
    with at(now - dt.timedelta(days=1)):
        # The last month, and an earlier one corrected: the re-import replaces that month (audited).
        usage_import(district=abc, source="api", actor=buyer1, rows=[
            {"product": ceu, "month": m2, "active_users": 474, "licences_used": 500},
            {"product": ceu, "month": m1, "active_users": 451, "licences_used": 480},
            {"product": reader, "month": m1, "active_users": 2870, "licences_used": 2950}])
    report.add(f"Licence usage: 3 districts report monthly use; ABC Unified uses 480 of the 1,200 licences "
               f"it bought on {acorn.number} (40%), which ends within six months: first on the renewal list.")
