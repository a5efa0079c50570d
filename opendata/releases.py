"""OCDS releases, one per public state change of a contracting process, built from the audit trail.

How EdPool maps onto OCDS (issue 17; README "Open contracting data"):

- A solicitation is a **framework agreement procedure** (`tender.techniques.hasFrameworkAgreement`,
  framework method "with reopening of competition" for a multi-award, whose members run
  mini-competitions, "without" for a bulk buy). Each solicitation line is a lot (the lots
  extension) with its item. Bid statistics are published when the bids open; bid details (the
  bid extension) only from the award notice, and only what the public bid tabulation shows: the
  bidder, when it bid, whether it was responsive, its evaluated price and the lines it bid on.
  Its master agreements are the process's contracts.
- A member's participation in a master agreement and each order are processes of their own
  (call-offs), linked to the solicitation with `relatedProcesses` relationship `framework`.
- Addenda are tender amendments; renewals and approved price-schedule amendments are contract
  amendments.

A release is a function of one audit event and of facts that cannot change after it (the event's
own before/after snapshot, the bids once opened, an order's priced lines): so building it again
gives the same release, and its id (`<ocid>-<event seq>`) and date (the event's) are stable.
Never published: drafts, sealed bids, scores and notes, buyers', evaluators' and vendors' people
(names, emails), reasons typed by staff or members for a rejection or cancellation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Optional

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from audit.models import AuditEvent
from opendata.ocid import ocid_for

CURRENCY = "USD"
LANGUAGE = "en"

# The audit actions that make a release, by the type of the object they record.
SOLICITATION_ACTIONS = ("solicitation.published", "solicitation.addendum_published",
                        "solicitation.bids_opened", "solicitation.evaluation_started",
                        "solicitation.award_revision", "solicitation.cancelled")
AWARD_ACTIONS = ("award.notice_published",)
AGREEMENT_ACTIONS = ("agreement.created", "agreement.activated", "agreement.renewed",
                     "agreement.terminated")
AMENDMENT_ACTIONS = ("amendment.approved",)
PARTICIPATION_ACTIONS = ("participation.prepared", "participation.approved",
                         "participation.countersigned", "participation.withdrawn",
                         "participation.rejected")
ORDER_ACTIONS = ("order.submitted", "order.approved", "order.acknowledged", "order.fulfilled",
                 "order.cancelled", "order.rejected")
ACTIONS = (SOLICITATION_ACTIONS + AWARD_ACTIONS + AGREEMENT_ACTIONS + AMENDMENT_ACTIONS
           + PARTICIPATION_ACTIONS + ORDER_ACTIONS)
OBJECT_TYPES = {
    "sourcing.solicitation": SOLICITATION_ACTIONS, "sourcing.award": AWARD_ACTIONS,
    "contracts.masteragreement": AGREEMENT_ACTIONS, "contracts.amendment": AMENDMENT_ACTIONS,
    "contracts.participationagreement": PARTICIPATION_ACTIONS, "orders.order": ORDER_ACTIONS,
}


def events_query() -> Q:
    """The audit events that make releases."""
    q = Q(pk__in=[])
    for object_type, actions in OBJECT_TYPES.items():
        q |= Q(object_type=object_type, action__in=actions)
    return q


# ---------------------------------------------------------------- values

def iso(moment: Any) -> Optional[str]:
    """An aware moment (or its ISO string) as OCDS wants it: UTC, whole seconds, `Z`."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        moment = parse_datetime(moment)
        if moment is None:
            return None
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: Any, end: bool = False) -> Optional[str]:
    """A calendar day of the consortium (or its ISO string) as the moment it starts (or ends)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = parse_date(value)
    moment = dt.datetime.combine(value, dt.time(23, 59, 59) if end else dt.time.min)
    return iso(timezone.make_aware(moment, timezone.get_default_timezone()))


def amount(value: Any) -> Optional[dict[str, Any]]:
    """A dollar amount (Decimal or its string) as an OCDS Value; whole dollars as integers."""
    if value in (None, ""):
        return None
    value = Decimal(str(value)).quantize(Decimal("0.01"))
    number: int | float = int(value) if value == value.to_integral_value() else float(value)
    return {"amount": number, "currency": CURRENCY}


def _prune(value: Any) -> Any:
    """Drop None and empty containers, recursively (OCDS publishes absent rather than null)."""
    if isinstance(value, dict):
        out = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [], "")}
    if isinstance(value, list):
        return [_prune(v) for v in value if v is not None]
    return value


# ---------------------------------------------------------------- parties

def _party_id(organisation_id: int) -> str:
    return f"org-{organisation_id}"


def consortium_party(roles: Iterable[str]) -> dict[str, Any]:
    from orgs.selectors import consortium_profile

    profile = consortium_profile()
    if profile is None:
        return {"id": "org-consortium", "name": "The consortium", "roles": sorted(roles)}
    org = profile.organisation
    return {"id": _party_id(org.pk), "name": org.name, "roles": sorted(roles),
            "identifier": {"scheme": "EDPOOL-ORG", "id": str(org.pk), "legalName": org.name},
            "address": {"region": org.state, "countryName": "United States"} if org.state else None,
            "contactPoint": {"url": profile.website} if profile.website else None}


def district_party(district, roles: Iterable[str]) -> dict[str, Any]:
    """A district: its NCES LEAID (scheme US-NCES) or, lacking one, its state LEA id in NCES's
    ST_LEAID form (scheme US-NCES-ST). Its address is the public directory's city, state and ZIP."""
    if district.nces_leaid:
        identifier = {"scheme": "US-NCES", "id": district.nces_leaid}
    else:
        identifier = {"scheme": "US-NCES-ST", "id": district.state_leaid}
    identifier["legalName"] = district.organisation.name
    additional = ([{"scheme": "US-NCES-ST", "id": district.state_leaid}]
                  if district.nces_leaid and district.state_leaid else None)
    return {"id": _party_id(district.organisation_id), "name": district.organisation.name,
            "roles": sorted(roles), "identifier": identifier, "additionalIdentifiers": additional,
            "address": {"locality": district.city, "region": district.state,
                        "postalCode": district.zip_code, "countryName": "United States"}}


