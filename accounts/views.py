from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.access import public, signed_in
from accounts.acting import Actor
from accounts.forms import ActAsForm, EmailLoginForm, TokenCreateForm
from accounts.middleware import SESSION_KEY
from accounts.ratelimit import PASSWORD_RESET_LIMITED_MESSAGE, client_ip, password_reset_attempt
from accounts.selectors import api_tokens_of, role_assignment_of_user
from accounts.services import api_token_create, api_token_revoke, user_password_change


def _actor_for_self(request) -> Actor:
    """The actor for changes a user makes to their own account (tokens)."""
    if request.actor is not None:
        return request.actor
    return Actor(user=request.user, organisation=None, role="self")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # A person with several roles picks the one they act for.
        if self.request.user.role_assignments.count() > 1:
            return redirect(f"{reverse_lazy('accounts:act-as')}?next={self.get_success_url()}")
        return response


def _tokens_revoked_note(count: int) -> str:
    if not count:
        return ""
    return (f" {count} API token{'s were' if count > 1 else ' was'} revoked with the old password: "
            f"create new ones for your programs.")


class PasswordResetView(auth_views.PasswordResetView):
    """Requests are limited per email and per address; the page says so the same way whether
    or not the email has an account."""

    def form_valid(self, form):
        if not password_reset_attempt(email=form.cleaned_data["email"], ip=client_ip(self.request)):
            form.add_error(None, PASSWORD_RESET_LIMITED_MESSAGE)
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The new password goes through the service: the user's API tokens are revoked and every
    sign-in lock on their email is cleared."""

    def form_valid(self, form):
        user = form.user
        revoked = user_password_change(user=user, password=form.cleaned_data["new_password1"],
                                       how="reset", actor=Actor(user=user, organisation=None, role="self"))
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        if revoked:
            messages.info(self.request, "Your password has been reset." + _tokens_revoked_note(revoked))
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        revoked = user_password_change(user=form.user, password=form.cleaned_data["new_password1"],
                                       how="change", actor=_actor_for_self(self.request))
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, "Your password has been changed." + _tokens_revoked_note(revoked))
        return HttpResponseRedirect(self.get_success_url())


login_view = public(LoginView.as_view())
logout_view = public(auth_views.LogoutView.as_view())
password_reset_view = public(PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-done")))
password_reset_done_view = public(auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"))
password_reset_confirm_view = public(PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password-reset-complete")))
password_reset_complete_view = public(auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"))
password_change_view = signed_in(PasswordChangeView.as_view(
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:account")))


@signed_in
def act_as(request):
    assignments = request.role_assignments
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = ActAsForm(request.POST or None, assignments=assignments,
                     initial={"next": next_url,
                              "assignment": request.actor and next(
                                  (a.pk for a in assignments
                                   if request.actor.role == a.role
                                   and request.actor.acts_for(a.organisation)), None)})
    if request.method == "POST" and form.is_valid():
        chosen = role_assignment_of_user(user=request.user, assignment_id=form.cleaned_data["assignment"])
        if chosen is None:
            raise Http404
        request.session[SESSION_KEY] = chosen.pk
        messages.success(request, f"You are now acting as {chosen.get_role_display().lower()} "
                                  f"for {chosen.organisation.name}.")
        return redirect(next_url or "workspace")
    return render(request, "accounts/act_as.html", {"form": form, "assignments": assignments})


@signed_in
def account(request):
    form = TokenCreateForm(assignments=request.role_assignments)
    new_secret = request.session.pop("new_token_secret", None)
    return render(request, "accounts/account.html", {
        "tokens": api_tokens_of(request.user), "form": form, "new_secret": new_secret})


@signed_in
@require_POST
def token_create(request):
    form = TokenCreateForm(request.POST, assignments=request.role_assignments)
    if form.is_valid():
        assignment = role_assignment_of_user(user=request.user,
                                             assignment_id=form.cleaned_data["assignment"])
        if assignment is None:
            raise Http404
        _, secret = api_token_create(user=request.user, assignment=assignment,
                                     name=form.cleaned_data["name"], actor=_actor_for_self(request))
        request.session["new_token_secret"] = secret
        messages.success(request, "Token created. Copy it now: it will not be shown again.")
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {
        "tokens": api_tokens_of(request.user), "form": form}, status=400)


@signed_in
@require_POST
def token_revoke(request, token_id: int):
    token = api_tokens_of(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token, actor=_actor_for_self(request))
    messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("accounts:account")
