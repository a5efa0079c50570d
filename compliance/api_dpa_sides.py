"""API: the district's side of an agreement a vendor proposed, and the review of joinders whose
agreement the vendor withdrew (compliance/services/dpa_sides.py)."""

from typing import Optional

from django.http import Http404
from ninja import File, Form, Router
from ninja.files import UploadedFile

from accounts.access import api_roles
from accounts.api_auth import API_AUTH
from accounts.acting import JOINERS, STAFF
from compliance.api_evidence import dpa_out
from compliance.api_evidence_schemas import ComplianceDpaOut, ComplianceJoinderReviewIn
from compliance.models import DataPrivacyAgreement
from compliance.selectors import evidence as ev
from compliance.services.dpa_sides import dpa_district_sign, dpa_joinder_review
from core.api_types import Day, Id
from members.selectors import district_for_actor

router = Router(tags=["compliance evidence"])


def _dpa(request, dpa_id: int, kind: str) -> DataPrivacyAgreement:
    """Staff: any agreement; a district user: its own district's only (anything else is 404)."""
    qs = DataPrivacyAgreement.objects.filter(pk=dpa_id, kind=kind)
    if request.actor.role != STAFF:
        qs = qs.filter(district=district_for_actor(request.actor))
    dpa = qs.first()
    if dpa is None:
        raise Http404("No such agreement for your district.")
    return dpa


@router.post("/compliance/dpas/{dpa_id}/countersign", response=ComplianceDpaOut, auth=API_AUTH)
@api_roles(*JOINERS)
def countersign(request, dpa_id: Id):
    """Your district countersigns an agreement a vendor recorded naming it ("proposed by the
    vendor", counted by nothing until then): from today it counts, and its general offer (if
    any) may be adopted."""
    dpa = dpa_district_sign(dpa=_dpa(request, dpa_id, "signed"), actor=request.actor)
    return dpa_out(ev.dpa_list(include_withdrawn=True).get(pk=dpa.pk))


@router.post("/compliance/dpas/{dpa_id}/district-copy", response=ComplianceDpaOut, auth=API_AUTH)
@api_roles(STAFF)
def district_copy(request, dpa_id: Id, signed_on: Form[Optional[Day]] = None,
                  document: Optional[UploadedFile] = File(None)):
    """Staff record the district's signed copy of an agreement a vendor proposed (multipart: the
    date the district signed and the PDF): from then it counts."""
    dpa = dpa_district_sign(dpa=_dpa(request, dpa_id, "signed"), signed_on=signed_on,
                            document=document, actor=request.actor)
    return dpa_out(ev.dpa_list(include_withdrawn=True).get(pk=dpa.pk))


@router.post("/compliance/dpas/{dpa_id}/review", response=ComplianceDpaOut, auth=API_AUTH)
@api_roles(STAFF, *JOINERS)
def review(request, dpa_id: Id, payload: ComplianceJoinderReviewIn):
    """Review a joinder flagged because the vendor withdrew the agreement it adopted: `kept`
    (it counts again) or `ended` (withdrawn; `note` says why)."""
    joinder = dpa_joinder_review(joinder=_dpa(request, dpa_id, "joinder"), outcome=payload.outcome,
                                 note=payload.note, actor=request.actor)
    return dpa_out(ev.dpa_list(include_withdrawn=True).get(pk=joinder.pk))