def vendor_party(vendor, roles: Iterable[str]) -> dict[str, Any]:
    """A vendor: its registration with the consortium (scheme EDPOOL-VENDOR) and legal name; its
    public website, never its contact person."""
    return {"id": _party_id(vendor.organisation_id), "name": vendor.legal_name, "roles": sorted(roles),
            "identifier": {"scheme": "EDPOOL-VENDOR", "id": str(vendor.pk), "legalName": vendor.legal_name},
            "contactPoint": {"url": vendor.website} if vendor.website else None}


def _ref(party: dict[str, Any]) -> dict[str, str]:
    return {"id": party["id"], "name": party["name"]}


# ---------------------------------------------------------------- the processes

@dataclass(frozen=True)
class Built:
    ocid: str
    tags: list[str]
    body: dict[str, Any]


def _release(event: AuditEvent, built: Built) -> dict[str, Any]:
    release = {"ocid": built.ocid, "id": f"{built.ocid}-{event.seq}", "date": iso(event.occurred_at),
               "tag": built.tags, "initiationType": "tender", "language": LANGUAGE}
    release.update(built.body)
    return _prune(release)


def _solicitation_state_at_publication(solicitation) -> dict[str, Any]:
    """The solicitation as published: the state before its first addendum (the addendum's audit
    event keeps it), or as it is now when no addendum changed it."""
    first = (AuditEvent.objects.filter(object_type="sourcing.solicitation", object_id=str(solicitation.pk),
                                       action="solicitation.addendum_published")
             .order_by("seq").first())
    if first is not None and first.before:
        return first.before
    return {"title": solicitation.title, "description": solicitation.description,
            "kind": solicitation.kind, "award_method": solicitation.award_method,
            "questions_deadline": iso(solicitation.questions_deadline),
            "bid_deadline": iso(solicitation.bid_deadline),
            "lines": [{"reference": x.reference, "description": x.description, "unit": x.unit,
                       "estimated_quantity": x.estimated_quantity} for x in solicitation.lines.all()]}


def _tender_from_state(solicitation, state: dict[str, Any], published_at) -> dict[str, Any]:
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


def _consortium_roles() -> list[str]:
    return ["buyer", "procuringEntity"]


def _solicitation_head(solicitation) -> dict[str, Any]:
    consortium = consortium_party(_consortium_roles())
    return {"parties": [consortium], "buyer": _ref(consortium)}


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


