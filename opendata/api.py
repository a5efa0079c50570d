"""The public OCDS API (no sign-in): release packages paged by an opaque cursor, and the record
of one contracting process. Responses carry an ETag (a digest of the body) and Cache-Control;
a request with the same If-None-Match gets 304 without a body. Rate limited per client address
(opendata.ratelimit)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Field, Router, Schema, Status

from accounts.access import api_public
from accounts.ratelimit import client_ip
from core.api_types import ApiError, text
from opendata import selectors
from opendata.ratelimit import LIMITED_MESSAGE, ocds_request_allowed

router = Router(tags=["opendata"])
CACHE_CONTROL = "public, max-age=300"


class OcdsPublisher(Schema):
    name: str
    uri: Optional[str] = None


class PackageMeta(Schema):
    uri: str = Field(description="Where this package is served.")
    version: str = Field(description='The OCDS version: "1.1".')
    extensions: list[str] = Field(description="URLs of the extensions used (lots, bid, techniques).")
    publishedDate: str = Field(description="The date of the newest release in the package.")
    publisher: OcdsPublisher
    license: str
    publicationPolicy: str


class ReleasePackageOut(PackageMeta):
    """An OCDS 1.1 release package (https://standard.open-contracting.org/1.1/en/schema/release_package/)."""
    releases: list[dict[str, Any]] = Field(description="OCDS releases, oldest first.")
    links: Optional[dict[str, str]] = Field(
        None, description='`next`: the URL of the next page (absent on the last page).')


class RecordPackageOut(PackageMeta):
    """An OCDS 1.1 record package with one record: every release and the compiled release."""
    records: list[dict[str, Any]]


def _cached_json(request, data: dict[str, Any]) -> HttpResponse:
    body = selectors.canonical_bytes(data)
    etag = selectors.etag_of(body)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _since(value: str) -> dt.datetime:
    """A date (YYYY-MM-DD, from its start in the consortium's time zone) or an ISO date-time."""
    moment = parse_datetime(value) if "T" in value else None
    if moment is None:
        day = parse_date(value) if len(value) == 10 else None
        if day is None:
            raise ValueError(value)
        moment = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    try:  # a moment that is not one in UTC (year 1 at +14:00, year 9999 at -12:00) is refused
        moment = moment.astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        raise ValueError(value)
    if not (1900 <= moment.year <= 9998):
        raise ValueError(value)
    return moment


def _refused(field: str, message: str):
    return Status(422, {"detail": f"{field}: {message}", "errors": {field: [message]}})


@router.get("/ocds/releases", response={200: ReleasePackageOut, 304: None, 422: ApiError, 429: ApiError},
            auth=None)
@api_public
def ocds_releases(request, since: text(40) = "", cursor: text(60) = ""):
    """OCDS releases, oldest first, 100 a page, as a release package: one release per public state
    change of a solicitation, a participation or an order. `since`: only releases dated then or
    later (a date YYYY-MM-DD or an ISO date-time). `cursor`: the page after the one whose
    `links.next` gave it. No sign-in; cacheable (ETag, If-None-Match)."""
    if not ocds_request_allowed(ip=client_ip(request)):
        return Status(429, {"detail": LIMITED_MESSAGE})
    try:
        moment = _since(since) if since else None
    except ValueError:
        return _refused("since", "Give a date (YYYY-MM-DD) or an ISO date-time between the years 1900 and 9998.")
    try:
        package, next_cursor = selectors.release_package(since=moment, cursor=cursor)
    except selectors.BadCursor:
        return _refused("cursor", "Not a cursor this server gave: start again without one.")
    if next_cursor:
        package["links"] = {"next": selectors.releases_url(since=since, cursor=next_cursor)}
    return _cached_json(request, package)


@router.get("/ocds/records/{ocid}", response={200: RecordPackageOut, 304: None, 404: ApiError,
                                               429: ApiError}, auth=None)
@api_public
def ocds_record(request, ocid: text(80)):
    """The record of one contracting process as a record package: its releases and the compiled
    release (by ocdsmerge). 404 for an unknown or malformed ocid, or a process with nothing
    public yet."""
    if not ocds_request_allowed(ip=client_ip(request)):
        return Status(429, {"detail": LIMITED_MESSAGE})
    package = selectors.record_package(ocid)
    if package is None:
        return Status(404, {"detail": "No public contracting process has this ocid."})
    return _cached_json(request, package)
