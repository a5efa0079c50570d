"""The releases of a solicitation's tender and award: a framework agreement procedure, one lot per
line, bid statistics when the bids open and bid details from the award notice (only what the
public tabulation shows). Names are as of each release's event (`opendata.names`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from audit.models import AuditEvent
from opendata.built import Built
from opendata.names import AsOf
from opendata.ocid import ocid_for
from opendata.parties import consortium_party, ref, vendor_party, vendor_ref
from opendata.values import amount, iso

SOLICITATION_ACTIONS = ("solicitation.published", "solicitation.addendum_published",
                        "solicitation.bids_opened", "solicitation.evaluation_started",
                        "solicitation.award_revision", "solicitation.cancelled")
AWARD_ACTIONS = ("award.notice_published",)


def solicitation_state_at_publication(at: AsOf, solicitation) -> dict[str, Any]:
    """The solicitation as published (`at` is its publication): the state before its first
    addendum (the addendum's audit event keeps it), or as it is now when no addendum changed it."""
    first = at.addendum_before(solicitation)
    if first:
        return first
    return {"title": solicitation.title, "description": solicitation.description,
            "kind": solicitation.kind, "award_method": solicitation.award_method,
            "questions_deadline": iso(solicitation.questions_deadline),
            "bid_deadline": iso(solicitation.bid_deadline),
            "lines": [{"reference": x.reference, "description": x.description, "unit": x.unit,
                       "estimated_quantity": x.estimated_quantity} for x in solicitation.lines.all()]}


def tender_from_state(solicitation, state: dict[str, Any], published_at) -> dict[str, Any]:
    from sourcing.states import AwardMethod, Kind

    multi = state.get("award_method", solicitation.award_method) == AwardMethod.MULTI_AWARD
    kind = state.get("kind", solicitation.kind)
    lines = state.get("lines") or []
    return {
        "id": solicitation.number, "title": state.get("title"), "description": state.get("description"),
        "procurementMethod": "open", "procurementMethodDetails": dict(Kind.choices).get(kind, kind),
        "awardCriteria": "ratedCriteria" if multi else "priceOnly",
        "awardCriteriaDetails": dict(AwardMethod.choices).get(state.get("award_method", ""), None),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": iso(published_at), "endDate": iso(state.get("bid_deadline"))},
        "enquiryPeriod": {"startDate": iso(published_at), "endDate": iso(state.get("questions_deadline"))},
        "techniques": {"hasFrameworkAgreement": True, "frameworkAgreement": {
            "method": "withReopeningCompetition" if multi else "withoutReopeningCompetition"}},
        "lots": [{"id": x["reference"], "title": x["description"], "status": "active"} for x in lines],
        "items": [{"id": x["reference"], "description": x["description"],
                   "quantity": x["estimated_quantity"], "unit": {"name": x["unit"]},
                   "relatedLot": x["reference"]} for x in lines],
    }


def solicitation_head(at: AsOf) -> dict[str, Any]:
    """The start of every release of a solicitation's process: the consortium buys."""
    consortium = consortium_party(at, ["buyer", "procuringEntity"])
    return {"parties": [consortium], "buyer": ref(consortium)}


def _opened_bids(solicitation):
    from sourcing.models import Bid

    return list(Bid.objects.filter(solicitation=solicitation, state=Bid.State.SUBMITTED,
                                   submitted_at__lte=solicitation.bid_deadline)
                .select_related("vendor").order_by("pk"))


def _awarded_vendor_ids(solicitation, until) -> set[int]:
    from sourcing.models import AwardedBid

    return set(AwardedBid.objects.filter(award__solicitation=solicitation,
                                         award__notice_published_at__lte=until)
               .values_list("vendor_id", flat=True))


def _vendor_roles(vendor_id: int, awarded: set[int]) -> list[str]:
    return ["supplier", "tenderer"] if vendor_id in awarded else ["tenderer"]


def award_id(award, vendor_id: int) -> str:
    return f"award-{award.version}-{vendor_id}"


def build_solicitation(event: AuditEvent, at: AsOf) -> Optional[Built]:
    from sourcing.models import Award, Solicitation

    solicitation = Solicitation.objects.filter(pk=int(event.object_id)).first()
    if solicitation is None or solicitation.published_at is None:
        return None  # never published (a draft's cancellation): nothing public
    ocid = ocid_for("solicitation", solicitation.pk)
    body = solicitation_head(at)
    tender: dict[str, Any] = {"id": solicitation.number}
    action = event.action
    if action == "solicitation.published":
        tags = ["tender"]
        tender = tender_from_state(solicitation, solicitation_state_at_publication(at, solicitation),
                                   solicitation.published_at)
        tender["status"] = "active"
    elif action == "solicitation.addendum_published":
        tags = ["tenderAmendment"]
        after = event.after or {}
        tender = tender_from_state(solicitation, after, solicitation.published_at)
        removed = {x["reference"] for x in (event.before or {}).get("lines") or []} - {
            x["reference"] for x in after.get("lines") or []}
        tender["lots"] += [{"id": r, "status": "cancelled"} for r in sorted(removed)]
        tender["status"] = "active"
        tender["amendments"] = [{"id": f"addendum-{after.get('addendum')}", "date": iso(event.occurred_at),
                                 "description": after.get("summary"),
                                 "rationale": "Addendum to the solicitation"}]
    elif action == "solicitation.bids_opened":
        tags = ["tenderUpdate"]
        bids = _opened_bids(solicitation)
        vendors = {b.vendor_id: b.vendor for b in bids}
        tenderers = [vendor_party(at, v, ["tenderer"]) for v in vendors.values()]
        body["parties"] += tenderers
        tender.update({"status": "active", "numberOfTenderers": len(vendors),
                       "tenderers": [ref(p) for p in tenderers]})
        body["bids"] = {"statistics": [{"id": "bids", "measure": "bids", "value": len(bids),
                                        "date": iso(solicitation.bids_open_at)}]}
    elif action == "solicitation.evaluation_started":
        tags = ["tenderUpdate"]
        tender["status"] = "active"
    elif action == "solicitation.award_revision":
        tags = ["awardUpdate", "tenderUpdate"]
        tender["status"] = "active"
        award = (Award.objects.filter(solicitation=solicitation, notice_published_at__lte=event.occurred_at)
                 .order_by("-version").first())
        if award is not None:
            body["awards"] = [{"id": award_id(award, ab.vendor_id), "status": "cancelled"}
                              for ab in award.awarded_bids.all()]
    elif action == "solicitation.cancelled":
        tags = ["tenderCancellation"]
        tender["status"] = "cancelled"
    else:  # pragma: no cover - releases.OBJECT_TYPES lists only the actions above
        return None
    body["tender"] = tender
    return Built(ocid, tags, body)


def build_award(event: AuditEvent, at: AsOf) -> Optional[Built]:
    """The award notice: pending awards (the standstill runs) and the public bid tabulation."""
    from sourcing.models import Award
    from sourcing.selectors import tabulation

    award = Award.objects.filter(pk=int(event.object_id)).select_related("solicitation").first()
    if award is None:
        return None
    solicitation = award.solicitation
    ocid = ocid_for("solicitation", solicitation.pk)
    body = solicitation_head(at)
    evaluations = tabulation(solicitation=solicitation, actor=None, purpose="open data")
    awarded = {ab.vendor_id: ab for ab in award.awarded_bids.select_related("vendor")}
    awarded_ever = _awarded_vendor_ids(solicitation, event.occurred_at)
    bids_by_vendor = {b.vendor_id: b for b in _opened_bids(solicitation)}
    details, valid, disqualified = [], 0, 0
    for ev in evaluations:
        vendor = bids_by_vendor.get(ev.bid.vendor_id)
        if vendor is None:
            continue
        party = vendor_party(at, vendor.vendor, _vendor_roles(ev.bid.vendor_id, awarded_ever))
        body["parties"].append(party)
        valid += ev.responsive
        disqualified += not ev.responsive
        details.append({"id": str(ev.bid.bid_id), "date": iso(ev.bid.submitted_at),
                        "status": "valid" if ev.responsive else "disqualified",
                        "tenderers": [ref(party)], "value": amount(ev.evaluated_total),
                        "relatedLots": [line.line for line in ev.lines]})
    awards = []
    for vendor_id, ab in sorted(awarded.items()):
        lines = [a["line"] for a in ab.allocations or []] or _bid_lines(evaluations, ab.bid_id)
        cost = sum((Decimal(str(a.get("cost", "0"))) for a in ab.allocations or []), Decimal(0))
        supplier = vendor_ref(at, ab.vendor)
        awards.append({"id": award_id(award, vendor_id), "title": f"Award to {supplier['name']}",
                       "date": iso(award.notice_published_at), "status": "pending",
                       "description": "Standstill: the award is final once the protest period "
                                      f"ends ({iso(award.standstill_ends_at)}) with no protest open.",
                       "suppliers": [supplier],
                       "value": amount(cost) if ab.allocations else None,
                       "relatedLots": lines, "relatedBids": [str(ab.bid_id)]})
    body["tender"] = {"id": solicitation.number, "status": "complete",
                      "awardPeriod": {"startDate": iso(award.notice_published_at)}}
    body["awards"] = awards
    body["bids"] = {"details": details, "statistics": [
        {"id": "validBids", "measure": "validBids", "value": valid, "date": iso(award.notice_published_at)},
        {"id": "disqualifiedBids", "measure": "disqualifiedBids", "value": disqualified,
         "date": iso(award.notice_published_at)}]}
    return Built(ocid, ["award", "tenderUpdate"], body)


def _bid_lines(evaluations, bid_id: int) -> list[str]:
    for ev in evaluations:
        if ev.bid.bid_id == bid_id:
            return [line.line for line in ev.lines]
    return []