def _award_id(award, vendor_id: int) -> str:
    return f"award-{award.version}-{vendor_id}"


def build_solicitation(event: AuditEvent) -> Optional[Built]:
    from sourcing.models import Award, Solicitation

    solicitation = Solicitation.objects.filter(pk=int(event.object_id)).first()
    if solicitation is None or solicitation.published_at is None:
        return None  # never published (a draft's cancellation): nothing public
    ocid = ocid_for("solicitation", solicitation.pk)
    body = _solicitation_head(solicitation)
    tender: dict[str, Any] = {"id": solicitation.number}
    action = event.action
    if action == "solicitation.published":
        tags = ["tender"]
        tender = _tender_from_state(solicitation, _solicitation_state_at_publication(solicitation),
                                    solicitation.published_at)
        tender["status"] = "active"
    elif action == "solicitation.addendum_published":
        tags = ["tenderAmendment"]
        after = event.after or {}
        tender = _tender_from_state(solicitation, after, solicitation.published_at)
        removed = {x["reference"] for x in (event.before or {}).get("lines") or []} - {
            x["reference"] for x in after.get("lines") or []}
        tender["lots"] += [{"id": ref, "status": "cancelled"} for ref in sorted(removed)]
        tender["status"] = "active"
        tender["amendments"] = [{"id": f"addendum-{after.get('addendum')}", "date": iso(event.occurred_at),
                                 "description": after.get("summary"),
                                 "rationale": "Addendum to the solicitation"}]
    elif action == "solicitation.bids_opened":
        tags = ["tenderUpdate"]
        bids = _opened_bids(solicitation)
        vendors = {b.vendor_id: b.vendor for b in bids}
        tenderers = [vendor_party(v, ["tenderer"]) for v in vendors.values()]
        body["parties"] += tenderers
        tender.update({"status": "active", "numberOfTenderers": len(vendors),
                       "tenderers": [_ref(p) for p in tenderers]})
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
            body["awards"] = [{"id": _award_id(award, ab.vendor_id), "status": "cancelled"}
                              for ab in award.awarded_bids.all()]
    elif action == "solicitation.cancelled":
        tags = ["tenderCancellation"]
        tender["status"] = "cancelled"
    else:  # pragma: no cover - OBJECT_TYPES lists only the actions above
        return None
    body["tender"] = tender
    return Built(ocid, tags, body)


