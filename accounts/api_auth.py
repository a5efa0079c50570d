"""How API callers prove who they are: a bearer token (acting for the role it was issued for)
or, from the browser, the signed-in session (acting for the role picked in the UI)."""

from __future__ import annotations

from typing import Any, Optional

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from accounts.acting import Actor
from accounts.services import api_token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Optional[Any]:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        request.actor = Actor.from_assignment(api_token.assignment)
        request.role_assignments = [api_token.assignment]
        return api_token.user


class SessionActorAuth(SessionAuth):
    """The browser session; CSRF is checked for unsafe methods. A request that carries an
    Authorization header is judged by that header alone (a bad token never falls back)."""

    def authenticate(self, request: HttpRequest, key: Optional[str]) -> Optional[Any]:
        if request.headers.get("Authorization"):
            return None
        return super().authenticate(request, key)


API_AUTH = [BearerTokenAuth(), SessionActorAuth()]


def anonymous(request: HttpRequest) -> Optional[Any]:
    """For public operations that answer more to a signed-in caller (e.g. staff see drafts):
    lets anonymous callers through, but a request with a bad token still gets 401."""
    if request.headers.get("Authorization"):
        return None
    return True


OPTIONAL_AUTH = [BearerTokenAuth(), SessionActorAuth(), anonymous]
