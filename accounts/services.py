"""Changing users, their roles and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Optional

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.acting import Actor
from accounts.models import ROLE_ORGANISATION_KIND, ApiToken, Role, RoleAssignment, User
from accounts.ratelimit import login_locks_clear
from audit.actions import AuditAction
from audit.services import audit_record, snapshot
from core.locks import lock
from orgs.models import Organisation

TOKEN_PREFIX = "edp_"


@transaction.atomic
def user_create_or_update(*, email: str, full_name: Optional[str] = None,
                          password: Optional[str] = None, check_password: bool = True,
                          can_open_admin: Optional[bool] = None,
                          password_hash: Optional[str] = None,
                          actor: Actor) -> tuple[User, bool]:
    """Create the user, or update the name/password of an existing one. Returns (user, created).

    `password_hash` (an already hashed password, from `make_password`) lets bulk provisioning
    such as the demo hash a shared password once."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"{email!r} is not a valid email address."})
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email)
    fields = ("email", "full_name", "is_active", "is_staff")
    before = None if created else snapshot(user, fields)
    if full_name is not None:
        user.full_name = full_name.strip()
    if can_open_admin is not None:
        user.is_staff = can_open_admin
    old_password = user.password
    if password is not None:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": list(exc.messages)})
        user.set_password(password)
    elif password_hash is not None:
        user.password = password_hash
    elif created:
        user.set_unusable_password()
    user.save()
    tokens_revoked = 0
    if not created and (password is not None or password_hash not in (None, old_password)):
        tokens_revoked = _after_password_change(user=user, actor=actor)
    if can_open_admin is not None:
        from accounts.admin_access import ADMIN_GROUP, admin_group_sync
        from django.contrib.auth.models import Group

        group = Group.objects.filter(name=ADMIN_GROUP).first() or admin_group_sync()
        (user.groups.add if can_open_admin else user.groups.remove)(group)
    after = snapshot(user, fields)
    password_changed = password is not None or password_hash is not None
    if created or after != before or password_changed:
        audit_record(actor=actor, action=AuditAction.USER_CREATED if created else AuditAction.USER_UPDATED, obj=user,
                     object_repr=user.email, before=before,
                     after={**after, "password_changed": password_changed,
                            **({"api_tokens_revoked": tokens_revoked} if password_changed else {})})
    return user, created


PASSWORD_CHANGED = "password changed"
PASSWORD_CHANGE_WAYS = {"change": "changed by the user", "reset": "reset by email link"}


@transaction.atomic
def user_password_change(*, user: User, password: str, how: str, actor: Actor) -> int:
    """Set `user`'s new password, chosen by themselves (`how="change"`, signed in) or through a
    password-reset link (`how="reset"`). Every usable API token of the user is revoked (whoever
    knew the old password may have made one) and every sign-in lock on the email is cleared.
    Audited. Returns how many tokens were revoked."""
    if how not in PASSWORD_CHANGE_WAYS:
        raise ValueError(f"Unknown way of changing a password: {how!r}.")
    if not (actor.user and actor.user.pk == user.pk):
        raise PermissionDenied("Only the person themselves chooses their new password here.")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)})
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = _after_password_change(user=user, actor=actor)
    audit_record(actor=actor, action=AuditAction.USER_PASSWORD_CHANGED, obj=user, object_repr=user.email,
                 after={"how": PASSWORD_CHANGE_WAYS[how], "api_tokens_revoked": revoked})
    return revoked


def _after_password_change(*, user: User, actor: Actor) -> int:
    """Revoke the user's usable tokens (each audited) and, once committed, clear the sign-in locks
    on their email. Returns how many tokens were revoked."""
    now = timezone.now()
    tokens = list(lock(ApiToken.objects.filter(user=user, revoked_at__isnull=True)
                       .exclude(expires_at__lte=now).order_by("pk")))
    for token in tokens:
        token.revoked_at, token.revoked_reason = now, PASSWORD_CHANGED
        token.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, obj=token, object_repr=str(token),
                     after={"revoked_at": now, "reason": PASSWORD_CHANGED})
    email = user.email
    transaction.on_commit(lambda: login_locks_clear(email=email))
    return len(tokens)


@transaction.atomic
def role_assign(*, user: User, organisation: Organisation, role: str,
                actor: Actor) -> tuple[RoleAssignment, bool]:
    """Give `user` the `role` in `organisation`; the role must fit the kind of organisation."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; roles are: "
                                       + ", ".join(Role.values) + "."})
    needed_kind = ROLE_ORGANISATION_KIND[Role(role)]
    if organisation.kind != needed_kind:
        raise ValidationError({"role": f"The role {role} is held in a {needed_kind.label.lower()}, "
                                       f"but {organisation.name} is a {organisation.get_kind_display().lower()}."})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, organisation=organisation, role=role)
    if created:
        audit_record(actor=actor, action=AuditAction.ROLE_ASSIGNED, obj=assignment,
                     object_repr=f"{user.email}: {assignment}",
                     after={"user": user.email, "organisation": organisation.pk, "role": role})
    return assignment, created


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor: Actor) -> None:
    before = {"user": assignment.user.email, "organisation": assignment.organisation_id,
              "role": assignment.role}
    audit_record(actor=actor, action=AuditAction.ROLE_REVOKED, obj=assignment,
                 object_repr=f"{assignment.user.email}: {assignment}", before=before)
    assignment.delete()


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, assignment: RoleAssignment, name: str = "",
                     lifetime: Optional[timedelta] = timedelta(days=90),
                     actor: Actor) -> tuple[ApiToken, str]:
    """Issue a bearer token acting as `assignment`. Returns (token, secret); the secret is shown
    once and only its digest is stored."""
    if assignment.user_id != user.pk:
        raise PermissionDenied("A token can only act for one of the user's own roles.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, assignment=assignment, name=name.strip()[:100], prefix=secret[:12],
        digest=token_digest(secret),
        expires_at=(timezone.now() + lifetime) if lifetime else None)
    audit_record(actor=actor, action=AuditAction.API_TOKEN_CREATED, obj=token, object_repr=str(token),
                 after={"user": user.email, "assignment": assignment.pk, "name": token.name,
                        "expires_at": token.expires_at})
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    if not (actor.user and (actor.user.pk == token.user_id)):
        raise PermissionDenied("You can only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at, token.revoked_reason = timezone.now(), "revoked by its owner"
        token.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, obj=token, object_repr=str(token),
                     after={"revoked_at": token.revoked_at, "reason": token.revoked_reason})
    return token


def api_token_authenticate(secret: str) -> Optional[ApiToken]:
    """The usable token with this secret, or None. Records when it was last used."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user", "assignment__organisation")
             .filter(digest=token_digest(secret)).first())
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    if token.assignment.user_id == token.user_id:
        token.assignment.user = token.user  # the same row: no second query for the actor
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