def build_award(event: AuditEvent) -> Optional[Built]:
    """The award notice: pending awards (the standstill runs) and the public bid tabulation."""
    from sourcing.models import Award
    from sourcing.selectors import tabulation

    award = Award.objects.filter(pk=int(event.object_id)).select_related("solicitation").first()
    if award is None:
        return None
    solicitation = award.solicitation
    ocid = ocid_for("solicitation", solicitation.pk)
    body = _solicitation_head(solicitation)
    evaluations = tabulation(solicitation=solicitation, actor=None, purpose="open data")
    awarded = {ab.vendor_id: ab for ab in award.awarded_bids.select_related("vendor")}
    awarded_ever = _awarded_vendor_ids(solicitation, event.occurred_at)
    bids_by_vendor = {b.vendor_id: b for b in _opened_bids(solicitation)}
    details, valid, disqualified = [], 0, 0
    for ev in evaluations:
        vendor = bids_by_vendor.get(ev.bid.vendor_id)
        if vendor is None:
            continue
        party = vendor_party(vendor.vendor, _vendor_roles(ev.bid.vendor_id, awarded_ever))
        body["parties"].append(party)
        valid += ev.responsive
        disqualified += not ev.responsive
        details.append({"id": str(ev.bid.bid_id), "date": iso(ev.bid.submitted_at),
                        "status": "valid" if ev.responsive else "disqualified",
                        "tenderers": [_ref(party)], "value": amount(ev.evaluated_total),
                        "relatedLots": [line.line for line in ev.lines]})
    awards = []
    for vendor_id, ab in sorted(awarded.items()):
        lines = [a["line"] for a in ab.allocations or []] or bids_by_vendor_lines(evaluations, ab.bid_id)
        cost = sum((Decimal(str(a.get("cost", "0"))) for a in ab.allocations or []), Decimal(0))
        awards.append({"id": _award_id(award, vendor_id), "title": f"Award to {ab.vendor.legal_name}",
                       "date": iso(award.notice_published_at), "status": "pending",
                       "description": "Standstill: the award is final once the protest period "
                                      f"ends ({iso(award.standstill_ends_at)}) with no protest open.",
                       "suppliers": [{"id": _party_id(ab.vendor.organisation_id), "name": ab.vendor.legal_name}],
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


def bids_by_vendor_lines(evaluations, bid_id: int) -> list[str]:
    for ev in evaluations:
        if ev.bid.bid_id == bid_id:
            return [line.line for line in ev.lines]
    return []


def _agreement_contract_id(agreement) -> str:
    return agreement.number


def build_agreement(event: AuditEvent) -> Optional[Built]:
    from contracts.models import MasterAgreement

    agreement = (MasterAgreement.objects.filter(pk=int(event.object_id))
                 .select_related("solicitation", "award", "vendor__organisation").first())
    if agreement is None:
        return None
    return _agreement_built(event, agreement)


def _agreement_built(event: AuditEvent, agreement, amendment=None) -> Built:
    solicitation = agreement.solicitation
    ocid = ocid_for("solicitation", solicitation.pk)
    body = _solicitation_head(solicitation)
    vendor = vendor_party(agreement.vendor, ["supplier", "tenderer"])
    body["parties"].append(vendor)
    after = event.after or {}
    award_id = _award_id(agreement.award, agreement.vendor_id)
    contract: dict[str, Any] = {"id": _agreement_contract_id(agreement), "awardID": award_id}
    action = event.action
    if action == "agreement.created":
        tags = ["contract", "awardUpdate"]
        body["awards"] = [{"id": award_id, "status": "active"}]
        contract.update({"title": agreement.title, "status": "pending",
                         "description": f"Master agreement {agreement.number} with {agreement.vendor.legal_name}",
                         "relatedBids": [str(agreement.bid_id)]})
    elif action == "agreement.activated":
        tags = ["contractUpdate"]
        contract.update({"status": "active", "dateSigned": day(after.get("signed_on")),
                         "period": {"startDate": day(after.get("start_date")),
                                    "endDate": day(after.get("end_date"), end=True)}})
    elif action == "agreement.renewed":
        tags = ["contractAmendment"]
        contract.update({"period": {"endDate": day(after.get("end_date"), end=True)},
                         "amendments": [{"id": f"renewal-{after.get('renewals_used')}",
                                         "date": iso(event.occurred_at),
                                         "rationale": "Renewal option exercised",
                                         "description": f"Renewed until {after.get('end_date')}."}]})
    elif action == "agreement.terminated":
        tags = ["contractTermination"]
        contract.update({"status": "terminated",
                         "period": {"endDate": day(after.get("terminated_on"), end=True)}})
    elif action == "amendment.approved" and amendment is not None:
        tags = ["contractAmendment"]
        contract["amendments"] = [{"id": f"amendment-{amendment.number}", "date": iso(event.occurred_at),
                                   "rationale": amendment.get_kind_display(),
                                   "description": amendment.summary}]
    else:  # pragma: no cover
        tags = ["contractUpdate"]
    body["contracts"] = [contract]
    return Built(ocid, tags, body)


def build_amendment(event: AuditEvent) -> Optional[Built]:
    from contracts.models import Amendment

    amendment = (Amendment.objects.filter(pk=int(event.object_id))
                 .select_related("agreement__solicitation", "agreement__vendor").first())
    if amendment is None:
        return None
    return _agreement_built(event, amendment.agreement, amendment)


def _framework_link(solicitation) -> dict[str, Any]:
    from django.conf import settings

    from opendata.ocid import record_api_path

    sol_ocid = ocid_for("solicitation", solicitation.pk)
    return {"id": "framework", "relationship": ["framework"], "title": solicitation.title,
            "scheme": "ocid", "identifier": sol_ocid,
            "uri": settings.SITE_URL.rstrip("/") + record_api_path(sol_ocid)}


def _call_off(kind: str, pk: int, district, agreement) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A call-off's ocid, its release body (the district buying, the agreement's vendor supplying, the
    framework it calls off; parties are [buyer, supplier]) and its award and contract stubs."""
    ocid = ocid_for(kind, pk)
    buyer = district_party(district, ["buyer", "procuringEntity"])
    supplier = vendor_party(agreement.vendor, ["supplier"])
    award_id = f"{ocid}-award"
    body: dict[str, Any] = {"parties": [buyer, supplier], "buyer": _ref(buyer),
                            "relatedProcesses": [_framework_link(agreement.solicitation)]}
    return ocid, body, {"id": award_id}, {"id": f"{ocid}-contract", "awardID": award_id}


def build_participation(event: AuditEvent) -> Optional[Built]:
    from contracts.models import ParticipationAgreement

    p = (ParticipationAgreement.objects.filter(pk=int(event.object_id))
         .select_related("district__organisation", "agreement__vendor", "agreement__solicitation").first())
    if p is None:
        return None
    ocid, body, award, contract = _call_off("participation", p.pk, p.district, p.agreement)
    supplier = body["parties"][1]
    agreement = p.agreement
    action = event.action
    if action == "participation.prepared":
        tags = ["tender", "award", "contract"]
        competitive = p.mini_competition_id is not None
        body["tender"] = {
            "id": f"join-{p.pk}", "status": "complete",
            "title": f"{p.district.organisation.name} joins master agreement {agreement.number}",
            "procurementMethod": "selective" if competitive else "limited",
            "procurementMethodDetails": ("Call-off from a framework agreement after a mini-competition"
                                         if competitive else "Call-off from a framework agreement"),
            "value": amount((event.after or {}).get("estimated_value")),
            "techniques": {"hasFrameworkAgreement": True}, "competitive": competitive}
        award.update({"status": "pending", "date": iso(event.occurred_at), "suppliers": [_ref(supplier)],
                      "title": f"{agreement.vendor.legal_name} under {agreement.number}"})
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
    if len(award) > 1:
        body["awards"] = [award]
    body["contracts"] = [contract]
    return Built(ocid, tags, body)


def _order_items(order, priced: bool) -> list[dict[str, Any]]:
    items = []
    for line in order.lines.select_related("product", "entry").order_by("pk"):
        unit: dict[str, Any] = {"name": line.entry.unit}
        if priced and line.unit_price is not None:
            unit["value"] = amount(line.unit_price)
        items.append({"id": str(line.pk), "description": line.product.name, "quantity": line.quantity,
                      "unit": unit})
    return items


def build_order(event: AuditEvent) -> Optional[Built]:
    from orders.models import Order

    order = (Order.objects.filter(pk=int(event.object_id))
             .select_related("district__organisation", "agreement__vendor", "agreement__solicitation").first())
    if order is None or order.submitted_at is None:
        return None  # a draft never submitted: nothing public
    before, after = event.before or {}, event.after or {}
    if before.get("state") == "draft" and event.action != "order.submitted":
        return None
    ocid, body, award, contract = _call_off("order", order.pk, order.district, order.agreement)
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
        award.update({"date": iso(event.occurred_at), "suppliers": [_ref(supplier)],
                      "status": "active" if priced else "pending",
                      "value": amount(after.get("total")) if priced else None})
        contract.update({"title": f"Order {order.number}", "status": "active" if priced else "pending",
                         "value": amount(after.get("total")) if priced else None,
                         "dateSigned": iso(event.occurred_at) if priced else None,
                         "items": _order_items(order, priced)})
    elif action == "order.approved":
        tags = ["awardUpdate", "contractUpdate"]
        award.update({"status": "active", "value": amount(after.get("total"))})
        contract.update({"status": "active", "value": amount(after.get("total")),
                         "dateSigned": iso(event.occurred_at), "items": _order_items(order, True)})
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
    if len(award) > 1:
        body["awards"] = [award]
    body["contracts"] = [contract]
    return Built(ocid, tags, body)


BUILDERS: dict[str, Callable[[AuditEvent], Optional[Built]]] = {
    "sourcing.solicitation": build_solicitation, "sourcing.award": build_award,
    "contracts.masteragreement": build_agreement, "contracts.amendment": build_amendment,
    "contracts.participationagreement": build_participation, "orders.order": build_order,
}


def release_of(event: AuditEvent) -> Optional[dict[str, Any]]:
    """The release an audit event makes, or None (not a public state change)."""
    builder = BUILDERS.get(event.object_type)
    if builder is None or event.action not in OBJECT_TYPES[event.object_type]:
        return None
    built = builder(event)
    return None if built is None else _release(event, built)
