"""Follow the solicitations: an Atom feed (Django's syndication framework) and an iCalendar feed
(the `icalendar` library, RFC 5545) of the open and upcoming solicitations, all of them or one
category's.

iCalendar through the library rather than by hand: RFC 5545 has line folding at 75 octets, text
escaping (commas, semicolons, backslashes, newlines), CRLF endings and UTC/date value types that
calendar clients are strict about; `icalendar` is the maintained implementation of them.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar, Event

from core.formatting import when
from orgs.selectors import consortium_profile
from portal import selectors

MAX_ITEMS = 200


def _title(category) -> str:
    return f"Open and upcoming solicitations{': ' + category.name if category else ''}"


def _summary(entry) -> str:
    return (f"{entry.state_label}. Questions close {when(entry.questions_close)}; bids due "
            f"{when(entry.bids_due)}; award expected around {entry.award_expected:%B} "
            f"{entry.award_expected.day}, {entry.award_expected.year} (an estimate).")


class SolicitationFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, category: str = ""):
        return selectors.category_or_none(category) if category else None

    def title(self, obj):
        return _title(obj)

    def author_name(self, obj):
        profile = consortium_profile()
        return profile.organisation.name if profile else "EdPool"

    def subtitle(self, obj):
        return ("Solicitations open for bids or awaiting their award notice, with their dates: "
                "questions close, bids due, award expected.")

    def link(self, obj):
        url = reverse("portal:solicitations")
        return url + (f"?category={obj.code}" if obj else "")

    def items(self, obj):
        rows, _ = selectors.calendar(category_code=obj.code if obj else "")
        return rows[:MAX_ITEMS]

    def item_title(self, entry):
        return f"{entry.solicitation.number}: {entry.solicitation.title}"

    def item_description(self, entry):
        return _summary(entry)

    def item_link(self, entry):
        return reverse("portal:solicitation", args=[entry.solicitation.pk])

    def item_guid(self, entry):
        """A tag URI (RFC 4151), as Atom wants an absolute IRI: the site's host (SITE_URL's, not
        the request's, so the id is the same whichever name the feed was fetched by), the day the
        solicitation was published and its ocid; it never changes."""
        s = entry.solicitation
        host = urlsplit(settings.SITE_URL).hostname or "edpool"
        return f"tag:{host},{s.published_at:%Y-%m-%d}:{selectors.ocds_link(s.pk)['ocid']}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.solicitation.published_at

    def item_updateddate(self, entry):
        """The last public change: published, bids due passed, bids opened, evaluation started or
        cancelled (whichever came last), so feed readers notice a solicitation moving on."""
        s = entry.solicitation
        now = timezone.now()
        moments = [s.published_at, s.bids_opened_at, s.evaluation_started_at, s.cancelled_at,
                   entry.bids_due if entry.bids_due and entry.bids_due <= now else None]
        return max(m for m in moments if m is not None)

    def item_categories(self, entry):
        return [entry.solicitation.category.name]


def _at(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0)


def calendar_ics(entries, *, name: str, host: str, stamp: dt.datetime, base_url: str) -> bytes:
    """One VCALENDAR with three events per solicitation: questions close and bids due (at their
    moment, in UTC) and the expected award (an all-day event, marked tentative). UIDs are stable
    (the ocid and the step), so a calendar that subscribes updates the events in place."""
    cal = Calendar()
    cal.add("prodid", "-//EdPool//Public portal//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for entry in entries:
        s = entry.solicitation
        ocid = selectors.ocds_link(s.pk)["ocid"]
        url = base_url + reverse("portal:solicitation", args=[s.pk])
        steps = [("questions-close", "Questions close", entry.questions_close, None),
                 ("bids-due", "Bids due", entry.bids_due, None),
                 ("award-expected", "Award expected (estimate)", None, entry.award_expected)]
        for key, label, moment, day in steps:
            event = Event()
            event.add("uid", f"{ocid}-{key}@{host}")
            event.add("dtstamp", _at(stamp))
            event.add("summary", f"{label}: {s.number} {s.title}")
            if moment is not None:
                event.add("dtstart", _at(moment))
                event.add("dtend", _at(moment) + dt.timedelta(minutes=30))
            else:
                event.add("dtstart", day)
                event.add("dtend", day + dt.timedelta(days=1))
                event.add("status", "TENTATIVE")
                event.add("transp", "TRANSPARENT")
            event.add("description", f"{_summary(entry)}\n{url}")
            event.add("url", url)
            event.add("categories", [s.category.name])
            cal.add_component(event)
    return cal.to_ical()


def ics_response(request, entries, *, name: str, filename: str) -> HttpResponse:
    host = request.get_host().split(":")[0] or "edpool"
    base_url = f"{request.scheme}://{request.get_host()}"
    body = calendar_ics(entries, name=name, host=host, stamp=timezone.now(), base_url=base_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
