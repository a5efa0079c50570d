"""The portal's pages, feeds, downloads and search, as an anonymous reader."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

from icalendar import Calendar

ATOM = "{http://www.w3.org/2005/Atom}"


def _csv(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_calendar_lists_open_and_evaluating_solicitations_with_their_dates(client, scene):
    page = client.get("/public/solicitations/").content.decode()
    assert "Learning platform" in page and "Award expected (estimate)" in page
    assert "Chromebooks 2027" not in page  # awarded: under award notices, not upcoming
    assert "Secret draft" not in page
    only_devices = client.get("/public/solicitations/?category=chromebooks").content.decode()
    assert "Learning platform" not in only_devices
    rows = _csv(client.get("/public/solicitations.csv"))
    assert rows[0][:3] == ["ocid", "number", "title"] and len(rows) == 2
    assert rows[1][0] == f"ocds-edpool-sol-{scene.open.pk}" and rows[1][2] == "Learning platform"


def test_award_expected_is_the_median_of_past_notices(scene):
    from sourcing.models import Award
    from sourcing.selectors import days_to_award_notice
    from sourcing.selectors.public import MIN_DAYS_TO_AWARD

    # The scene's one notice came right at the deadline: the floor of a week applies.
    assert days_to_award_notice() == MIN_DAYS_TO_AWARD
    award = Award.objects.get(pk=scene.award.pk)
    Award.objects.filter(pk=award.pk).update(
        notice_published_at=scene.awarded.bid_deadline + dt.timedelta(days=45, hours=3))
    assert days_to_award_notice() == 45


def test_atom_feed_per_category(client, scene, settings):
    settings.SITE_URL = "https://edpool.example.org"
    feed = ET.fromstring(client.get("/public/feeds/software/solicitations.atom").content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [f"{scene.open.number}: Learning platform"]
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"/public/solicitations/{scene.open.pk}/")
    assert "bids due" in entries[0].find(f"{ATOM}summary").text
    # RFC 4287: an entry id is an absolute IRI (a tag URI that never changes), the feed has an author
    assert entries[0].find(f"{ATOM}id").text == (
        f"tag:edpool.example.org,{scene.open.published_at:%Y-%m-%d}:ocds-edpool-sol-{scene.open.pk}")
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    empty = ET.fromstring(client.get("/public/feeds/chromebooks/solicitations.atom").content)
    assert empty.findall(f"{ATOM}entry") == []
    assert client.get("/public/feeds/no-such-thing/solicitations.atom").status_code == 404
    assert client.get("/public/feeds/no-such-thing/solicitations.ics").status_code == 404


def test_icalendar_feed_has_three_dated_events_with_stable_uids(client, scene):
    first = client.get("/public/feeds/software/solicitations.ics")
    assert first["Content-Type"].startswith("text/calendar")
    body = first.content
    assert b"\r\n" in body and all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded
    cal = Calendar.from_ical(body)
    events = cal.walk("VEVENT")
    uids = sorted(str(e["UID"]) for e in events)
    ocid = f"ocds-edpool-sol-{scene.open.pk}"
    assert uids == sorted(f"{ocid}-{k}@testserver" for k in ("questions-close", "bids-due", "award-expected"))
    due = next(e for e in events if "bids-due" in str(e["UID"]))
    assert due.decoded("DTSTART") == scene.open.bid_deadline.replace(microsecond=0)
    award = next(e for e in events if "award-expected" in str(e["UID"]))
    assert str(award["STATUS"]) == "TENTATIVE" and not hasattr(award.decoded("DTSTART"), "hour")
    again = Calendar.from_ical(client.get("/public/feeds/software/solicitations.ics").content)
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == uids
    one = Calendar.from_ical(client.get(f"/public/solicitations/{scene.open.pk}.ics").content)
    assert len(one.walk("VEVENT")) == 3


def test_award_notice_shows_awardees_and_the_protest_decision_not_its_grounds(client, scene):
    page = client.get(f"/public/awards/{scene.awarded.pk}/").content.decode()
    assert "Vendor A, Inc." in page and "Vendor B LLC" in page
    assert "Denied" in page and "The scores followed the published criteria." in page
    assert "Best value on both lines" in page
    assert f"/solicitations/{scene.awarded.pk}/tabulation/" in page
    assert f"/api/v1/ocds/records/ocds-edpool-sol-{scene.awarded.pk}" in page
    rows = _csv(client.get(f"/public/awards/{scene.awarded.pk}.csv"))
    assert [r[3] for r in rows[1:]] == ["awarded", "awarded", "protest"]
    assert rows[-1][6] == "Denied" and rows[-1][7] == "The scores followed the published criteria."


def test_agreement_page_shows_tiers_in_dollars_and_only_approved_amendments(client, cast, scene):
    from contracts.selectors.agreements import current_schedule
    from contracts.services.agreements import amendment_propose

    agreement = scene.agreements[cast.vendor_a.pk]
    product = current_schedule(agreement).entries.first().product
    amendment_propose(agreement=agreement, kind="price_change", summary="Secretly cheaper next year",
                      set_entries=[{"product": product.pk, "tiers": [{"min_quantity": 1, "unit_price": "1.00"}]}],
                      actor=cast.actor(cast.staff))
    page = client.get(f"/public/agreements/{agreement.pk}/").content.decode()
    assert "1,000+ at $290.00" in page and "$330.00" in page
    assert "Secretly cheaper" not in page and "No amendment so far." in page
    assert "0 used of 2 (12 months each)" in page
    rows = _csv(client.get(f"/public/agreements/{agreement.pk}.csv"))
    assert ["CB", "1000", "290.00"] == [rows[2][1], rows[2][5], rows[2][6]]


def test_pending_agreements_and_vendors_without_one_are_not_public(client, cast, scene):
    from vendors.services import vendor_create
    from tests.cast import SYSTEM

    lonely = vendor_create(name="Lonely", legal_name="Lonely Vendor Co", actor=SYSTEM)
    assert client.get(f"/public/vendors/{lonely.pk}/").status_code == 404
    assert "Lonely Vendor" not in client.get("/public/vendors/").content.decode()
    assert client.get(f"/public/vendors/{cast.vendor_a.pk}/").status_code == 200
    assert client.get("/public/agreements/99999999/").status_code == 404


def test_search_finds_each_kind_and_is_bounded(client, cast, scene):
    page = client.get("/public/search/?q=vendor+a").content.decode()
    assert "Vendor A, Inc." in page
    assert "Chromebook 11" in client.get("/public/search/?q=chromebook").content.decode()
    assert "Alpha Unified" in client.get("/public/search/?q=alpha").content.decode()
    assert "Learning platform" in client.get("/public/search/?q=LEARNING+platform").content.decode()
    assert "Secret draft" not in client.get("/public/search/?q=secret").content.decode()
    nul = client.get("/public/search/?q=a%00b")
    assert nul.status_code == 400 and "NUL" in nul.content.decode()
    assert client.get("/public/search.csv?q=a%00b").status_code == 400
    huge = client.get("/public/search/?q=" + "x" * 100_000 + "+" + "y " * 1000)
    assert huge.status_code == 200
    from portal.selectors import search_terms

    assert len(search_terms("a b c d e f g h")) == 5 and search_terms("x" * 500) == ["x" * 40]
    rows = _csv(client.get("/public/search.csv?q=vendor"))
    assert {r[0] for r in rows[1:]} >= {"vendor", "agreement", "product"}


def test_csv_cells_that_look_like_formulas_are_quoted():
    from portal.csvout import csv_text

    text = csv_text(["a", "b"], [["=HYPERLINK(1)", "-2"], ["@x", 3]])
    assert "'=HYPERLINK(1)" in text and "'-2" in text and "'@x" in text and ",3" in text


def test_every_portal_page_has_a_csv_link_and_a_next_step(client, cast, scene):
    agreement = scene.agreements[cast.vendor_a.pk]
    for url in ("/public/", "/public/solicitations/", f"/public/solicitations/{scene.open.pk}/",
                "/public/awards/", f"/public/awards/{scene.awarded.pk}/", "/public/agreements/",
                f"/public/agreements/{agreement.pk}/", "/public/vendors/", f"/public/vendors/{cast.vendor_a.pk}/",
                "/public/members/", "/public/savings/", "/public/search/?q=vendor"):
        page = client.get(url).content.decode()
        assert ">CSV</a>" in page, url
        assert "<h2>Next step</h2>" in page, url
    assert "/api/v1/ocds/records/" in client.get(f"/public/agreements/{agreement.pk}/").content.decode()


def test_absurd_addresses_and_filters_are_refused_or_ignored(client, scene):
    big = 2**63
    for url in (f"/public/solicitations/{big}/", f"/public/awards/{big}/", f"/public/agreements/{big}/",
                f"/public/vendors/{big}/", f"/public/solicitations/{big}.ics",
                "/public/feeds/" + "x" * 500 + "/solicitations.ics"):
        assert client.get(url).status_code == 404, url
    for url in ("/public/solicitations.csv?category=" + "x" * 5000, f"/public/awards/?page={big}",
                "/public/members/?page=abc", "/public/awards/?category=%E2%80%AE"):
        assert client.get(url).status_code == 200, url
    # A NUL byte anywhere in the query is refused before any view (core.middleware).
    assert client.get("/public/solicitations/?category=%00").status_code == 400
    from portal.selectors import category_or_none

    assert category_or_none("chrome\x00books") is None and category_or_none("x" * 61) is None


def test_search_states_a_product_s_price_range_in_dollars(client, scene):
    page = client.get("/public/search/?q=chromebook+11").content.decode()
    assert "Vendor A, Inc. Chromebook 11" in page
    assert "$300.00 each, down to $290.00 from 1,000 units" in page


def test_atom_entries_are_updated_when_the_bids_are_due(client, scene, clock):
    def updated():
        feed = ET.fromstring(client.get("/public/feeds/software/solicitations.atom").content)
        return dt.datetime.fromisoformat(feed.find(f"{ATOM}entry/{ATOM}updated").text)

    assert updated() == scene.open.published_at
    clock.set(scene.open.bid_deadline + dt.timedelta(minutes=1))
    assert updated() == scene.open.bid_deadline
