"""The releases of call-offs: a member's participation in a master agreement and each order are
processes of their own, linked to the solicitation with `relatedProcesses` relationship
`framework`. Names (district, vendor, products, the framework's title) are as of each event."""

from __future__ import annotations

from typing import Any, Optional

from audit.models import AuditEvent
from opendata.built import Built
from opendata.names import AsOf
from opendata.ocid import ocid_for
from opendata.parties import district_party, ref, vendor_party
from opendata.values import amount, iso

PARTICIPATION_ACTIONS = ("participation.prepared", "participation.approved",
                         "participation.countersigned", "participation.withdrawn",
                         "participation.rejected")
ORDER_ACTIONS = ("order.submitted", "order.approved", "order.acknowledged", "order.fulfilled",
                 "order.cancelled", "order.rejected")


def _framework_link(at: AsOf, solicitation) -> dict[str, Any]:
    from django.conf import settings

    from opendata.ocid import record_api_path

    sol_ocid = ocid_for("solicitation", solicitation.pk)
    return {"id": "framework", "relationship": ["framework"], "title": at.solicitation_title(solicitation),
            "scheme": "ocid", "identifier": sol_ocid,
            "uri": settings.SITE_URL.rstrip("/") + record_api_path(sol_ocid)}


def _call_off(at: AsOf, kind: str, pk: int, district,
              agreement) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A call-off's ocid, its release body (the district buying, the agreement's vendor supplying, the
    framework it calls off; parties are [buyer, supplier]) and the skeletons of its award and contract."""
    ocid = ocid_for(kind, pk)
    buyer = district_party(at, district, ["buyer", "procuringEntity"])
    supplier = vendor_party(at, agreement.vendor, ["supplier"])
    award_id = f"{ocid}-award"
    body: dict[str, Any] = {"parties": [buyer, supplier], "buyer": ref(buyer),
                            "relatedProcesses": [_framework_link(at, agreement.solicitation)]}
    return ocid, body, {"id": award_id}, {"id": f"{ocid}-contract", "awardID": award_id}


def build_participation(event: AuditEvent, at: AsOf) -> Optional[Built]:
    from contracts.models import ParticipationAgreement

    p = (ParticipationAgreement.objects.filter(pk=int(event.object_id))
         .select_related("district__organisation", "agreement__vendor", "agreement__solicitation").first())
    if p is None:
        return None
    ocid, body, award, contract = _call_off(at, "participation", p.pk, p.district, p.agreement)
    buyer, supplier = body["parties"]
    agreement = p.agreement
    action = event.action
    if action == "participation.prepared":
        tags = ["tender", "award", "contract"]
        competitive = p.mini_competition_id is not None
        body["tender"] = {
            "id": f"join-{p.pk}", "status": "complete",
            "title": f"{buyer['name']} joins master agreement {agreement.number}",
            "procurementMethod": "selective" if competitive else "limited",
            "procurementMethodDetails": ("Call-off from a framework agreement after a mini-competition"
                                         if competitive else "Call-off from a framework agreement"),
            "value": amount((event.after or {}).get("estimated_value")),
            "techniques": {"hasFrameworkAgreement": True}, "competitive": competitive}
        award.update({"status": "pending", "date": iso(event.occurred_at), "suppliers": [ref(supplier)],
                      "title": f"{supplier['name']} under {agreement.number}"})
        contract.update({"status": "pending", "title": f"Participation agreement under {agreement.number}"})
    elif action == "participation.approved":
        tags = ["contractUpdate"]
        contract["status"] = "pending"
    elif action == "participation.countersigned":
        tags = ["awardUpdate", "contractUpdate"]
        award["status"] = "active"
        contract.update({"status": "active", "dateSigned": iso(event.occurred_at),
                         "period": {"startDate": iso(event.occurred_at)}})
    elif action == "participation.withdrawn":
        was_active = (event.before or {}).get("state") == "active"
        tags = ["contractTermination"] if was_active else ["awardCancellation", "contractUpdate"]
        if not was_active:
            award["status"] = "cancelled"
        contract.update({"status": "terminated" if was_active else "cancelled"})
        if was_active:
            contract["period"] = {"endDate": iso(event.occurred_at)}
    elif action == "participation.rejected":
        tags = ["awardCancellation", "contractUpdate"]
        award["status"], contract["status"] = "cancelled", "cancelled"
    else:  # pragma: no cover
        return None
    return _finished(ocid, tags, body, award, contract)


def _order_items(at: AsOf, order, priced: bool) -> list[dict[str, Any]]:
    """The order's lines: the product as named then, the schedule entry's unit (an amendment makes
    a new schedule version, never changes an entry an order used) and the price the line was
    counted at (set once, when the order is priced)."""
    items = []
    for line in order.lines.select_related("product", "entry").order_by("pk"):
        unit: dict[str, Any] = {"name": line.entry.unit}
        if priced and line.unit_price is not None:
            unit["value"] = amount(line.unit_price)
        items.append({"id": str(line.pk), "description": at.product_name(line.product),
                      "quantity": line.quantity, "unit": unit})
    return items


def build_order(event: AuditEvent, at: AsOf) -> Optional[Built]:
    from orders.models import Order

    order = (Order.objects.filter(pk=int(event.object_id))
             .select_related("district__organisation", "agreement__vendor", "agreement__solicitation").first())
    if order is None or order.submitted_at is None:
        return None  # a draft never submitted: nothing public
    before, after = event.before or {}, event.after or {}
    if before.get("state") == "draft" and event.action != "order.submitted":
        return None
    ocid, body, award, contract = _call_off(at, "order", order.pk, order.district, order.agreement)
    supplier = body["parties"][1]
    agreement = order.agreement
    priced = bool(after.get("priced_at"))
    action = event.action
    if action == "order.submitted":
        tags = ["tender", "award", "contract"]
        body["tender"] = {"id": order.number, "status": "complete",
                          "title": f"Order {order.number} under master agreement {agreement.number}",
                          "procurementMethod": "limited",
                          "procurementMethodDetails": "Order (call-off) under a framework agreement",
                          "techniques": {"hasFrameworkAgreement": True}, "competitive": False}
        award.update({"date": iso(event.occurred_at), "suppliers": [ref(supplier)],
                      "status": "active" if priced else "pending",
                      "value": amount(after.get("total")) if priced else None})
        contract.update({"title": f"Order {order.number}", "status": "active" if priced else "pending",
                         "value": amount(after.get("total")) if priced else None,
                         "dateSigned": iso(event.occurred_at) if priced else None,
                         "items": _order_items(at, order, priced)})
    elif action == "order.approved":
        tags = ["awardUpdate", "contractUpdate"]
        award.update({"status": "active", "value": amount(after.get("total"))})
        contract.update({"status": "active", "value": amount(after.get("total")),
                         "dateSigned": iso(event.occurred_at), "items": _order_items(at, order, True)})
    elif action == "order.acknowledged":
        tags = ["contractUpdate"]
        contract["status"] = "active"
    elif action == "order.fulfilled":
        tags = ["contractTermination"]
        contract.update({"status": "terminated", "period": {"endDate": iso(event.occurred_at)}})
    elif action in ("order.cancelled", "order.rejected"):
        tags = ["awardCancellation", "contractUpdate"]
        award["status"], contract["status"] = "cancelled", "cancelled"
    else:  # pragma: no cover
        return None
    return _finished(ocid, tags, body, award, contract)


def _finished(ocid: str, tags: list, body: dict, award: dict, contract: dict) -> Built:
    """The call-off's release: its award only when the event set more than the award's id."""
    if len(award) > 1:
        body["awards"] = [award]
    body["contracts"] = [contract]
    return Built(ocid, tags, body)
