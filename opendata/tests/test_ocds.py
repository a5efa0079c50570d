"""OCDS 1.1.5 open data: releases from the audit trail, records by ocdsmerge, the export, their
validation against the local schema with the lots, bid and techniques extensions (closed codelists
enforced, offline), the round trip, and what must never be published."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from audit.models import AuditEvent
from opendata import schemas, selectors
from opendata.ocid import ocid_for
from opendata.releases import release_of
from orders.services import order_create, order_submit
from sourcing.services.bids import bid_submit
from sourcing.services.solicitations import addendum_publish
from tests.helpers import bid_data

pytestmark = pytest.mark.django_db


def export(tmp_path: Path, name: str, *args: str) -> Path:
    folder = tmp_path / name
    call_command("export_ocds", "-o", str(folder), *args)
    return folder


def packages(folder: Path, kind: str) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted((folder / kind).glob("*.json"))}


def exported_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.json"))}


def place(cast, quantity: int):
    order = order_create(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, quantity)],
                         actor=cast.actor(cast.buyer_a))
    return order_submit(order=order, actor=cast.actor(cast.buyer_a))


# ---------------------------------------------------------------- the schema, offline

def test_merge_patch_follows_rfc_7386():
    # the RFC's own examples (Appendix A), a few of them
    assert schemas.merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert schemas.merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert schemas.merge_patch({"a": "b"}, {"a": None}) == {}
    assert schemas.merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert schemas.merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert schemas.merge_patch({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}) == {"a": {"b": "d"}}


def test_the_patched_schema_has_the_three_extensions_and_closed_codelists():
    schema = schemas.release_schema()
    tender = schema["definitions"]["Tender"]["properties"]
    assert "lots" in tender and "techniques" in tender  # lots, techniques
    assert "bids" in schema["properties"]  # bid
    closed = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("codelist") and node.get("openCodelist") is False:
                target = node.get("items", node) if "array" in (node.get("type") or []) else node
                closed.append((node["codelist"], "enum" in target))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert {"tenderStatus.csv", "bidStatus.csv", "frameworkAgreementMethod.csv", "currency.csv"} <= {c for c, _ in closed}
    assert all(has_enum for _, has_enum in closed), [c for c, e in closed if not e]


def test_a_code_outside_a_closed_codelist_is_refused():
    release = {"ocid": "ocds-edpool-sol-1", "id": "x", "date": "2026-01-01T00:00:00Z", "tag": ["tender"],
               "initiationType": "tender", "tender": {"id": "T", "status": "open-ish",
                                                       "techniques": {"frameworkAgreement": {"method": "whatever"}}},
               "bids": {"details": [{"id": "1", "status": "sealed"}]}}
    package = selectors.package_meta("https://example.org/p", "2026-01-01T00:00:00Z")
    package["releases"] = [release]
    errors = "\n".join(schemas.package_errors(package, "release"))
    assert "open-ish" in errors and "whatever" in errors and "sealed" in errors


# ---------------------------------------------------------------- a solicitation to a member's order

def test_a_solicitation_to_an_order_validates_round_trips_and_never_changes(tmp_path, cast, joined, clock):
    clock.advance(days=1)
    order = place(cast, 10)
    events_before = AuditEvent.objects.count()
    first = export(tmp_path, "first")
    assert AuditEvent.objects.count() == events_before  # exporting is a pure read

    release_packages, record_packages = packages(first, "releases"), packages(first, "records")
    for name, package in release_packages.items():
        assert schemas.package_errors(package, "release") == [], name
    for name, package in record_packages.items():
        assert schemas.package_errors(package, "record") == [], name

    sol = ocid_for("solicitation", joined.agreement.solicitation_id)
    order_ocid = ocid_for("order", order.pk)
    assert f"{sol}.json" in record_packages and f"{order_ocid}.json" in record_packages
    compiled = record_packages[f"{sol}.json"]["records"][0]["compiledRelease"]
    assert compiled["tender"]["techniques"]["hasFrameworkAgreement"] is True
    assert [lot["id"] for lot in compiled["tender"]["lots"]] == ["CB", "LIC"]
    assert {b["status"] for b in compiled["bids"]["details"]} == {"valid"}
    assert len(compiled["contracts"]) == 2 and {c["status"] for c in compiled["contracts"]} == {"active"}
    assert {a["status"] for a in compiled["awards"]} == {"active"}
    order_record = record_packages[f"{order_ocid}.json"]["records"][0]["compiledRelease"]
    assert order_record["relatedProcesses"][0]["relationship"] == ["framework"]
    assert order_record["relatedProcesses"][0]["identifier"] == sol
    assert order_record["contracts"][0]["value"] == {"amount": int(order.total), "currency": "USD"}
    buyer = next(p for p in order_record["parties"] if "buyer" in p["roles"])
    district = cast.district_a
    assert buyer["identifier"] == ({"scheme": "US-NCES", "id": district.nces_leaid, "legalName": district.name}
                                   if district.nces_leaid else
                                   {"scheme": "US-NCES-ST", "id": district.state_leaid, "legalName": district.name})
    joins = [n for n in record_packages if "-join-" in n]
    assert len(joins) == 2

    # Round trip: the records compiled again from the exported releases are the exported records.
    releases_by_ocid: dict[str, list] = {}
    for package in release_packages.values():
        for release in package["releases"]:
            releases_by_ocid.setdefault(release["ocid"], []).append(release)
    for name, package in record_packages.items():
        record = package["records"][0]
        assert selectors.compile_record(record["ocid"], releases_by_ocid[record["ocid"]]) == record, name
    # ... and exporting again writes the same bytes.
    assert exported_bytes(export(tmp_path, "again")) == exported_bytes(first)

    # Later state changes add releases; the releases already published stay exactly the same.
    clock.advance(days=1)
    place(cast, 5)
    later = packages(export(tmp_path, "later"), "releases")
    old = {r["id"]: r for p in release_packages.values() for r in p["releases"]}
    new = {r["id"]: r for p in later.values() for r in p["releases"]}
    assert set(old) < set(new)
    assert all(new[i] == r for i, r in old.items())


def test_since_exports_only_the_newer_releases_but_whole_records(tmp_path, cast, joined, clock):
    clock.advance(days=3)
    order = place(cast, 10)
    folder = export(tmp_path, "since", "--since", clock.today().isoformat())
    releases = [r for p in packages(folder, "releases").values() for r in p["releases"]]
    assert releases and {r["ocid"] for r in releases} == {ocid_for("order", order.pk)}
    with pytest.raises(Exception, match="give a date"):
        call_command("export_ocds", "-o", str(tmp_path / "bad"), "--since", "yesterday")


# ---------------------------------------------------------------- what is never published

def test_bids_stay_sealed_until_opening_and_details_wait_for_the_award_notice(cast, open_solicitation, clock):
    s = open_solicitation
    bid_submit(solicitation=s, data=bid_data(price1="287.13", price2="19.77"), actor=cast.actor(cast.vendor_user_a))
    addendum_publish(solicitation=s, summary="More licences", actor=cast.actor(cast.staff),
                     changes={"description": "Now with more"})
    record = selectors.record_for(ocid_for("solicitation", s.pk))
    text = json.dumps(record)
    assert "287.13" not in text and "19.77" not in text and '"bids"' not in text
    assert cast.vendor_a.legal_name not in text  # who bid is confidential until the deadline
    assert record["compiledRelease"]["tender"]["amendments"][0]["description"] == "More licences"
    assert record["releases"][0]["tender"]["description"] != "Now with more"  # as published
    assert record["compiledRelease"]["tender"]["description"] == "Now with more"

    clock.set(s.bids_open_at + dt.timedelta(minutes=1))
    from sourcing.services.opening import bids_open
    bids_open(solicitation=s, actor=cast.actor(cast.staff))
    compiled = selectors.record_for(ocid_for("solicitation", s.pk))["compiledRelease"]
    assert compiled["bids"] == {"statistics": [{"id": "bids", "measure": "bids", "value": 1,
                                                "date": compiled["bids"]["statistics"][0]["date"]}]}
    assert compiled["tender"]["numberOfTenderers"] == 1
    assert "287.13" not in json.dumps(compiled) and "details" not in compiled["bids"]


def test_no_person_email_note_or_reason_is_published(tmp_path, cast, joined, clock):
    from orders.services import order_cancel

    clock.advance(days=1)
    order = place(cast, 10)
    order_cancel(order=order, reason="Secret cancel reason 7731", actor=cast.actor(cast.buyer_a))
    blob = b"".join(exported_bytes(export(tmp_path, "all")).values()).decode()
    for user in User.objects.all():
        assert user.email not in blob
        assert not user.full_name or user.full_name not in blob  # "Eve Evaluator", "Val Vendor", ...
    assert "Secret cancel reason 7731" not in blob
    assert "warranty" not in blob.lower()  # the bids' notes (tests.helpers.bid_data)
    cast.agreement.refresh_from_db()
    for signatory in (cast.agreement.vendor_signed_by, cast.agreement.consortium_signed_by):
        assert not signatory or signatory not in blob


# ---------------------------------------------------------------- the API

def test_release_pages_follow_the_cursor_and_are_cacheable(client, cast, joined, clock, monkeypatch, settings):
    settings.OCDS_API_LIMIT = 1000
    monkeypatch.setattr(selectors, "PAGE_SIZE", 4)
    seen, url = [], "/api/v1/ocds/releases"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert response["Cache-Control"].startswith("public") and response["ETag"]
        package = response.json()
        assert schemas.package_errors(package, "release") == []
        seen += [r["id"] for r in package["releases"]]
        url = package.get("links", {}).get("next", "").replace(settings.SITE_URL.rstrip("/"), "")
    everything, _ = selectors.release_package(limit=1000)
    assert seen == [r["id"] for r in everything["releases"]] and len(seen) > 4
    first = client.get("/api/v1/ocds/releases")
    again = client.get("/api/v1/ocds/releases", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_api_refusals(client, cast, joined, settings):
    settings.OCDS_API_LIMIT = 1000
    assert client.get("/api/v1/ocds/releases?cursor=bm9wZQ").status_code == 422
    assert client.get("/api/v1/ocds/releases?cursor=%00").status_code == 422
    assert client.get("/api/v1/ocds/releases?since=tomorrow").status_code == 422
    assert client.get("/api/v1/ocds/releases?since=2026-02-30").status_code == 422
    for edge in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00%2B14:00", "0000-01-01", "2026-01-01T25:00:00"):
        assert client.get(f"/api/v1/ocds/releases?since={edge}").status_code == 422, edge
    assert client.get("/api/v1/ocds/releases?since=2026-01-01T00:00:00%2B02:00").status_code == 200
    assert client.get("/api/v1/ocds/releases?cursor=" + "A" * 61).status_code == 422
    for ocid in ("ocds-edpool-sol-999999", "nonsense", "ocds-edpool-sol-1x", "ocds-edpool-order-" + "9" * 30):
        assert client.get(f"/api/v1/ocds/records/{ocid}").status_code == 404, ocid
    sol = ocid_for("solicitation", cast.agreement.solicitation_id)
    response = client.get(f"/api/v1/ocds/records/{sol}")
    assert response.status_code == 200
    assert schemas.package_errors(response.json(), "record") == []
    assert response.json() == selectors.record_package(sol)


def test_the_api_is_rate_limited(client, cast, settings):
    settings.OCDS_API_LIMIT = 2
    codes = [client.get("/api/v1/ocds/releases", REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/api/v1/ocds/releases", REMOTE_ADDR="203.0.113.10").status_code == 200


def test_release_of_ignores_events_that_are_not_public_state_changes(cast, joined):
    drafted = AuditEvent.objects.filter(action="solicitation.drafted").first()
    assert drafted is not None and release_of(drafted) is None


def test_amendments_renewal_termination_and_a_participation(cast, joined, agreements):
    from contracts.models import ParticipationAgreement
    from contracts.services.agreements import (agreement_renew, agreement_terminate, amendment_decide,
                                               amendment_propose)

    staff = cast.actor(cast.staff)
    removal = amendment_propose(agreement=cast.agreement, kind="remove_products", summary="Licence withdrawn",
                                remove_products=[cast.licence.pk], actor=staff)
    amendment_decide(amendment=removal, approve=True, actor=staff)
    agreement_renew(agreement=cast.agreement, actor=staff)
    other = agreements[cast.vendor_b.pk]
    agreement_terminate(agreement=other, reason="Vendor breach 4471", actor=staff)
    participation = ParticipationAgreement.objects.get(district=cast.district_a, agreement=cast.agreement)

    sol = selectors.record_package(ocid_for("solicitation", cast.agreement.solicitation_id))
    assert schemas.package_errors(sol, "record") == []
    contracts = {c["id"]: c for c in sol["records"][0]["compiledRelease"]["contracts"]}
    renewed = contracts[cast.agreement.number]
    assert [a["id"] for a in renewed["amendments"]] == ["amendment-1", "renewal-1"]
    assert renewed["amendments"][0]["description"] == "Licence withdrawn"
    cast.agreement.refresh_from_db()
    assert renewed["period"]["endDate"].startswith(str(cast.agreement.end_date + dt.timedelta(days=1)))
    assert contracts[other.number]["status"] == "terminated"
    join = selectors.record_package(ocid_for("participation", participation.pk))
    assert schemas.package_errors(join, "record") == []
    compiled = join["records"][0]["compiledRelease"]
    assert compiled["contracts"][0]["status"] == "active" and compiled["awards"][0]["status"] == "active"
    assert compiled["tender"]["procurementMethod"] == "selective"  # after a mini-competition
    assert compiled["relatedProcesses"][0]["identifier"] == ocid_for("solicitation", cast.agreement.solicitation_id)
    text = json.dumps([sol, join])
    assert "4471" not in text  # the termination's reason
