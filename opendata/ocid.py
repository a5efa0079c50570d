"""Open Contracting IDs (ocid) of EdPool's contracting processes: one convention, used by the OCDS
export, its API and the public portal's "download as OCDS" links.

OCDS models cooperative buying as a framework agreement: each solicitation is a framework procedure
(its master agreements are contracts of that process), and each member's participation and each
order is its own process (a call-off) linked back to the solicitation through `relatedProcesses`.

An ocid is the publisher's prefix and a local identifier. The prefix is the setting
`EDPOOL_OCDS_PREFIX` (a consortium publishing for real registers its own `ocds-xxxxxx` prefix with
the Open Contracting Partnership; the default marks the data as unregistered).
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_PREFIX = "ocds-edpool"
KINDS = ("solicitation", "participation", "order")
_SHORT = {"solicitation": "sol", "participation": "join", "order": "order"}


def prefix() -> str:
    return getattr(settings, "EDPOOL_OCDS_PREFIX", "") or DEFAULT_PREFIX


def ocid_for(kind: str, pk: int) -> str:
    """The ocid of a solicitation, a participation (a member joining an agreement) or an order."""
    if kind not in _SHORT:
        raise ValueError(f"unknown kind of contracting process: {kind!r}")
    return f"{prefix()}-{_SHORT[kind]}-{int(pk)}"


def parse_ocid(ocid: str) -> tuple[str, int] | None:
    """(kind, pk) of one of EdPool's ocids, or None when it is not one."""
    head = prefix() + "-"
    if not isinstance(ocid, str) or not ocid.startswith(head):
        return None
    short, _, number = ocid[len(head):].partition("-")
    kinds = {v: k for k, v in _SHORT.items()}
    if short not in kinds or not number.isdigit() or len(number) > 18:
        return None
    return kinds[short], int(number)


def record_api_path(ocid: str) -> str:
    """Where the compiled record of a process is served (the OCDS API of issue 17)."""
    return f"/api/v1/ocds/records/{ocid}"
