"""The draft's lines editor: add or remove one line in place. With htmx the endpoints answer
with the editor itself (`sourcing/_lines.html`), swapped where it was; without JavaScript they
redirect back to the draft's edit page with the outcome flashed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import STAFF
from core.forms_errors import error_text, form_errors_from
from core.views import run_service
from sourcing.forms import LineForm
from sourcing.services.lines import solicitation_line_add, solicitation_line_remove
from sourcing.views.common import get_solicitation

PREFIX = "new-line"


def lines_editor_context(solicitation, *, form=None, status_text="", error="", focus="") -> dict:
    """`focus` says where the keyboard goes after a swap: "add" (the new line's first input),
    "error" (the first refused input, else the message), "heading" (after a removal)."""
    form = form or LineForm(prefix=PREFIX, initial={"unit": "each"})
    target = next((name for name in form.fields if name in form.errors), None) if focus == "error" else None
    if focus == "add":
        target = "reference"
    if target:
        form.fields[target].widget.attrs["autofocus"] = True
    return {"s": solicitation, "draft_lines": list(solicitation.lines.order_by("position")),
            "line_form": form,
            "lines_status": status_text, "lines_error": error, "lines_focus": focus}


def _edit_url(solicitation) -> str:
    return reverse("sourcing:edit", kwargs={"solicitation_id": solicitation.pk}) + "#lines-editor"


def _partial(request, solicitation, **kwargs):
    return render(request, "sourcing/_lines.html", lines_editor_context(solicitation, **kwargs))


@roles(STAFF)
@require_POST
def line_add(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    form = LineForm(request.POST, prefix=PREFIX)

    def add():
        d = form.cleaned_data
        return solicitation_line_add(solicitation=solicitation, reference=d["reference"],
                                     description=d["description"], unit=d["unit"],
                                     estimated_quantity=d["estimated_quantity"], actor=request.actor)

    if not request.headers.get("HX-Request"):
        return run_service(request, add, success=lambda line: f"Line {line.reference} added.",
                           redirect_to=_edit_url(solicitation), form=form)
    if form.is_valid():
        try:
            line = add()
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _partial(request, solicitation, form=form, error=error_text(exc), focus="error")
            form_errors_from(form, exc)
        else:
            return _partial(request, solicitation, status_text=f"Line {line.reference} added.", focus="add")
    # htmx swaps only 2xx answers: the refused form comes back as 200 with its errors
    return _partial(request, solicitation, form=form, focus="error")


@roles(STAFF)
@require_POST
def line_remove(request, solicitation_id: int, line_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    remove = lambda: solicitation_line_remove(solicitation=solicitation, line_id=line_id, actor=request.actor)  # noqa: E731
    if not request.headers.get("HX-Request"):
        return run_service(request, remove, success=lambda line: f"Line {line.reference} removed.",
                           redirect_to=_edit_url(solicitation))
    try:
        line = remove()
    except ValidationError as exc:
        return _partial(request, solicitation, error=error_text(exc), focus="error")
    return _partial(request, solicitation, status_text=f"Line {line.reference} removed.", focus="heading")

