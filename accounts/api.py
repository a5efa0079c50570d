"""API: tokens and "who am I"."""


from datetime import datetime
from typing import Optional

from django.contrib.auth import authenticate
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.access import api_public, api_signed_in
from accounts.acting import Actor
from accounts.api_auth import API_AUTH
from accounts.ratelimit import LOGIN_LIMITED_MESSAGE, client_ip, login_attempt, login_succeeded
from accounts.selectors import api_tokens_of, role_assignments_of
from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from core.api_types import ApiError, Email, Id, text, text_of
from core.limits import PASSWORD_MAX

router = Router(tags=["accounts"])


class AuthTokenRequest(Schema):
    email: Email
    password: text(PASSWORD_MAX)
    acting_as: Optional[Id] = None
    name: text_of(ApiToken.name) = "API token"


class AccountRoleOut(Schema):
    assignment_id: int
    role: str
    organisation_id: int
    organisation: str
    organisation_kind: str
    district_id: Optional[int] = Field(
        None, description="For a district's role: the id district endpoints take (not the organisation id).")
    vendor_id: Optional[int] = Field(
        None, description="For a vendor's role: the id vendor endpoints take (not the organisation id).")


class AuthTokenOut(Schema):
    token: str
    expires_at: Optional[datetime]
    acting_as: AccountRoleOut


class AuthTokenInfo(Schema):
    id: int
    prefix: str
    name: str
    acting_as: AccountRoleOut
    created_at: datetime
    last_used_at: Optional[datetime]
    expires_at: Optional[datetime]
    revoked_at: Optional[datetime]
    revoked_reason: str = ""  # e.g. "password changed": every token is revoked when it changes


class MeOut(Schema):
    email: str
    full_name: str
    acting_as: Optional[AccountRoleOut]
    roles: list[AccountRoleOut]


def _one_to_one_id(organisation, name: str) -> Optional[int]:
    """The id of the district or vendor this organisation is. They are owned by members and
    vendors, above accounts: read through the organisation's reverse relation, never imported."""
    try:
        return getattr(organisation, name).pk
    except ObjectDoesNotExist:
        return None


def role_out(assignment) -> dict:
    organisation = assignment.organisation
    return {"assignment_id": assignment.pk, "role": assignment.role,
            "organisation_id": assignment.organisation_id,
            "organisation": organisation.name,
            "organisation_kind": organisation.kind,
            "district_id": _one_to_one_id(organisation, "district"),
            "vendor_id": _one_to_one_id(organisation, "vendor")}


def token_info(token) -> dict:
    return {"id": token.pk, "prefix": token.prefix, "name": token.name,
            "acting_as": role_out(token.assignment), "created_at": token.created_at,
            "last_used_at": token.last_used_at, "expires_at": token.expires_at,
            "revoked_at": token.revoked_at, "revoked_reason": token.revoked_reason}


@router.post("/auth/token", response={201: AuthTokenOut, 403: ApiError, 429: ApiError}, auth=None)
@api_public
def token_create(request, payload: AuthTokenRequest):
    """Exchange an email and password for a bearer token acting in one of your roles.

    Sign-in limits apply as on the sign-in page (429 after too many failures for this email from
    your address, or from your address). Every token is revoked when its owner's password
    changes."""
    email = payload.email.strip().lower()
    ip = client_ip(request)
    # Counted before the password is checked (the same counts as the sign-in page).
    if not login_attempt(email=email, ip=ip):
        return Status(429, {"detail": LOGIN_LIMITED_MESSAGE})
    user = authenticate(request, username=email, password=payload.password)
    if user is None:
        raise PermissionDenied("The email address or password is not right.")
    login_succeeded(email=email, ip=ip)
    assignments = role_assignments_of(user)
    if not assignments:
        raise ValidationError({"acting_as": "This account holds no role in any organisation."})
    if payload.acting_as is None and len(assignments) > 1:
        choices = "; ".join(f"{a.pk} = {a.get_role_display()} for {a.organisation.name}"
                            for a in assignments)
        raise ValidationError({"acting_as": f"You hold several roles; say which one the token acts "
                                            f"for: {choices}."})
    chosen = (assignments[0] if payload.acting_as is None
              else next((a for a in assignments if a.pk == payload.acting_as), None))
    if chosen is None:
        raise ValidationError({"acting_as": f"{payload.acting_as} is not one of your roles."})
    token, secret = api_token_create(user=user, assignment=chosen, name=payload.name,
                                     actor=Actor.from_assignment(chosen))
    return Status(201, {"token": secret, "expires_at": token.expires_at, "acting_as": role_out(chosen)})


@router.get("/auth/tokens", response=list[AuthTokenInfo], auth=API_AUTH)
@api_signed_in
def token_list(request):
    """Your tokens (never their secrets)."""
    return [token_info(t) for t in api_tokens_of(request.user)]


@router.delete("/auth/tokens/{token_id}", response=AuthTokenInfo, auth=API_AUTH)
@api_signed_in
def token_revoke(request, token_id: Id):
    """Revoke one of your tokens."""
    token = api_tokens_of(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token of yours.")
    actor = request.actor or Actor(user=request.user, organisation=None, role="self")
    return token_info(api_token_revoke(token=token, actor=actor))


@router.delete("/auth/token", response=AuthTokenInfo, auth=API_AUTH[:1])
@api_signed_in
def token_revoke_current(request):
    """Revoke the token this request was made with."""
    return token_info(api_token_revoke(token=request.api_token, actor=request.actor))


@router.get("/me", response=MeOut, auth=API_AUTH)
@api_signed_in
def me(request):
    """Who you are, the role this request acts in, and all your roles."""
    assignments = getattr(request, "role_assignments", None) or role_assignments_of(request.user)
    if getattr(request, "api_token", None) is not None:
        assignments = role_assignments_of(request.user)
    actor = request.actor
    acting = None
    if actor is not None:
        acting = next((role_out(a) for a in assignments
                       if a.role == actor.role and actor.acts_for(a.organisation)), None)
    return {"email": request.user.email, "full_name": request.user.full_name,
            "acting_as": acting, "roles": [role_out(a) for a in assignments]}
