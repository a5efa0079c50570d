"""Reading EdPool's open contracting data: releases (from the audit trail), records (compiled with
`ocdsmerge`), and the packages that carry them, with the publisher's metadata.

What the portal and the API call:
- `record_for(ocid)`: the record of one contracting process (None for an unknown or malformed ocid);
- `record_package(ocid)`: the same in a record package (what `/api/v1/ocds/records/{ocid}` serves);
- `release_package(since=..., ocid=..., cursor=...)`: a page of releases in a release package, with
  the opaque cursor of the next page (what `/api/v1/ocds/releases` serves and `edpool export-ocds`
  writes).
Everything here is a pure read: building the same package twice gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q

from audit.models import AuditEvent
from opendata import schemas
from opendata.ocid import ocid_for, parse_ocid, record_api_path
from opendata.releases import Names, events_query, iso, release_of

PAGE_SIZE = 100
RELEASES_PATH = "/api/v1/ocds/releases"
LICENSE_DEFAULT = "https://creativecommons.org/licenses/by/4.0/"
# Scanning stops after this many audit events without a release; the cursor then points past them.
SCAN_LIMIT = 5000


class BadCursor(ValueError):
    """A cursor this server did not hand out."""


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def publisher(names: Optional[Names] = None) -> dict[str, Any]:
    """The publisher as the consortium is named now (packages are not releases: they say who
    publishes them today)."""
    profile = (names or Names()).profile()
    name = getattr(settings, "EDPOOL_OCDS_PUBLISHER", "") or (
        profile.organisation.name if profile else "EdPool consortium")
    out: dict[str, Any] = {"name": name}
    if profile and profile.website:
        out["uri"] = profile.website
    return out


def package_meta(uri: str, published: Optional[str], names: Optional[Names] = None) -> dict[str, Any]:
    """The metadata every package carries (OCDS package fields, in the standard's order)."""
    return {
        "uri": uri, "version": schemas.VERSION, "extensions": schemas.extension_urls(),
        "publishedDate": published or iso(dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)),
        "publisher": publisher(names),
        "license": getattr(settings, "EDPOOL_OCDS_LICENSE", "") or LICENSE_DEFAULT,
        "publicationPolicy": (getattr(settings, "EDPOOL_OCDS_PUBLICATION_POLICY", "")
                              or _site() + "/api/v1/docs#/opendata"),
    }


# ---------------------------------------------------------------- which events belong to a process

def _process_query(ocid: str) -> Optional[Q]:
    parsed = parse_ocid(ocid)
    if parsed is None:
        return None
    kind, pk = parsed
    if kind == "solicitation":
        from contracts.models import Amendment, MasterAgreement
        from sourcing.models import Award

        awards = [str(x) for x in Award.objects.filter(solicitation_id=pk).values_list("pk", flat=True)]
        agreements = list(MasterAgreement.objects.filter(solicitation_id=pk).values_list("pk", flat=True))
        amendments = [str(x) for x in Amendment.objects.filter(agreement_id__in=agreements)
                      .values_list("pk", flat=True)]
        return (Q(object_type="sourcing.solicitation", object_id=str(pk))
                | Q(object_type="sourcing.award", object_id__in=awards)
                | Q(object_type="contracts.masteragreement", object_id__in=[str(a) for a in agreements])
                | Q(object_type="contracts.amendment", object_id__in=amendments))
    if kind == "participation":
        return Q(object_type="contracts.participationagreement", object_id=str(pk))
    return Q(object_type="orders.order", object_id=str(pk))


def names() -> Names:
    """The names' history for one export (pass it to every call of the export): each name in a
    release is as of its event, read from the audit trail in one or two queries in all."""
    return Names()


def releases_for(ocid: str, names: Optional[Names] = None) -> list[dict[str, Any]]:
    """Every release of one process, oldest first ([] for an unknown or malformed ocid)."""
    q = _process_query(ocid)
    if q is None:
        return []
    names = names or Names()
    events = AuditEvent.objects.filter(events_query()).filter(q).order_by("seq")
    return [r for r in (release_of(e, names) for e in events.iterator())
            if r is not None and r["ocid"] == ocid]


# ---------------------------------------------------------------- records

@lru_cache(maxsize=1)
def _merger():
    import ocdsmerge

    # The local patched release schema (never fetched): ocdsmerge reads its merge rules from it.
    return ocdsmerge.Merger(schema=schemas.release_schema())


