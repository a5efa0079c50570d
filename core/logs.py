"""Logs as structured events (structlog, configured in settings' "Operating EdPool" block):
JSON lines in production, readable console lines in development; every line of a request (and of
the job it queued) carries its `request_id`.

`redact_secrets` runs on every event, EdPool's own and other libraries' (Django's "Not Found:
/path" lines included): no password, token, key or sealed bid content reaches a log.
- a field whose name says it holds a secret is replaced by "[redacted]";
- the secret part of the URLs that carry one (a password-reset link's token, a vendor's e-mail
  verification token) and secret-looking query parameters are replaced in any text;
- a bearer token in any text is replaced.

This module is a foundation: it imports nothing from EdPool's apps (nor Django).
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"

# Field names (lower case, compared by substring) whose values never reach a log.
SECRET_FIELDS = ("password", "passwd", "secret", "token", "authorization", "cookie", "sessionid",
                 "csrf", "sealed", "sealing_key", "api_key", "private_key", "signature")

_PATTERNS = (
    # accounts:password-reset-confirm  /account/password/reset/<uidb64>/<token>/
    (re.compile(r"(/password/reset/[^/\s?]+/)[^/\s?\"']+"), r"\1" + REDACTED),
    # vendors:verify  /vendors/verify/<token>/
    (re.compile(r"(/vendors/verify/)[^/\s?\"']+"), r"\1" + REDACTED),
    # ?token=..., &password=..., &key=..., &signature=...
    (re.compile(r"([?&](?:[\w-]*(?:token|password|secret|key|signature|sig))=)[^&\s\"'#]*", re.I),
     r"\1" + REDACTED),
    (re.compile(r"(\bBearer\s+)[^\s\"',]+", re.I), r"\1" + REDACTED),
)


def redact_text(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _secret_name(name: Any) -> bool:
    lowered = str(name).lower()
    return any(word in lowered for word in SECRET_FIELDS)


def _redact(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if depth > 4:
        return value
    if isinstance(value, dict):
        return {k: (REDACTED if _secret_name(k) else _redact(v, depth + 1)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redact(v, depth + 1) for v in value)
    return value


def redact_secrets(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: see the module's docstring."""
    for key, value in list(event_dict.items()):
        if key.startswith("_"):  # structlog's own (_record, _from_structlog)
            continue
        if _secret_name(key) and key not in ("request_id",):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact(value)
    return event_dict

