"""Staff pages: draft and change a survey, publish and close it, the pooled demand (with CSV and
XLSX), a solicitation from the survey, declared vs bought."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.access import roles
from accounts.acting import STAFF
from catalog import musthaves
from core.confirm import Confirmation
from core.views import confirm_then_run, submit_form
from surveys import charts, exports, selectors
from surveys.forms import NeedLinkForm, SolicitationFromSurveyForm, SurveyForm
from surveys.services.solicitation import need_solicitation_link, solicitation_plan, survey_solicitation_create
from surveys.services.surveys import survey_close, survey_create, survey_publish, survey_update
from surveys.states import SurveyState
from vendors.service_area import state_name


NEED_FIELD = re.compile(r"^needs\[(\d+)\]\.(\w+)$")


def _detail(survey_id: int) -> str:
    return reverse("surveys:detail", kwargs={"survey_id": survey_id})


def _on_fields(form, call):
    """The service's `needs[i].field` errors (i-th need given) under the form's fields of that
    row (`need_<row>_field`)."""
    def run():
        try:
            return call()
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            renamed = {}
            for name, errors in exc.message_dict.items():
                match = NEED_FIELD.match(name)
                rows = getattr(form, "given_rows", [])
                index = int(match.group(1)) - 1 if match else -1
                row = rows[index] if 0 <= index < len(rows) else None
                renamed[f"need_{row}_{match.group(2)}" if row else name] = errors
            raise ValidationError(renamed)
    return run


def _form_page(request, form, survey=None, status=200):
    return render(request, "surveys/form.html", {"form": form, "survey": survey}, status=status)


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def survey_new(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        done = submit_form(request, form, _on_fields(form, lambda: survey_create(
            title=form.cleaned_data["title"], cycle=form.cleaned_data["cycle"],
            description=form.cleaned_data["description"], opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"], needs=form.needs(), actor=request.actor)),
            success="Survey drafted. Check it, then publish it.", redirect_to=lambda s: _detail(s.pk))
        if done:
            return done
        return _form_page(request, form, status=400)
    return _form_page(request, form)


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def survey_edit(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    needs = list(survey.needs.select_related("category"))
    initial = {"title": survey.title, "cycle": survey.cycle, "description": survey.description,
               "opens_at": timezone.localtime(survey.opens_at), "closes_at": timezone.localtime(survey.closes_at)}
    form = SurveyForm(request.POST or None, needs=needs, initial=initial)
    if request.method == "POST":
        done = submit_form(request, form, _on_fields(form, lambda: survey_update(
            survey=survey, title=form.cleaned_data["title"], cycle=form.cleaned_data["cycle"],
            description=form.cleaned_data["description"], opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"], needs=form.needs(), actor=request.actor)),
            success="Survey saved.", redirect_to=_detail(survey.pk))
        if done:
            return done
        return _form_page(request, form, survey, status=400)
    return _form_page(request, form, survey)


@roles(STAFF)
def survey_publish_view(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    return confirm_then_run(
        request, lambda: Confirmation(
            title=f"Publish {survey.title}?", button="Publish the survey", back=_detail(survey.pk),
            effects=[f"Member districts may answer from {timezone.localtime(survey.opens_at):%Y-%m-%d %H:%M} "
                     f"until {timezone.localtime(survey.closes_at):%Y-%m-%d %H:%M %Z}.",
                     "The needs asked about can no longer be changed."],
            notices=["Members that have not answered are reminded a few days before it closes."]),
        lambda: survey_publish(survey=survey, actor=request.actor),
        success="Survey published.", redirect_to=_detail(survey.pk))


@roles(STAFF)
def survey_close_view(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    return confirm_then_run(
        request, lambda: Confirmation(
            title=f"Close {survey.title} now?", button="Close the survey", back=_detail(survey.pk),
            effects=["No district can change its answers after this; drafts not submitted do not count."]),
        lambda: survey_close(survey=survey, actor=request.actor),
        success="Survey closed.", redirect_to=_detail(survey.pk))


@roles(STAFF)
def demand(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    needs = selectors.survey_demand(survey)
    states = sorted({s for d in needs for s in d.states})
    rules = selectors.state_rules(states)
    blocks = [{"d": d, "qty_chart": charts.quantities_chart(d), "ends_chart": charts.contract_ends_chart(d),
               "must_haves": [(musthaves.label(c), n, share, share > 50) for c, n, share in d.must_haves]}
              for d in needs]
    rules = [(state_name(code), items) for code, items in rules.items()]
    return render(request, "surveys/demand.html", {
        "survey": survey, "blocks": blocks, "rules": rules, "link": selectors.solicitation_link(survey),
        "responded": selectors.submitted_responses(survey).count(), "groups": selectors.unmet_demand()})


@roles(STAFF)
def demand_csv(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    needs = selectors.survey_demand(survey)
    rules = selectors.state_rules({s for d in needs for s in d.states})
    response = HttpResponse(exports.demand_csv(needs, rules), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-pooled-demand.csv"'
    return response


@roles(STAFF)
def demand_xlsx(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    needs = selectors.survey_demand(survey)
    rules = selectors.state_rules({s for d in needs for s in d.states})
    response = HttpResponse(exports.demand_xlsx(survey.title, needs, rules),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-pooled-demand.xlsx"'
    return response


@roles(STAFF)
def solicitation_create_view(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    form = SolicitationFromSurveyForm(request.POST if request.method == "POST" else request.GET)

    def confirmation() -> Confirmation:
        plan = solicitation_plan(survey)
        return Confirmation(
            title=f"Create a solicitation from {survey.title}?", button="Create the draft solicitation",
            back=_detail(survey.pk), danger=False,
            effects=[f"A draft solicitation with {len(plan['lines'])} line(s): "
                     + "; ".join(f"{l['reference']} {l['description']}: {l['estimated_quantity']:,} {l['unit']}"
                                 for l in plan["lines"]),
                     f"{len(plan['requirements'])} mandatory requirement(s) from shared must-haves and the "
                     f"rules of {', '.join(state_name(s) for s in plan['states']) or 'no state'}.",
                     "Only once per survey. You review the draft before publishing it."],
            notices=[f"When it is published, the buyers and approvers of the {len(plan['districts'])} "
                     f"declaring district(s) are told (inbox and email)."],
            shown=[("Category", str(form.cleaned_data["category"]) if form.is_valid() else "Not chosen: go back and choose one")])

    def run():
        from django.core.exceptions import ValidationError

        if not form.is_valid():
            raise ValidationError({"category": "Choose the category of the solicitation."})
        return survey_solicitation_create(survey=survey, category=form.cleaned_data["category"], actor=request.actor)

    return confirm_then_run(
        request, confirmation, run,
        success=lambda link: f"Draft solicitation {link.solicitation.number} created: review it, then publish it.",
        redirect_to=lambda link: reverse("sourcing:edit", kwargs={"solicitation_id": link.solicitation_id}),
        failure_redirect_to=_detail(survey.pk))


@roles(STAFF)
def declared_vs_bought(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    sources = selectors.need_sources(survey)
    needs = [(need, sources.get(need.reference)) for need in survey.needs.select_related("category")]
    return render(request, "surveys/declared_bought.html", {
        "survey": survey, "rows": selectors.declared_vs_bought(survey), "link": selectors.solicitation_link(survey),
        "needs": needs, "unlinked": [n for n, s in needs if s is None],
        "draft": survey.state == SurveyState.DRAFT})


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def need_link_view(request, survey_id: int, need_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    need = selectors.survey_need(survey, need_id)
    lines = selectors.linkable_lines(need)
    data = request.POST if request.method == "POST" else request.GET
    form = NeedLinkForm(data if "line" in data else None, lines=lines)
    back = reverse("surveys:declared-bought", kwargs={"survey_id": survey.pk})
    if form.is_bound and form.is_valid():
        line = form.chosen()

        def confirmation() -> Confirmation:
            return Confirmation(
                title=f"Link {line.solicitation.number} line {line.reference} to {need.reference}?",
                button="Link the solicitation line", back=request.path, danger=False,
                effects=[f"Declared vs bought will count the units members order on line {line.reference} "
                         f"of {line.solicitation.number} as bought for {need.reference} ({need.description}).",
                         "A need is linked once: this cannot be changed afterwards."],
                shown=[("Need", f"{need.reference}: {need.description} ({need.category.name})"),
                       ("Solicitation", f"{line.solicitation.number} {line.solicitation.title}"),
                       ("Line", f"{line.reference}: {line.description}")])

        return confirm_then_run(
            request, confirmation,
            lambda: need_solicitation_link(need=need, solicitation=line.solicitation,
                                           line_reference=line.reference, actor=request.actor),
            success=f"{need.reference} linked to {line.solicitation.number} line {line.reference}.",
            redirect_to=back, failure_redirect_to=request.path)
    source = selectors.need_sources(survey).get(need.reference)
    return render(request, "surveys/need_link.html", {
        "survey": survey, "need": need, "form": form, "lines": lines, "source": source,
        "draft": survey.state == SurveyState.DRAFT}, status=400 if form.is_bound else 200)
