"""Pages: find the right edtech for a need (districts' people and staff), saved needs (districts),
unmet needs (staff)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.access import roles
from accounts.acting import DISTRICT_ROLES, JOINERS, READERS, STAFF, acts_as
from catalog import musthaves
from core.views import submit_form
from matching import selectors
from matching.forms import NeedForm
from matching.services import need_save
from members.selectors import district_acting, district_for_actor


@roles(*READERS)
def find(request):
    """GET: the need's matches (nothing stored); POST: save the need (buyers and approvers)."""
    district = district_acting(request.actor)
    may_save = acts_as(request.actor, JOINERS) and district is not None
    if request.method == "POST":
        form = NeedForm(request.POST)
        if not may_save:
            form.is_valid()
            form.add_error(None, "Only a district's buyers and approvers may save a need.")
        else:
            done = submit_form(request, form, lambda: need_save(district=district, spec=form.cleaned_data["spec"],
                                                                actor=request.actor),
                               success=lambda need: ("Need saved. Nothing on contract fits it yet: it is kept as an "
                                                     "unmet need, so the consortium sees it.") if need.status == "unmet"
                               else "Need saved with its matches.",
                               redirect_to=lambda need: f"/needs/{need.pk}/")
            if done:
                return done
        outcome = None
    else:
        form = NeedForm(request.GET if request.GET else None)
        outcome = selectors.match(form.cleaned_data["spec"], district=district) if form.is_bound and form.is_valid() else None
    return render(request, "matching/find.html", {
        "form": form, "outcome": outcome, "district": district, "may_save": may_save},
        status=400 if form.errors else 200)


@roles(*DISTRICT_ROLES)
def needs(request):
    district = district_for_actor(request.actor)
    page = Paginator(selectors.needs_of_district(district), 25).get_page(request.GET.get("page"))
    return render(request, "matching/needs.html", {"district": district, "page": page})


@roles(*READERS)
def need_detail(request, need_id: int):
    need = selectors.need_for_actor(need_id=need_id, actor=request.actor)
    outcome = selectors.match(selectors.need_spec_of(need), district=need.district)
    query = urlencode([("text", need.text), ("quantity", need.quantity),
                       ("budget_per_unit", need.budget_per_unit or ""),
                       *[("must_haves", c) for c in need.must_haves],
                       *[("nice_to_haves", c) for c in need.nice_to_haves]])
    return render(request, "matching/need.html", {
        "need": need, "outcome": outcome, "district": need.district, "query": query,
        "must_have_labels": [musthaves.label(c) for c in need.must_haves],
        "nice_labels": [musthaves.label(c) for c in need.nice_to_haves]})


@roles(STAFF)
def unmet(request):
    state = (request.GET.get("state") or "").strip().upper()[:2]
    groups = selectors.unmet_needs_summary(states=[state] if state else None)
    page = Paginator(selectors.unmet_needs(state=state), 50).get_page(request.GET.get("page"))
    return render(request, "matching/unmet.html", {"groups": groups, "page": page, "state": state})