def compile_record(ocid: str, releases: list[dict[str, Any]]) -> dict[str, Any]:
    """A record from its releases: the releases embedded and the compiled release by `ocdsmerge`."""
    return {"ocid": ocid, "releases": releases,
            "compiledRelease": _merger().create_compiled_release(releases)}


def record_for(ocid: str, names: Optional[Names] = None) -> Optional[dict[str, Any]]:
    """The record of one contracting process, or None (unknown, malformed or nothing public yet)."""
    releases = releases_for(ocid, names)
    if not releases:
        return None
    return compile_record(ocid, releases)


def record_package(ocid: str, names: Optional[Names] = None) -> Optional[dict[str, Any]]:
    names = names or Names()
    record = record_for(ocid, names)
    if record is None:
        return None
    package = package_meta(_site() + record_api_path(ocid), record["releases"][-1]["date"], names)
    package["records"] = [record]
    return package


def record_package_of(record: dict[str, Any]) -> dict[str, Any]:
    """The record package of an already compiled record (as `record_package` gives it)."""
    package = package_meta(_site() + record_api_path(record["ocid"]), record["releases"][-1]["date"])
    package["records"] = [record]
    return package


# ---------------------------------------------------------------- release pages

def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"ocds:{int(seq)}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise BadCursor(cursor)
    head, _, number = raw.partition(":")
    if head != "ocds" or not number.isdigit() or len(number) > 18:
        raise BadCursor(cursor)
    return int(number)


@dataclass(frozen=True)
class ReleasePage:
    releases: list[dict[str, Any]]
    next_cursor: Optional[str]


def release_page(*, since: Optional[dt.datetime] = None, ocid: str = "", cursor: str = "",
                 limit: Optional[int] = None, names: Optional[Names] = None) -> ReleasePage:
    """Up to `limit` releases after `cursor` (dated `since` or later; of one process when `ocid`
    is given), oldest first, and the cursor of the next page (None on the last). Raises BadCursor."""
    after_seq = decode_cursor(cursor) if cursor else 0
    limit = limit or PAGE_SIZE
    events = AuditEvent.objects.filter(events_query()).filter(seq__gt=after_seq)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if ocid:
        q = _process_query(ocid)
        if q is None:
            return ReleasePage([], None)
        events = events.filter(q)
    names = names or Names()
    releases: list[dict[str, Any]] = []
    last_seq, scanned = after_seq, 0
    for event in events.order_by("seq").iterator(chunk_size=500):
        last_seq, scanned = event.seq, scanned + 1
        release = release_of(event, names)
        if release is not None and (not ocid or release["ocid"] == ocid):
            releases.append(release)
        if len(releases) >= limit or scanned >= SCAN_LIMIT:
            more = events.filter(seq__gt=last_seq).exists()
            return ReleasePage(releases, encode_cursor(last_seq) if more else None)
    return ReleasePage(releases, None)


def releases_url(*, since: str = "", ocid: str = "", cursor: str = "") -> str:
    query = {k: v for k, v in (("since", since), ("ocid", ocid), ("cursor", cursor)) if v}
    return _site() + RELEASES_PATH + ("?" + urlencode(query) if query else "")


def release_package(*, since: Optional[dt.datetime] = None, ocid: str = "", cursor: str = "",
                    limit: Optional[int] = None,
                    names: Optional[Names] = None) -> tuple[dict[str, Any], Optional[str]]:
    """One page of releases as a release package, and the cursor of the next page (or None)."""
    names = names or Names()
    page = release_page(since=since, ocid=ocid, cursor=cursor, limit=limit, names=names)
    since_text = iso(since) if since else ""
    published = max((r["date"] for r in page.releases), default=None)
    package = package_meta(releases_url(since=since_text or "", ocid=ocid, cursor=cursor), published, names)
    package["releases"] = page.releases
    return package, page.next_cursor


def ocids_of(releases: list[dict[str, Any]]) -> list[str]:
    """The processes the releases are about, in first-seen order."""
    return list(dict.fromkeys(r["ocid"] for r in releases))


def canonical_bytes(data: Any) -> bytes:
    """The JSON EdPool publishes (UTF-8, keys in the order built, no extra spaces)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


__all__ = ["record_for", "record_package", "release_package", "release_page", "releases_for",
           "compile_record", "BadCursor", "ocid_for"]
