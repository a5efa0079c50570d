"""Survey pages for everyone signed in for a district or for staff: the list, a survey (staff
manage it; a district's buyer answers it in the page or by CSV), one response."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import BUYER, DISTRICT_ROLES, STAFF, acts_as, is_staff
from catalog.selectors import category_list
from members.selectors import district_acting, district_is_member
from surveys import selectors
from surveys.forms import AnswerForm, CsvUploadForm
from surveys.services.answers import response_save
from surveys.states import TRANSITIONS, SurveyState
from surveys.uploads import COLUMNS, CSV_MAX_BYTES, csv_template, parse_answers_csv, read_upload

READERS = (STAFF, *DISTRICT_ROLES)


def _detail(survey_id: int) -> str:
    return reverse("surveys:detail", kwargs={"survey_id": survey_id})


@roles(*READERS)
def survey_list(request):
    surveys = list(selectors.surveys_for_actor(request.actor))
    district = district_acting(request.actor)
    mine = {}
    if district is not None:
        from surveys.models import Response

        mine = dict(Response.objects.filter(district=district, survey__in=surveys).values_list("survey_id", "state"))
    rows = [(s, s.effective_state(), mine.get(s.pk)) for s in surveys]
    return render(request, "surveys/list.html", {"rows": rows, "staff": is_staff(request.actor),
                                                 "states": dict(SurveyState.choices)})


def _answer_forms(survey, response, data=None) -> list[AnswerForm]:
    answers = {a.need_id: a for a in response.answers.all()} if response else {}
    return [AnswerForm(data, need=need, initial=AnswerForm.initial_of(answers.get(need.pk)))
            for need in survey.needs.select_related("category")]


def _page(request, survey, forms=None, upload=None, status=200):
    actor = request.actor
    state = survey.effective_state()
    context = {"survey": survey, "state": state, "state_label": TRANSITIONS.label_of(state),
               "needs": list(survey.needs.select_related("category"))}
    if is_staff(actor):
        context.update(staff=True, rates=selectors.response_rates(survey),
                       responses=selectors.survey_responses(survey), link=selectors.solicitation_link(survey),
                       categories=category_list(), actions=[t.action for t in TRANSITIONS.allowed_from(state)])
    else:
        district = district_acting(actor)
        response = selectors.response_of(survey, district)
        context.update(district=district, response=response, member=bool(district) and district_is_member(district),
                       can_answer=acts_as(actor, BUYER) and state == SurveyState.OPEN,
                       forms=forms or _answer_forms(survey, response), upload=upload or CsvUploadForm(),
                       columns=COLUMNS)
    return render(request, "surveys/detail.html", context, status=status)


@roles(*READERS)
def survey_detail(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    return _page(request, survey)


@roles(BUYER)
@require_POST
def answer(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    forms = _answer_forms(survey, None, request.POST)
    valid = all(f.is_valid() for f in forms)
    chosen = [f for f in forms if valid and f.cleaned_data.get("answer")]
    if valid:
        try:
            response_save(survey=survey, answers=[f.row() for f in chosen], submit="submit" in request.POST,
                          actor=request.actor)
        except ValidationError as exc:
            general = _spread(exc, chosen)
            messages.error(request, " ".join(general) if general else
                           "Nothing was saved: correct the answers marked below.")
        else:
            messages.success(request, "Answers submitted: they count in the pooled demand. You may change them "
                                      "until the survey closes." if "submit" in request.POST else
                             "Answers saved. Submit them when they are complete.")
            return redirect(_detail(survey.pk))
    return _page(request, survey, forms=forms, status=400)


def _spread(exc: ValidationError, chosen: list[AnswerForm]) -> list[str]:
    """The service's `answers[i].field` errors onto the forms' fields; the others (the survey is
    closed, nothing answered) are returned to be said at the top of the page."""
    general: list[str] = []
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
    for name, errors in items:
        head, _, field = name.partition(".")
        index = head[len("answers["):-1] if head.startswith("answers[") else ""
        if not index.isdigit() or int(index) >= len(chosen):
            general.extend(errors)
            continue
        form = chosen[int(index)]
        field = field.replace("quantities.", "qty_")
        form.add_error(field if field in form.fields else None, errors)
    return general


@roles(BUYER)
@require_POST
def answer_csv(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    upload = CsvUploadForm(request.POST, request.FILES)
    if upload.is_valid():
        try:
            text = read_upload(upload.cleaned_data["file"].read(CSV_MAX_BYTES + 1))
            rows = parse_answers_csv(text, survey)
            response_save(survey=survey, answers=rows, submit=upload.cleaned_data["submit"], actor=request.actor)
        except ValidationError as exc:
            for name, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                upload.add_error("file" if name in (None, "file") or name not in upload.fields else name, errors)
        else:
            messages.success(request, f"{len(rows)} answer(s) read from the file and "
                                      f"{'submitted' if upload.cleaned_data['submit'] else 'saved'}.")
            return redirect(_detail(survey.pk))
    return _page(request, survey, upload=upload, status=400)


@roles(*READERS)
def answer_template(request, survey_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    response = HttpResponse(csv_template(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers.csv"'
    return response


@roles(*READERS)
def response_detail(request, survey_id: int, response_id: int):
    survey = selectors.survey_get_for_actor(survey_id=survey_id, actor=request.actor)
    response = selectors.response_get_for_actor(survey=survey, response_id=response_id, actor=request.actor)
    return render(request, "surveys/response.html", {"survey": survey, "response": response})
