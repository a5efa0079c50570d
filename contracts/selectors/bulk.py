"""A district's participations (the agreements it joined, in every state) as plain rows, for the
members' bulk downloads (bulkdata), with the data privacy agreement behind each: the joinder
adopted when joining, and whether any agreement of the district with the vendor, for the
district's state, is in force today.

Who may read which district is the caller's decision (bulkdata.access); this selector only
filters by the district it is given. Participations are few (a district joins tens of
agreements), but they are still read in chunks, each chunk's agreements looked up at once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterator, Optional

from django.db.models import QuerySet
from django.utils import timezone

from compliance.models import DataPrivacyAgreement
from contracts.models import ParticipationAgreement
from contracts.states import AgreementState, ParticipationState

PARTICIPATION_STATE_LABELS = dict(ParticipationState.choices)
AGREEMENT_STATE_LABELS = dict(AgreementState.choices)
CHUNK = 500

# The order of the values in each row participation_rows yields.
PARTICIPATION_FIELDS = (
    "district_id", "district", "district_state", "participation_id", "agreement_number", "agreement_title",
    "vendor", "agreement_state", "agreement_starts", "agreement_ends", "state", "estimated_value",
    "prepared_at", "approved_at", "countersigned_at", "closed_reason", "board_finding_on",
    "board_finding_reference", "dpa_joinder_id", "dpa_joinder_status", "dpa_in_force_today",
    "compliance_decision_ids",
)


def participations_for_export(*, district_id: Optional[int]) -> QuerySet[ParticipationAgreement]:
    qs = ParticipationAgreement.objects.all()
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    return qs


def participation_rows(*, district_id: Optional[int], today: Optional[dt.date] = None) -> Iterator[tuple]:
    """Tuples of PARTICIPATION_FIELDS, oldest participation first. Statuses are as of `today`
    (the consortium's calendar)."""
    today = today or timezone.localdate()
    qs = (participations_for_export(district_id=district_id)
          .select_related("district__organisation", "agreement__vendor", "dpa_joinder")
          .order_by("pk"))
    after = 0
    while True:
        chunk = list(qs.filter(pk__gt=after)[:CHUNK])
        if not chunk:
            return
        after = chunk[-1].pk
        decisions = _decision_ids([p.pk for p in chunk])
        in_force = _dpas_in_force({p.district_id for p in chunk}, {p.agreement.vendor_id for p in chunk}, today)
        for p in chunk:
            a = p.agreement
            joinder = p.dpa_joinder
            yield (p.district_id, p.district.organisation.name, p.district.state, p.pk, a.number, a.title,
                   a.vendor.legal_name, AGREEMENT_STATE_LABELS.get(a.effective_state(today), a.state),
                   a.start_date, a.end_date, PARTICIPATION_STATE_LABELS.get(p.state, p.state), p.estimated_value,
                   p.prepared_at, p.approved_at, p.countersigned_at, p.closed_reason, p.board_finding_on,
                   p.board_finding_reference, joinder.pk if joinder else None,
                   joinder.status_on(today) if joinder else "",
                   (p.district_id, a.vendor_id, p.district.state) in in_force,
                   " ".join(str(i) for i in decisions.get(p.pk, [])))


def _decision_ids(participation_ids: list[int]) -> dict[int, list[int]]:
    through = ParticipationAgreement.compliance_decisions.through
    found: dict[int, list[int]] = defaultdict(list)
    for pid, did in (through.objects.filter(participationagreement_id__in=participation_ids)
                     .order_by("compliancedecision_id").values_list("participationagreement_id",
                                                                   "compliancedecision_id")):
        found[pid].append(did)
    return found


def _dpas_in_force(district_ids: set[int], vendor_ids: set[int], today: dt.date) -> set[tuple[int, int, str]]:
    """(district, vendor, state) of every agreement or joinder of these districts with these
    vendors in force on `today`."""
    rows = DataPrivacyAgreement.objects.filter(district_id__in=district_ids, vendor_id__in=vendor_ids,
                                               withdrawn_at__isnull=True)
    return {(d.district_id, d.vendor_id, d.state) for d in rows if d.in_force_on(today)}
