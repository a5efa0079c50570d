"""Who may open which page or API operation, declared on the view itself.

Every view must carry one of these decorators; the authorisation-matrix test walks every URL and
fails on a view without one. Object-level checks (a district sees only its own data) happen in the
selectors and services the view calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


@dataclass(frozen=True)
class Access:
    public: bool = False
    signed_in: bool = False
    roles: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.public:
            return "anyone"
        if self.signed_in:
            return "any signed-in user"
        return ", ".join(self.roles)


def _mark(view, spec: Access):
    view.edpool_access = spec
    return view


def public(view):
    """Anyone, signed in or not."""
    return _mark(view, Access(public=True))


def signed_in(view):
    """Any signed-in user, whether or not they have picked a role yet."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)
    return _mark(wrapper, Access(signed_in=True))


def roles(*allowed: str):
    """Signed-in users acting in one of these roles."""
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = request.actor
            if actor is None:
                if request.role_assignments:
                    return redirect(reverse("accounts:act-as") + "?"
                                    + urlencode({"next": request.get_full_path()}))
                raise PermissionDenied("Your account holds no role in any organisation yet.")
            if actor.role not in allowed:
                raise PermissionDenied("This page is not available in your current role.")
            return view(request, *args, **kwargs)
        return _mark(wrapper, Access(roles=tuple(allowed)))
    return decorator


def api_roles(*allowed: str):
    """For API operations (authentication already done by the API's auth classes)."""
    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            actor = getattr(request, "actor", None)
            if actor is None or actor.role not in allowed:
                raise PermissionDenied("This operation is not available in your role.")
            return func(request, *args, **kwargs)
        return _mark(wrapper, Access(roles=tuple(allowed)))
    return decorator


def api_signed_in(func):
    return _mark(func, Access(signed_in=True))


def api_public(func):
    return _mark(func, Access(public=True))
