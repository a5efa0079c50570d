"""Notices: stored for EdPool's inbox with the change that caused them, emailed after it commits.

`notify` is the one way services tell people something happened. Within the caller's transaction
it hands the notice to every registered hook (the `inbox` app registers one in its
`AppConfig.ready()` that stores a row per recipient, so a rollback leaves no notice); after the
transaction commits it emails each recipient, the body ending with the absolute URL of `link`
(built from `settings.SITE_URL`). core sits below every app, so it never imports the inbox: apps
register here, as `audit.redaction` does for sealed events.
"""

from __future__ import annotations

from typing import Callable, Iterable, Protocol

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction


class NoticeHook(Protocol):
    def __call__(self, *, recipients: list[str], subject: str, body: str, link: str) -> None: ...


_hooks: list[Callable[..., None]] = []


def register_notice_hook(hook: NoticeHook) -> None:
    """Called for every notice, inside the transaction that caused it (idempotent per hook)."""
    if hook not in _hooks:
        _hooks.append(hook)


def check_link(link: str) -> str:
    """A path on this site ("/orders/12/"), never an address elsewhere ("//evil", "https://...")."""
    link = (link or "").strip()
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise ValueError(f"A notice links to a path on this site, not {link!r}.")
    return link


def absolute_url(link: str) -> str:
    """The address people open from an email: SITE_URL (scheme and host) followed by the path."""
    return settings.SITE_URL.rstrip("/") + check_link(link)


def notify(*, recipients: Iterable[str], subject: str, body: str, link: str = "",
           inbox: bool = True) -> int:
    """Tell each recipient (email addresses, deduplicated): an inbox notice now (in the caller's
    transaction), an email after commit (never on rollback), ending with the link's absolute URL.

    `link` is the path the recipient should open. `inbox=False` for emails whose body carries a
    one-time credential (address confirmation, first password): those are kept out of the inbox.
    """
    link = check_link(link)
    to = sorted({r.strip().lower() for r in recipients if r and r.strip()})
    if not to:
        return 0
    if inbox:
        for hook in _hooks:
            hook(recipients=to, subject=subject, body=body, link=link)
    text = body.rstrip() + (f"\n\nOpen it in EdPool: {absolute_url(link)}\n" if link else "\n")
    messages = [(subject, text, settings.DEFAULT_FROM_EMAIL, [address]) for address in to]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(to)
