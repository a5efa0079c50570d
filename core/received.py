"""When a request was received: the moment a sealed bid is judged by.

`ReceivedAtMiddleware`, first in the chain, stamps `request.received_at` (aware, UTC) once the
whole request is in, and `request.received_clock`, which clock gave it:

- "server": EdPool's own clock, after reading the body (so a client cannot start a request
  before the deadline and finish sending it after). Always the answer unless the next case holds.
- "edge": the moment the consortium's edge (nginx) had the whole request, from the header it sets
  on every proxied request (`X-Request-Start: t=<seconds since the epoch, to the millisecond>`,
  deploy/nginx/edpool.conf; nginx buffers the whole body before it sets it). A bid sent before
  the deadline is then not judged late because it waited for a free application worker.

The header is trusted ONLY when the connection comes from an address in `EDPOOL_EDGE_PROXIES`
(empty by default: trust nothing) and it parses exactly; a client could send one too, and a
forged one would let a late bid in. Even then the edge time is used only if it is no later than
the server's own clock (a proxy whose clock runs ahead changes nothing) and no earlier than
`EDPOOL_EDGE_MAX_AGE_SECONDS` before it (a stuck or wrongly set proxy cannot backdate a bid by
minutes): beyond that the header is refused, the server's clock used, and a warning logged.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import logging
import re
from typing import Iterable, Optional

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils import timezone

logger = logging.getLogger(__name__)

HEADER = "X-Request-Start"
META_KEY = "HTTP_X_REQUEST_START"
EDGE, SERVER = "edge", "server"
# nginx's `t=${msec}`: whole seconds since the epoch and at most six decimals; nothing else (no
# sign, no spaces inside, no second value: a client's header joined to nginx's would not match).
_EDGE_VALUE = re.compile(r"t=([0-9]{1,11})(?:\.([0-9]{1,6}))?", re.ASCII)
_MAX_HEADER = 40
# A proxy's clock slightly ahead of this server's is expected (two machines); more is worth a word.
_AHEAD_WARNING = dt.timedelta(seconds=1)


def received_at_of(request) -> Optional[dt.datetime]:
    return getattr(request, "received_at", None)


def received_clock_of(request) -> str:
    """"edge" when `received_at_of(request)` came from the trusted proxy's header, else "server"."""
    return getattr(request, "received_clock", SERVER)


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def edge_proxies() -> tuple:
    """The trusted proxies' networks, from `settings.EDPOOL_EDGE_PROXIES` (addresses or CIDRs)."""
    entries: Iterable[str] = getattr(settings, "EDPOOL_EDGE_PROXIES", ()) or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    return _networks(tuple(entries))


def from_trusted_proxy(remote_addr: object) -> bool:
    """Whether the connection's own address (REMOTE_ADDR, never X-Forwarded-For) is a trusted proxy."""
    networks = edge_proxies()
    if not networks or not isinstance(remote_addr, str):
        return False
    try:
        address = ipaddress.ip_address(remote_addr.strip())
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == n.version and address in n for n in networks)


def parse_edge_time(value: object) -> Optional[dt.datetime]:
    """The moment in an `X-Request-Start: t=1764786543.123` value (aware, UTC), or None for
    anything else: garbage, NUL bytes, signs, several values, absurd sizes."""
    if not isinstance(value, str) or len(value) > _MAX_HEADER:
        return None
    match = _EDGE_VALUE.fullmatch(value.strip())
    if match is None:
        return None
    whole, fraction = int(match.group(1)), (match.group(2) or "").ljust(6, "0")
    try:
        return dt.datetime.fromtimestamp(whole, dt.timezone.utc) + dt.timedelta(microseconds=int(fraction))
    except (OverflowError, OSError, ValueError):  # beyond year 9999 on this platform
        return None


def max_edge_age() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "EDPOOL_EDGE_MAX_AGE_SECONDS", 60)))


def received(meta, own: dt.datetime) -> tuple[dt.datetime, str]:
    """When the request in `meta` (a WSGI environ / request.META) was received, and by which clock,
    given the server's own reading `own` taken once the whole request was read."""
    raw = meta.get(META_KEY)
    if raw is None or not from_trusted_proxy(meta.get("REMOTE_ADDR")):
        return own, SERVER
    edge = parse_edge_time(raw)
    if edge is None:
        logger.warning("Ignored an unreadable %s header from the trusted proxy %s: %r; the server's "
                       "clock is used.", HEADER, meta.get("REMOTE_ADDR"), str(raw)[:_MAX_HEADER])
        return own, SERVER
    if edge > own:
        if edge - own > _AHEAD_WARNING:
            logger.warning("The trusted proxy %s's clock is %.3f s ahead of this server's: the "
                           "server's clock is used (keep both synchronised, e.g. chrony).",
                           meta.get("REMOTE_ADDR"), (edge - own).total_seconds())
        return own, SERVER
    if own - edge > max_edge_age():
        logger.warning("Refused the trusted proxy %s's %s of %.3f s ago (more than "
                       "EDPOOL_EDGE_MAX_AGE_SECONDS=%s): the server's clock is used.",
                       meta.get("REMOTE_ADDR"), HEADER, (own - edge).total_seconds(),
                       getattr(settings, "EDPOOL_EDGE_MAX_AGE_SECONDS", 60))
        return own, SERVER
    return edge, EDGE


class ReceivedAtMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
            try:
                request.body  # noqa: B018 - read the whole request before stamping it
            except RequestDataTooBig:
                pass  # a large upload: Django streams it, and answers for its size itself
        # The project's clock (tests move it), or the trusted edge's if earlier and within bounds.
        request.received_at, request.received_clock = received(request.META, timezone.now())
        return self.get_response(request)
