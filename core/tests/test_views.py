"""core.views: run a service from a page, show its refusal or say what was done."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.views import run_service, submit_form


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def _request(data=None):
    request = RequestFactory().post("/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _said(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


def _refuse(error):
    def call():
        raise error
    return call


def test_done_says_so_and_redirects():
    request = _request()
    response = run_service(request, lambda: 7, success=lambda n: f"Made {n}.",
                           redirect_to=lambda n: f"/things/{n}/", failure_redirect_to="/things/")
    assert response.status_code == 302 and response.url == "/things/7/"
    assert _said(request) == [("success", "Made 7.")]


def test_refusal_is_flashed_with_the_field_named_and_goes_back():
    request = _request()
    response = run_service(request, _refuse(ValidationError({"lines[2].quantity": ["Too many."]})),
                           success="Made.", redirect_to=lambda n: f"/things/{n}/",
                           failure_redirect_to="/things/")
    assert response.url == "/things/"
    assert _said(request) == [("error", "line 2, quantity: Too many.")]


def test_no_success_sentence_says_nothing():
    request = _request()
    assert run_service(request, lambda: None, redirect_to="/here/").url == "/here/"
    assert _said(request) == []


def test_invalid_form_calls_nothing():
    calls = []
    request = _request({"name": ""})
    form = NameForm(request.POST)
    response = run_service(request, lambda: calls.append(1), success="Saved.", redirect_to="/here/",
                           form=form, invalid="Give a name.")
    assert response.url == "/here/" and calls == []
    assert _said(request) == [("error", "Give a name.")]
    request = _request({"name": ""})
    run_service(request, lambda: calls.append(1), redirect_to="/here/", form=NameForm(request.POST))
    assert calls == [] and _said(request) == [("error", "name: This field is required.")]


def test_submit_form_puts_refusals_on_the_form():
    request = _request({"name": "Ada"})
    form = NameForm(request.POST)
    refusal = ValidationError({"name": ["Taken."], "lines[1].unit_price": ["Too dear."]})
    assert submit_form(request, form, _refuse(refusal), success="Saved.", redirect_to="/here/") is None
    assert form.errors["name"] == ["Taken."] and form.non_field_errors() == ["line 1, unit price: Too dear."]
    assert _said(request) == []


def test_submit_form_invalid_or_done():
    calls = []
    request = _request({"name": "far too long a name"})
    assert submit_form(request, NameForm(request.POST), lambda: calls.append(1), redirect_to="/") is None
    assert calls == []
    request = _request({"name": "Ada"})
    form = NameForm(request.POST)
    response = submit_form(request, form, lambda: form.cleaned_data["name"],
                           success=lambda name: f"{name} saved.", redirect_to="/people/")
    assert response.url == "/people/" and _said(request) == [("success", "Ada saved.")]
