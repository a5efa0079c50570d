"""The one way a page runs a service: call it, show its refusal (a ValidationError) to the person,
or say what was done, then go on. Views parse, check permission and call these.

- `run_service`: a button or a small form posted from a page; the outcome is flashed and the
  browser redirected (post/redirect/get). A form that does not validate is refused with the
  view's own sentence (`invalid`) before anything is called.
- `submit_form`: a form the page shows again when refused: the service's errors go onto the
  form's fields (`core.forms_errors.form_errors_from`) and the caller renders it (status 400).
- `confirm_then_run`: an irreversible action (`core.confirm`): GET, or a POST without the
  confirmation token, shows `core/confirm.html`; a confirmed POST goes on to `run_service`.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.confirm import NOT_CONFIRMED, Confirmation, carried, confirm_token, is_confirmed

from core.forms_errors import flash_error, form_errors_from

Message = Union[None, str, Callable[[Any], Optional[str]]]
Target = Union[str, Callable[[Any], str]]


def _say(request, success: Message, result) -> None:
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)


def _go(target: Target, result=None) -> HttpResponse:
    return redirect(target(result) if callable(target) else target)


def run_service(request, call: Callable[[], Any], *, success: Message = None, redirect_to: Target,
                failure_redirect_to: Optional[str] = None, form=None,
                invalid: Optional[str] = None) -> HttpResponse:
    """Run `call()` and redirect. `success` is the sentence shown when it is done (or a function
    of what `call` returned; None shows nothing). A ValidationError is shown as an error
    (`core.forms_errors.error_text`) and the browser goes to `failure_redirect_to` (default: the
    same place). With `form`, an invalid form shows `invalid` (default: its errors) and nothing
    is called. `redirect_to` is a URL, a view name without arguments, or a function of the
    result giving one (then give `failure_redirect_to` too: a refusal has no result)."""
    back = failure_redirect_to or redirect_to
    if form is not None and not form.is_valid():
        if invalid is not None:
            messages.error(request, invalid)
        else:
            flash_error(request, ValidationError({f: list(e) for f, e in form.errors.items()}))
        return _go(back)
    try:
        result = call()
    except ValidationError as exc:
        flash_error(request, exc)
        return _go(back)
    _say(request, success, result)
    return _go(redirect_to, result)


def submit_form(request, form, call: Callable[[], Any], *, success: Message = None,
                redirect_to: Target) -> Optional[HttpResponse]:
    """Validate `form`, run `call()` and redirect. None when the form or the service refused:
    the errors are on the form (the service's named fields on those fields, the rest as form
    errors naming theirs) for the caller to render again."""
    if not form.is_valid():
        return None
    try:
        result = call()
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None
    _say(request, success, result)
    return _go(redirect_to, result)


def confirm_then_run(request, confirmation: Union[Confirmation, Callable[[], Confirmation]],
                     call: Callable[[], Any], **run_options) -> HttpResponse:
    """An irreversible action. A confirmed POST (`core.confirm.is_confirmed`) runs `call` through
    `run_service` (with `run_options`); anything else performs nothing and shows what will
    happen (a POST without the token also says that nothing was done yet, status 409).
    `confirmation` may be a function, so nothing is read for a confirmed POST."""
    if request.method == "POST" and is_confirmed(request):
        return run_service(request, call, **run_options)
    c = confirmation() if callable(confirmation) else confirmation
    data = request.POST if request.method == "POST" else request.GET
    refused = NOT_CONFIRMED if request.method == "POST" else ""
    return render(request, "core/confirm.html", {
        "c": c, "token": confirm_token(request), "carried": carried(request, c), "refused": refused,
        "inputs": [(f, data.get(f.name, "")) for f in c.inputs]}, status=409 if refused else 200)


def fiscal_year_refused(request, exc) -> HttpResponse:
    """The page for a fiscal year the rule of `core.fiscal` refuses: 400, the reason, and a link
    to the same page for the current fiscal year."""
    return render(request, "core/fiscal_year_refused.html", {"message": exc.message, "again": request.path},
                  status=400)
