"""Consortium staff: draft, publish, change by addendum, answer questions, run the evaluation,
award, decide protests, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import roles
from accounts.acting import STAFF
from core import clock
from jobs.presenting import job_view
from jobs.selectors import latest_job
from sourcing import award_plans, charts, selectors
from sourcing.forms import (AddendumChangesForm, AddendumForm, AnswerForm, CancelForm, CriterionFormSet, DocumentForm,
                            LineFormSet, ProtestDecisionForm, RequirementFormSet, ScoreForm,
                            SeatForm, SolicitationForm)
from sourcing.lifecycle import effective_state
from sourcing.models import Bid, Criterion, Protest, Question
from sourcing.services import awards as award_services
from sourcing.services import evaluation as evaluation_services
from sourcing.services import solicitations as solicitation_services
from sourcing.services.questions import question_answer
from sourcing.services.solicitations import SolicitationContent
from sourcing.states import TRANSITIONS, SolicitationState as S
from core.views import confirm_then_run, run_service, submit_form
from sourcing import confirmations
from sourcing.views.common import get_solicitation
from sourcing.views.lines import lines_editor_context
from sourcing.services.lines import LINE_FIELDS


def _formsets(data=None, initial=None):
    initial = initial or {}
    return (LineFormSet(data, prefix="lines", initial=initial.get("lines")),
            RequirementFormSet(data, prefix="reqs", initial=initial.get("requirements")),
            CriterionFormSet(data, prefix="crit", initial=initial.get("criteria")))


def _content(form, lines, reqs, crits, solicitation=None) -> SolicitationContent:
    """The draft as typed. A saved draft's lines are edited in place (`sourcing.views.lines`),
    so saving it keeps the lines it has."""
    d = form.cleaned_data
    return SolicitationContent(
        title=d["title"], description=d["description"], category=d["category"], kind=d["kind"],
        lines=([f.cleaned_data for f in lines if f.cleaned_data] if solicitation is None
               else list(solicitation.lines.values(*LINE_FIELDS))),
        requirements=[f.cleaned_data for f in reqs if f.cleaned_data],
        criteria=[f.cleaned_data for f in crits if f.cleaned_data],
        award_method=d["award_method"], score_threshold=d["score_threshold"],
        max_vendor_share=d["max_vendor_share"], max_vendors_per_line=d["max_vendors_per_line"])


def _editor(request, solicitation=None):
    if solicitation is None:
        initial = {"criteria": [{"name": "Price", "weight": 40, "is_price": True},
                                {"name": "Functionality", "weight": 30},
                                {"name": "Implementation and support", "weight": 15},
                                {"name": "Privacy and security", "weight": 15}]}
        form_initial = {}
    else:
        initial = {"lines": list(solicitation.lines.values("reference", "description", "unit",
                                                           "estimated_quantity")),
                   "requirements": list(solicitation.requirements.values("text")),
                   "criteria": list(solicitation.criteria.values("name", "weight", "is_price"))}
        form_initial = {f: getattr(solicitation, f) for f in (
            "kind", "title", "description", "category", "standstill_days", "award_method",
            "score_threshold", "max_vendor_share", "max_vendors_per_line")}
        form_initial["questions_deadline"] = timezone.localtime(solicitation.questions_deadline)
        form_initial["bid_deadline"] = timezone.localtime(solicitation.bid_deadline)
    if request.method == "POST":
        form = SolicitationForm(request.POST)
        lines, reqs, crits = _formsets(request.POST)
    else:
        form = SolicitationForm(initial=form_initial)
        lines, reqs, crits = _formsets(initial=initial)
    if solicitation is not None:
        lines = None  # the lines editor beside the form
    if request.method == "POST" and all(x.is_valid() for x in (lines, reqs, crits) if x is not None):
        def save():
            d = form.cleaned_data
            dates = {"questions_deadline": d["questions_deadline"], "bid_deadline": d["bid_deadline"],
                     "standstill_days": d["standstill_days"]}
            content = _content(form, lines, reqs, crits, solicitation)
            if solicitation is None:
                return solicitation_services.solicitation_create(content=content, actor=request.actor, **dates)
            solicitation_services.solicitation_update_draft(solicitation=solicitation, content=content,
                                                            actor=request.actor, **dates)
            return solicitation

        done = submit_form(request, form, save,
                           success=lambda saved: f"Draft {saved.number} saved. Check it, then publish.",
                           redirect_to=lambda saved: _manage_url(saved.pk))
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "lines": lines, "reqs": reqs, "crits": crits, "s": solicitation}
    if solicitation is not None:
        context.update(lines_editor_context(solicitation))
    return render(request, "sourcing/edit.html", context, status=status)


@roles(STAFF)
def solicitation_new(request):
    return _editor(request)


@roles(STAFF)
def solicitation_edit(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    if solicitation.state != S.DRAFT:
        messages.error(request, "A published solicitation changes only by addendum.")
        return redirect(_manage_url(solicitation.pk))
    return _editor(request, solicitation)


@roles(STAFF)
def manage(request, solicitation_id: int, forms=None):
    solicitation = get_solicitation(request, solicitation_id)
    state = effective_state(solicitation)
    forms = forms or {}
    evaluators = selectors.eligible_evaluators(solicitation)
    context = {
        "s": solicitation, "state": state, "States": S, "public": selectors.is_public(solicitation),
        # the steps the table allows from here (staff may take them all)
        "steps": {step.action: step for step in TRANSITIONS.allowed_from(state)},
        "bid_count": selectors.bid_count_shown(solicitation),
        "questions": solicitation.questions.all(),
        "seats": selectors.seats(solicitation),
        "seat_form": forms.get("seat") or SeatForm(evaluators=evaluators),
        "addendum_form": forms.get("addendum") or AddendumChangesForm(),
        "document_form": forms.get("document") or DocumentForm(),
        "cancel_form": forms.get("cancel") or CancelForm(),
        "answer_form": AnswerForm(),
        "award": selectors.award_view(solicitation),
        "awards": selectors.awards_history(solicitation),
        "decision_form": ProtestDecisionForm(),
    }
    context["timeline"] = charts.timeline(solicitation, context["award"] and context["award"].award,
                                          today=clock.today())
    if state == S.UNDER_EVALUATION:
        context["evaluations"] = selectors.evaluation(solicitation=solicitation, actor=request.actor,
                                                      purpose="evaluation management page")
        context["criteria"] = [c for c in solicitation.criteria.all() if not c.is_price]
        # The stored plan (bulk buy) or the rules' plan now (multi-award): no engine run here.
        context["plan"] = award_plans.award_plan(solicitation=solicitation, actor=request.actor,
                                                 evaluations=context["evaluations"])
        context["engine_time_limit"] = int(award_services.engine_time_limit())
        plan_job = latest_job(kind=award_services.AWARD_PLAN_JOB, subject=solicitation)
        context["plan_job"] = job_view(plan_job) if plan_job is not None else None
        record = getattr(context["plan"], "record", None)
        # How the engine converged to the stored plan: the chart of the job that computed it.
        context["plan_convergence"] = (context["plan_job"].chart if record is not None and plan_job is not None
                                       and plan_job.result_id == str(record.pk) else None)
        context["award_constraints"] = award_plans.constraints_text(solicitation)
        context["plan_chart"] = charts.award_plan_spend(context["plan"], max_share=solicitation.max_vendor_share)
    return render(request, "sourcing/manage.html", context,
                  status=400 if any(f.errors for f in forms.values()) else 200)


def _manage_url(solicitation_id) -> str:
    return reverse("sourcing:manage", kwargs={"solicitation_id": solicitation_id})


def _run(request, solicitation_id, success: str, call, **options):
    return run_service(request, call, success=success, redirect_to=_manage_url(solicitation_id), **options)


def _confirm_then_run(request, solicitation_id, success, confirmation, call, **options):
    """An irreversible step: its confirmation page (core.confirm), then the service."""
    return confirm_then_run(request, confirmation, call, success=success,
                            redirect_to=_manage_url(solicitation_id), **options)


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def publish(request, solicitation_id: int):
    s = get_solicitation(request, solicitation_id)
    return _confirm_then_run(
        request, s.pk, f"{s.number} is published and open for bids.",
        lambda: confirmations.publish(s, back=_manage_url(s.pk)),
        lambda: solicitation_services.solicitation_publish(solicitation=s, actor=request.actor))


@roles(STAFF)
@require_POST
def start_evaluation(request, solicitation_id: int):
    s = get_solicitation(request, solicitation_id)
    return _run(request, s.pk, "Evaluation started.",
                lambda: solicitation_services.solicitation_start_evaluation(solicitation=s, actor=request.actor))


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def cancel(request, solicitation_id: int):
    s = get_solicitation(request, solicitation_id)
    form = CancelForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return manage(request, solicitation_id, {"cancel": form})
    reason = form.cleaned_data["reason"]
    return _confirm_then_run(
        request, s.pk, f"{s.number} is cancelled.",
        lambda: confirmations.cancel(s, reason, back=_manage_url(s.pk)),
        lambda: solicitation_services.solicitation_cancel(solicitation=s, reason=reason, actor=request.actor))


@roles(STAFF)
@require_POST
def document_add(request, solicitation_id: int):
    s = get_solicitation(request, solicitation_id)
    form = DocumentForm(request.POST, request.FILES)
    done = submit_form(request, form, lambda: solicitation_services.document_add(
        solicitation=s, title=form.cleaned_data["title"], file=form.cleaned_data["file"], actor=request.actor),
        success="Document added.", redirect_to=_manage_url(s.pk))
    return done or manage(request, solicitation_id, {"document": form})


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def addendum(request, solicitation_id: int):
    s = get_solicitation(request, solicitation_id)
    data = request.POST if request.method == "POST" else request.GET
    form = AddendumForm(data, request.FILES)
    if not form.is_valid():
        shown = AddendumChangesForm(data)
        shown.is_valid()
        return manage(request, solicitation_id, {"addendum": shown})
    d = form.cleaned_data
    changes = {k: d[k] for k in ("bid_deadline", "questions_deadline", "description") if d.get(k)}

    def published(a) -> str:
        note = f" {a.deadline_note()}" if a.deadline_extended else ""
        return f"Addendum {a.number} published; bidders were notified.{note}"

    return _confirm_then_run(
        request, s.pk, published,
        lambda: confirmations.addendum(s, d["summary"], changes, back=_manage_url(s.pk)),
        lambda: solicitation_services.addendum_publish(
            solicitation=s, summary=d["summary"], changes=changes, actor=request.actor,
            document=d.get("document"), document_title=d.get("document_title", "")))


@roles(STAFF)
@require_POST
def answer(request, solicitation_id: int, question_id: int):
    s = get_solicitation(request, solicitation_id)
    question = Question.objects.filter(pk=question_id, solicitation=s).first()
    if question is None:
        raise Http404
    form = AnswerForm(request.POST)
    return _run(request, s.pk, "Answer published.", lambda: question_answer(
        question=question, answer=form.cleaned_data["answer"], actor=request.actor),
        form=form, invalid="Write the answer.")


@roles(STAFF)
@require_POST
def seat(request, solicitation_id: int):
    s = get_solicitation(request, solicitation_id)
    evaluators = selectors.eligible_evaluators(s)
    form = SeatForm(request.POST, evaluators=evaluators)
    if not form.is_valid():
        return manage(request, solicitation_id, {"seat": form})
    assignment = evaluators.get(pk=form.cleaned_data["assignment"])
    return _run(request, s.pk, f"{assignment.user.email} seated; they must sign the declaration.",
                lambda: evaluation_services.evaluator_seat(solicitation=s, assignment=assignment,
                                                           actor=request.actor))


@roles(STAFF)
@require_POST
def consensus(request, solicitation_id: int, bid_id: int, criterion_id: int):
    s = get_solicitation(request, solicitation_id)
    bid = Bid.objects.filter(pk=bid_id, solicitation=s).first()
    criterion = Criterion.objects.filter(pk=criterion_id, solicitation=s).first()
    if bid is None or criterion is None:
        raise Http404
    form = ScoreForm(request.POST)
    return _run(request, s.pk, "Consensus score recorded.", lambda: evaluation_services.consensus_record(
        solicitation=s, bid=bid, criterion=criterion, points=form.cleaned_data["points"],
        comment=form.cleaned_data["comment"], actor=request.actor),
        form=form, invalid="Give a score from 0 to 10 and the committee's reasons.")


@roles(STAFF)
@require_POST
def award_plan_compute(request, solicitation_id: int):
    """Queue the computation (a background job) and show its live status page."""
    s = get_solicitation(request, solicitation_id)
    return run_service(request, lambda: award_services.award_plan_request(solicitation=s, actor=request.actor),
                       redirect_to=lambda job: reverse("jobs:status", kwargs={"job_id": job.pk}),
                       failure_redirect_to=_manage_url(s.pk))


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def award_notice(request, solicitation_id: int):
    s = get_solicitation(request, solicitation_id)
    return _confirm_then_run(
        request, s.pk, "Award notice published; the standstill has started.",
        lambda: confirmations.award_notice(s, request.actor, back=_manage_url(s.pk)),
        lambda: award_services.award_issue_notice(
            solicitation=s, rationale=request.POST.get("rationale", ""),
            plan_digest=request.POST.get("plan_digest", ""), actor=request.actor))


@roles(STAFF)
@require_http_methods(["GET", "POST"])
def protest_decide(request, solicitation_id: int, protest_id: int):
    s = get_solicitation(request, solicitation_id)
    protest = Protest.objects.filter(pk=protest_id, award__solicitation=s).select_related(
        "vendor", "award__solicitation").first()
    if protest is None:
        raise Http404
    form = ProtestDecisionForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return _run(request, s.pk, "", lambda: None, form=form,
                    invalid="Choose a decision and give the reasons.")
    upheld, reasons = form.cleaned_data["decision"] == "upheld", form.cleaned_data["reasons"]
    return _confirm_then_run(
        request, s.pk, "Decision recorded.",
        lambda: confirmations.protest_decision(protest, upheld, reasons, back=_manage_url(s.pk)),
        lambda: award_services.protest_decide(protest=protest, upheld=upheld, reasons=reasons,
                                              actor=request.actor))
