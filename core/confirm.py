"""Irreversible actions go through a confirmation page (issue 13): a GET shows what will happen,
to whom notices are sent (counts and kinds of recipients, never a sealed detail) and the amounts;
only a POST carrying the page's confirmation token performs it. A POST without it (the old
one-click button, a replayed form) performs nothing: it shows the same page, saying so.

The token is signed for the path and the person, and expires: it proves the person saw this
page, not that the action is still possible. A second confirmed POST (a double click) reaches
the service, which refuses it (the services of irreversible actions are idempotent or refuse a
second time), so it stays harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from django.core import signing

CONFIRM_FIELD = "confirm"
_SALT = "edpool.confirm"
TOKEN_MAX_AGE = 60 * 60  # seconds: an hour to read the page and confirm
NOT_CONFIRMED = ("Nothing was done yet: this cannot be undone, so check below what will happen "
                 "and confirm it.")


@dataclass(frozen=True)
class Field:
    """A text the person types or checks on the confirmation page (e.g. a reason)."""
    name: str
    label: str
    help: str = ""
    max_length: Optional[int] = None
    required: bool = True
    kind: str = "textarea"  # or "text", or "file" (a PDF uploaded with the confirmation)


@dataclass
class Confirmation:
    """What the confirmation page says. `effects`: sentences, what will happen; `notices`: who is
    told (e.g. "3 bidding vendors (their 5 active users), by email"); `amounts`: (label, value
    already formatted) pairs; `shown`: (label, text) the person entered, shown before it is sent;
    `inputs`: fields typed on this page; `back`: where "Go back" leads."""
    title: str
    button: str
    back: str
    effects: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    amounts: list[tuple[str, str]] = field(default_factory=list)
    shown: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[Field] = field(default_factory=list)
    danger: bool = True


def confirm_token(request) -> str:
    return signing.dumps([request.path, request.user.pk], salt=_SALT)


def is_confirmed(request) -> bool:
    """Does this POST carry a valid confirmation token for this path and person?"""
    token = request.POST.get(CONFIRM_FIELD, "")
    if not token:
        return False
    try:
        path, user_id = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return path == request.path and user_id == request.user.pk


def carried(request, confirmation: Confirmation) -> dict[str, str]:
    """The submitted values to carry through the page: hidden, except the fields typed on it."""
    data = request.POST if request.method == "POST" else request.GET
    typed = {f.name for f in confirmation.inputs}
    return {k: v for k, v in data.items()
            if k not in typed and k not in (CONFIRM_FIELD, "csrfmiddlewaretoken")}
