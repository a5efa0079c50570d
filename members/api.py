"""API: the public member directory and memberships."""


from datetime import date, datetime
from typing import Optional

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.access import api_public, api_roles
from accounts.api_auth import API_AUTH
from accounts.acting import DISTRICT_ROLES, JOINERS, STAFF
from core.api_types import Day, Email, Filter, Id, Page, page_size, text, text_of
from jobs.api import JobOut, job_out
from members import selectors
from members.directory_jobs import directory_upload_read, district_import_request
from members.models import District, Membership
from members.forms import TRANSITION_INPUTS
from members.services import MEMBERSHIP_STEPS, membership_allowed_transitions, membership_apply
from members.states import MembershipState

router = Router(tags=["members"])


class MemberOut(Schema):
    district_id: int
    name: str
    state: str
    city: str
    county: str
    nces_leaid: Optional[str]
    state_leaid: Optional[str]
    member_since: Optional[date]
    students: Optional[int]
    students_is_estimate: bool
    students_source: str


class MemberTotalsOut(Schema):
    members: int
    students: int
    students_estimated: bool
    states: int


class MemberDirectoryOut(Schema):
    totals: MemberTotalsOut
    count: int
    page: int
    pages: int
    results: list[MemberOut]


class MembershipOut(Schema):
    id: int
    district_id: int
    district: str
    state: str
    applied_at: datetime
    board_approved_on: Optional[date]
    resolution_number: str
    has_resolution_document: bool
    agreement_signed_on: Optional[date]
    agreement_signed_by: str
    member_since: Optional[date]
    withdrawn_on: Optional[date]
    next_steps: list[str]


class MembershipApplyIn(Schema):
    district_id: Id
    contact_name: text_of(Membership.contact_name) = ""
    contact_email: Email = ""
    note: text_of(Membership.application_note) = ""


def member_out(m: Membership) -> dict:
    d = m.district
    return {"district_id": d.pk, "name": d.name, "state": d.state, "city": d.city,
            "county": d.county, "nces_leaid": d.nces_leaid, "state_leaid": d.state_leaid,
            "member_since": m.member_since, "students": d.enrollment,
            "students_is_estimate": d.enrollment_is_estimate,
            "students_source": d.enrollment_source}


def membership_out(m: Membership, actor) -> dict:
    return {"id": m.pk, "district_id": m.district_id, "district": m.district.name,
            "state": m.state, "applied_at": m.applied_at, "board_approved_on": m.board_approved_on,
            "resolution_number": m.resolution_number,
            "has_resolution_document": bool(m.resolution_document),
            "agreement_signed_on": m.agreement_signed_on,
            "agreement_signed_by": m.agreement_signed_by, "member_since": m.member_since,
            "withdrawn_on": m.withdrawn_on,
            "next_steps": [t.action for t in membership_allowed_transitions(membership=m, actor=actor)]}


