"""The releases of a solicitation's master agreements (the framework's contracts): created,
activated, renewed, terminated, and amended (an approved amendment is a contract amendment: the
earlier releases keep what they said). Names are as of each release's event."""

from __future__ import annotations

from typing import Any, Optional

from audit.models import AuditEvent
from opendata.built import Built
from opendata.names import AsOf
from opendata.ocid import ocid_for
from opendata.parties import vendor_party
from opendata.tender import award_id, solicitation_head
from opendata.values import day, iso

AGREEMENT_ACTIONS = ("agreement.created", "agreement.activated", "agreement.renewed",
                     "agreement.terminated")
AMENDMENT_ACTIONS = ("amendment.approved",)


def build_agreement(event: AuditEvent, at: AsOf) -> Optional[Built]:
    from contracts.models import MasterAgreement

    agreement = (MasterAgreement.objects.filter(pk=int(event.object_id))
                 .select_related("solicitation", "award", "vendor__organisation").first())
    if agreement is None:
        return None
    return _agreement_built(event, at, agreement)


def build_amendment(event: AuditEvent, at: AsOf) -> Optional[Built]:
    from contracts.models import Amendment

    amendment = (Amendment.objects.filter(pk=int(event.object_id))
                 .select_related("agreement__solicitation", "agreement__award", "agreement__vendor").first())
    if amendment is None:
        return None
    return _agreement_built(event, at, amendment.agreement, amendment)


def _agreement_built(event: AuditEvent, at: AsOf, agreement, amendment=None) -> Built:
    solicitation = agreement.solicitation
    ocid = ocid_for("solicitation", solicitation.pk)
    body = solicitation_head(at)
    vendor = vendor_party(at, agreement.vendor, ["supplier", "tenderer"])
    body["parties"].append(vendor)
    after = event.after or {}
    awarded = award_id(agreement.award, agreement.vendor_id)
    contract: dict[str, Any] = {"id": agreement.number, "awardID": awarded}
    action = event.action
    if action == "agreement.created":
        tags = ["contract", "awardUpdate"]
        body["awards"] = [{"id": awarded, "status": "active"}]
        contract.update({"title": agreement.title, "status": "pending",
                         "description": f"Master agreement {agreement.number} with {vendor['name']}",
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
