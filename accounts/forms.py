from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm

from accounts.ratelimit import LOGIN_LIMITED_MESSAGE, client_ip, login_attempt, login_succeeded


class EmailLoginForm(AuthenticationForm):
    """Email and password, with failed attempts counted per email and per address."""

    username = forms.EmailField(label="Email address",
                                widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password = forms.CharField(label="Password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": "The email address or password is not right. Check both and try again.",
        "inactive": "This account is disabled.",
        "rate_limited": LOGIN_LIMITED_MESSAGE,
        "unverified": "Confirm your email address first: open the link in the email we sent when "
                      "you registered.",
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").lower()
        password = self.cleaned_data.get("password")
        ip = client_ip(self.request) if self.request else "unknown"
        if email and password:
            # Counted before the password is checked, so parallel guesses cannot slip through.
            if not login_attempt(email=email, ip=ip):
                raise forms.ValidationError(self.error_messages["rate_limited"], code="rate_limited")
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                if _inactive_with_password(email, password):
                    raise forms.ValidationError(self.error_messages["unverified"], code="unverified")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            login_succeeded(email=email, ip=ip)
        return self.cleaned_data


def _inactive_with_password(email: str, password: str) -> bool:
    """A registered account that has not confirmed its email (told only to whoever knows the
    password)."""
    from accounts.models import User

    user = User.objects.filter(email__iexact=email, is_active=False).first()
    return user is not None and user.check_password(password)


class ActAsForm(forms.Form):
    assignment = forms.TypedChoiceField(label="Act as", coerce=int, widget=forms.RadioSelect)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [
            (a.pk, f"{a.get_role_display()} for {a.organisation.name}") for a in assignments]


class TokenCreateForm(forms.Form):
    name = forms.CharField(label="What the token is for", max_length=100,
                           help_text="For example: \"district finance system\".")
    assignment = forms.TypedChoiceField(label="Acts as", coerce=int)

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [
            (a.pk, f"{a.get_role_display()} for {a.organisation.name}") for a in assignments]