@router.get("/members", response=MemberDirectoryOut, auth=None)
@api_public
def member_directory(request, q: Filter = "", state: text(2) = "", page: Page = 1,
                     page_size: page_size(500) = 100):
    """Active members: name, state, member since, students served, with totals."""
    qs = selectors.member_directory(q=q, state=state)
    count = qs.count()
    pages = max(1, -(-count // page_size))
    page = max(1, min(page, pages))
    rows = qs[(page - 1) * page_size: page * page_size]
    totals = selectors.member_directory_totals(state=state)
    return {"totals": totals.__dict__, "count": count, "page": page, "pages": pages,
            "results": [member_out(m) for m in rows]}


@router.get("/members/{district_id}", response=MemberOut, auth=None)
@api_public
def member_detail(request, district_id: Id):
    membership = selectors.member_directory().filter(district_id=district_id).first()
    if membership is None:
        raise Http404("No active member with that district id.")
    return member_out(membership)


@router.get("/memberships", response=list[MembershipOut], auth=API_AUTH)
@api_roles(STAFF, *DISTRICT_ROLES)
def membership_list(request, state: Filter = ""):
    """Staff: every membership (filter by state). A district: its own memberships."""
    actor = request.actor
    if state and state not in MembershipState.values:
        raise ValidationError({"state": f"Unknown state {state!r}."})
    if actor.role == STAFF:
        qs = selectors.membership_queue(state=state) if state else (
            Membership.objects.select_related("district__organisation").order_by("applied_at"))
    else:
        district = selectors.district_for_actor(actor)
        qs = selectors.memberships_of_district(district=district).select_related("district__organisation")
        if state:
            qs = qs.filter(state=state)
    return [membership_out(m, actor) for m in qs[:1000]]


@router.post("/memberships", response={201: MembershipOut}, auth=API_AUTH)
@api_roles(STAFF, *JOINERS)
def membership_create(request, payload: MembershipApplyIn):
    """Apply to join (for your own district; staff for any district)."""
    district = District.objects.filter(pk=payload.district_id).first()
    if district is None:
        raise ValidationError({"district_id": f"No district {payload.district_id}."})
    m = membership_apply(district=district, contact_name=payload.contact_name,
                         contact_email=payload.contact_email, note=payload.note,
                         actor=request.actor)
    return Status(201, membership_out(m, request.actor))


def _membership_for(request, membership_id: int) -> Membership:
    try:
        return selectors.membership_get_for_actor(membership_id=membership_id, actor=request.actor)
    except Membership.DoesNotExist:
        raise Http404("No such membership.")


@router.get("/memberships/{membership_id}", response=MembershipOut, auth=API_AUTH)
@api_roles(STAFF, *DISTRICT_ROLES)
def membership_detail(request, membership_id: Id):
    return membership_out(_membership_for(request, membership_id), request.actor)


@router.post("/memberships/{membership_id}/transitions", response=MembershipOut, auth=API_AUTH)
@api_roles(STAFF, *JOINERS)
def membership_step(request, membership_id: Id, action: Form[text(40)],
                    on_date: Form[Optional[Day]] = None,
                    resolution_number: text_of(Membership.resolution_number) = Form(""),
                    signed_by: text_of(Membership.agreement_signed_by) = Form(""),
                    reason: text_of(Membership.withdrawn_reason) = Form(""),
                    resolution_document: Optional[UploadedFile] = File(None)):
    """Take a step: approve_board (with the resolution PDF), sign_agreement, activate, suspend,
    reinstate or withdraw. Sent as a multipart form."""
    membership = _membership_for(request, membership_id)
    if action not in MEMBERSHIP_STEPS:
        raise ValidationError({"action": f"Unknown membership action {action!r}."})
    sent = {"on_date": on_date, "resolution_number": resolution_number, "signed_by": signed_by,
            "reason": reason, "resolution_document": resolution_document}
    m = MEMBERSHIP_STEPS[action](membership=membership, actor=request.actor,
                                 **{name: sent[name] for name in TRANSITION_INPUTS[action]})
    return membership_out(m, request.actor)


@router.post("/districts/imports", response={202: JobOut}, auth=API_AUTH)
@api_roles(STAFF)
def district_import_create(request, file: Optional[UploadedFile] = File(None),
                           source: text(300) = Form(""), year: Form[Optional[int]] = None):
    """Import a district directory CSV (California directory or NCES-style, UTF-8, at most 20 MB)
    in the background: 202 with the job; poll `GET /api/v1/jobs/{id}` for rows read, created,
    updated, unchanged and refused. One bad row and nothing is imported. While an import is
    queued or running, that job is answered (one import at a time). Sent as a multipart form."""
    if file is None:
        raise ValidationError({"file": "Attach the directory as a CSV file (multipart field `file`)."})
    job = district_import_request(text=directory_upload_read(file), source=source, year=year,
                                  actor=request.actor)
    return Status(202, job_out(job))
