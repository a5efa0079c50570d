"""The leak walk: every public URL an anonymous reader can reach from the portal's index (by
following links, pages and downloads alike) plus the feeds, over a scene with sealed bids, bid
notes and documents, a seated evaluator, a protest's grounds, signatories and vendor contacts.
None of those values may appear anywhere."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

LINK = re.compile(rb'href="([^"#][^"]*)"')
SKIP = ("/account/", "/admin/", "/api/", "/static/", "/vendors/verify/")
MAX_URLS = 400


def crawl(client, starts):
    seen, queue, bodies, statuses = set(), deque(starts), {}, {}
    while queue and len(seen) < MAX_URLS:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        statuses[url] = response.status_code
        body = b"".join(response.streaming_content) if response.streaming else response.content
        bodies[url] = body
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for raw in LINK.findall(body):
            href = urldefrag(raw.decode().replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP):
                continue
            if href not in seen:
                queue.append(href)
    return bodies, statuses


def test_no_public_url_leaks_anything(client, cast, scene, forbidden):
    starts = ["/public/", "/public/feeds/solicitations.atom", "/public/feeds/solicitations.ics",
              "/public/feeds/chromebooks/solicitations.atom", "/public/feeds/software/solicitations.ics",
              f"/public/solicitations/{scene.open.pk}.ics", "/public/search/?q=vendor",
              "/public/search.csv?q=chromebook", "/public/search/?q=learning"]
    bodies, statuses = crawl(client, starts)
    portal = [u for u in bodies if u.startswith("/public/")]
    # The walk reached the pages that matter (so the check below means something).
    for must in (f"/public/awards/{scene.awarded.pk}/", f"/public/solicitations/{scene.open.pk}/",
                 f"/public/agreements/{scene.agreements[cast.vendor_a.pk].pk}/",
                 f"/public/vendors/{cast.vendor_a.pk}/", f"/solicitations/{scene.awarded.pk}/tabulation/",
                 f"/public/awards/{scene.awarded.pk}.csv", "/public/members.csv", "/public/savings/"):
        assert must in bodies, f"the walk never reached {must}"
    assert len(portal) >= 25
    broken = {u: s for u, s in statuses.items() if u.startswith("/public/") and s != 200}
    assert not broken, broken
    leaks = [(u, value) for u, body in bodies.items() for value in forbidden
             if value.encode() in body or value.encode().lower() in body.lower()]
    assert not leaks, leaks


def test_the_draft_and_the_sealed_bid_stay_out_of_reach(client, scene):
    assert client.get(f"/public/solicitations/{scene.draft.pk}/").status_code == 404
    assert client.get(f"/public/awards/{scene.open.pk}/").status_code == 404  # no notice yet
    assert client.get(f"/solicitations/{scene.open.pk}/tabulation/").status_code == 403
    assert client.get(f"/solicitations/{scene.open.pk}/tabulation.csv").status_code == 403


def test_the_tabulation_after_the_notice_shows_prices_but_not_bid_documents(client, scene):
    from tests.helpers import login

    page = client.get(f"/solicitations/{scene.awarded.pk}/tabulation/").content.decode()
    assert "$300.00" in page and "Vendor B LLC" in page
    from portal.tests.conftest import PRIVATE_DOCUMENT
    assert PRIVATE_DOCUMENT not in page
    # Staff still see the documents there.
    from accounts.models import User
    login(client, User.objects.get(email="staff@example.org"))
    assert PRIVATE_DOCUMENT in client.get(f"/solicitations/{scene.awarded.pk}/tabulation/").content.decode()
