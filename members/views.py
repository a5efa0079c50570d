from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import public, roles, signed_in
from accounts.acting import DISTRICT_ROLES, JOINERS, STAFF
from audit.selectors import audit_events_for_object
from core.views import run_service, submit_form
from members import selectors
from members.fields import SCOPES, district_options as district_option_tags, district_scope
from members.directory_jobs import directory_upload_read, district_import_request
from members.forms import ApplyForm, DirectoryFilterForm, DirectoryImportForm, TransitionForm
from members.models import District, Membership
from members.services import MEMBERSHIP_STEPS, membership_allowed_transitions, membership_apply
from members.states import MembershipState


@public
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    q = state = ""
    if form.is_valid():
        q, state = form.cleaned_data["q"], form.cleaned_data["state"]
    page = Paginator(selectors.member_directory(q=q, state=state), 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "q": q, "state": state,
               "totals": selectors.member_directory_totals(state=state)}
    if request.headers.get("HX-Request"):
        return render(request, "members/_directory_results.html", context)
    return render(request, "members/directory.html", context)


def _membership_panel_context(request, membership: Membership, forms_by_action=None) -> dict:
    actions = membership_allowed_transitions(membership=membership, actor=request.actor)
    forms_by_action = forms_by_action or {}
    return {
        "membership": membership,
        "transition_forms": [forms_by_action.get(t.action) or TransitionForm(action=t.action)
                             for t in actions],
        "events": audit_events_for_object(object_type="members.membership",
                                          object_id=membership.pk)[:50],
    }


@roles(*DISTRICT_ROLES)
def mine(request):
    district = selectors.district_for_actor(request.actor)
    history = list(selectors.memberships_of_district(district=district))
    current = selectors.membership_current(district=district)
    apply_form = None
    if current is None and request.actor.role in JOINERS:
        apply_form = ApplyForm(request.POST or None, initial={
            "contact_name": request.user.full_name, "contact_email": request.user.email})
        if request.method == "POST":
            done = submit_form(request, apply_form, lambda: membership_apply(
                district=district, actor=request.actor, contact_name=apply_form.cleaned_data["contact_name"],
                contact_email=apply_form.cleaned_data["contact_email"], note=apply_form.cleaned_data["note"]),
                success="Application sent. Next: upload your board's resolution.", redirect_to="members:mine")
            if done:
                return done
    context = {"district": district, "history": history, "apply_form": apply_form}
    if current is not None:
        context.update(_membership_panel_context(request, current))
    return render(request, "members/mine.html", context, status=400 if (apply_form and apply_form.errors) else 200)


@roles(STAFF)
def queue(request):
    state = request.GET.get("state", "")
    if state and state not in MembershipState.values:
        state = ""
    page = Paginator(selectors.membership_queue(state=state), 50).get_page(request.GET.get("page"))
    counts = selectors.membership_queue_counts()
    return render(request, "members/queue.html", {
        "page": page, "state": state,
        "state_counts": [(value, label, counts[value]) for value, label in MembershipState.choices]})


@roles(STAFF, *DISTRICT_ROLES)
def detail(request, membership_id: int):
    try:
        membership = selectors.membership_get_for_actor(membership_id=membership_id, actor=request.actor)
    except Membership.DoesNotExist:
        raise Http404
    return render(request, "members/detail.html", _membership_panel_context(request, membership))


def _detail_url(membership: Membership) -> str:
    return reverse("members:detail", kwargs={"membership_id": membership.pk})


@roles(STAFF, *JOINERS)
@require_POST
def transition(request, membership_id: int, action: str):
    try:
        membership = selectors.membership_get_for_actor(membership_id=membership_id, actor=request.actor)
    except Membership.DoesNotExist:
        raise Http404
    allowed = {t.action for t in membership_allowed_transitions(membership=membership, actor=request.actor)}
    if action not in allowed:
        raise PermissionDenied("That step is not available for this membership now.")
    form = TransitionForm(request.POST, request.FILES, action=action)

    def step():
        data = form.cleaned_data
        # The form holds exactly the inputs of this step (members.forms.TRANSITION_INPUTS).
        return MEMBERSHIP_STEPS[action](membership=membership, actor=request.actor, **data)

    done = submit_form(request, form, step, success=f"{form.transition.label}: done.",
                       redirect_to=_detail_url(membership))
    if done:
        return done
    context = _membership_panel_context(request, membership, {action: form})
    return render(request, "members/detail.html", context, status=400)


@roles(STAFF, *DISTRICT_ROLES)
def resolution_document(request, membership_id: int):
    try:
        membership = selectors.membership_get_for_actor(membership_id=membership_id, actor=request.actor)
    except Membership.DoesNotExist:
        raise Http404
    if not membership.resolution_document:
        raise Http404("No resolution uploaded.")
    return FileResponse(membership.resolution_document.open("rb"), content_type="application/pdf",
                        as_attachment=True,
                        filename=f"board-resolution-{membership.district.cds_code or membership.district_id}.pdf")


@roles(STAFF)
def districts(request):
    q = request.GET.get("q", "").strip()
    state = request.GET.get("state", "").strip()
    results = selectors.district_search(q=q, state=state, limit=100) if (q or state) else []
    return render(request, "members/districts.html", {"results": results, "q": q, "state": state})


@signed_in
def district_options(request):
    """The suggestions of a district search field (`members.fields`): at most
    DISTRICT_PICK_LIMIT `<option>`s for the datalist htmx refreshes as the person types."""
    scope = request.GET.get("scope", "all")
    if scope not in SCOPES:
        scope = "all"
    q = (request.GET.get(request.GET.get("field", "q")[:60]) or request.GET.get("q") or "").strip()[:100]
    found = (selectors.district_search(q=q, within=district_scope(scope)(), limit=selectors.DISTRICT_PICK_LIMIT)
             if len(q) >= 2 else [])
    return HttpResponse(district_option_tags(found))


@roles(STAFF)
@require_POST
def apply_on_behalf(request, district_id: int):
    district = get_object_or_404(District, pk=district_id)
    return run_service(request, lambda: membership_apply(district=district, actor=request.actor,
                                                         note="Application recorded by consortium staff."),
                       success=f"Application recorded for {district.name}.", redirect_to=_detail_url,
                       failure_redirect_to=reverse("members:districts"))


@roles(STAFF)
def district_import(request):
    """Upload a district directory CSV; `edpool worker` imports it and its job page follows it."""
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = directory_upload_read(upload)
            job = district_import_request(text=text, source=form.cleaned_data["source"] or "",
                                          year=form.cleaned_data["year"], actor=request.actor)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("jobs:status", job_id=job.pk)
    return render(request, "members/district_import.html", {"form": form},
                  status=400 if form.errors else 200)
