"""Releases are immutable: a vendor, a district, a product or the consortium renamed after a release
leaves that release byte for byte as published; the releases of later events carry the new names.
Names come from the audit trail's updates in one or two queries per export, not per party."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.services import product_data_from, product_update
from members.services import DistrictRecord, district_upsert
from opendata import schemas, selectors
from opendata.names import Names
from opendata.ocid import ocid_for
from opendata.tests.test_ocds import place
from orgs.services import consortium_setup
from tests.cast import SYSTEM
from vendors.services import vendor_update

pytestmark = pytest.mark.django_db


def all_releases(names=None) -> dict[str, bytes]:
    package, cursor = selectors.release_package(limit=10_000, names=names)
    assert cursor is None
    return {r["id"]: selectors.canonical_bytes(r) for r in package["releases"]}


def rename_everything(cast, suffix: str) -> None:
    vendor = cast.vendor_a
    vendor.refresh_from_db()
    vendor_update(vendor=vendor, name=f"Vendor A {suffix}", legal_name=f"Vendor A {suffix}, Inc.",
                  website=f"https://vendor-a-{suffix.lower()}.example", actor=SYSTEM)
    district = cast.district_a
    district.refresh_from_db()
    district_upsert(record=DistrictRecord(name=f"Alpha {suffix} Unified", state=district.state,
                                          nces_leaid=district.nces_leaid, state_leaid=district.state_leaid,
                                          city=f"{suffix}ville", zip_code="99999"), actor=SYSTEM)
    device = cast.device
    device.refresh_from_db()
    product_update(product=device, data=product_data_from(device, name=f"Chromebook {suffix}"),
                   actor=cast.actor(cast.vendor_user_a))
    consortium_setup(name=f"Consortium {suffix}", home_state="CA", short_name="TC",
                     website=f"https://consortium-{suffix.lower()}.example", actor=SYSTEM)


def compiled(ocid: str) -> dict:
    return selectors.record_for(ocid)["compiledRelease"]


def test_renames_leave_published_releases_byte_identical(tmp_path, cast, joined, clock):
    clock.advance(days=1)
    first_order = place(cast, 10)
    published = all_releases()
    sol = ocid_for("solicitation", cast.agreement.solicitation_id)
    old_names = json.dumps(compiled(ocid_for("order", first_order.pk)))
    assert "Vendor A, Inc." in old_names and "Alpha Unified" in old_names
    assert "Test Consortium" in json.dumps(compiled(sol))

    clock.advance(days=1)
    rename_everything(cast, "Renamed")
    assert all_releases() == published  # no new release, every release as published
    # A price change is an amendment (a release of its own); the orders priced before keep their price.
    from contracts.services.agreements import amendment_decide, amendment_propose
    staff = cast.actor(cast.staff)
    amendment_decide(amendment=amendment_propose(
        agreement=cast.agreement, kind="price_change", summary="Lower device price", actor=staff,
        set_entries=[{"product": cast.device.pk, "tiers": [{"min_quantity": 1, "unit_price": "250.00"}]}]),
        approve=True, actor=staff)

    clock.advance(days=1)
    second_order = place(cast, 5)
    clock.advance(days=1)
    rename_everything(cast, "Again")
    clock.advance(days=1)
    third_order = place(cast, 3)
    now = all_releases()
    assert {i: now[i] for i in published} == published

    # The orders after a rename name the vendor, district and product as they were then.
    second = json.loads(b"[" + b",".join(v for k, v in now.items() if k.startswith(ocid_for("order", second_order.pk) + "-")) + b"]")
    text = json.dumps(second)
    assert "Vendor A Renamed, Inc." in text and "Alpha Renamed Unified" in text and "Chromebook Renamed" in text
    assert "Renamedville" in text and "https://vendor-a-renamed.example" in text
    assert '"value":{"amount":250,' in now[next(k for k in now if k.startswith(ocid_for("order", second_order.pk)))].decode()
    amendments = [json.loads(v) for v in now.values() if b'"contractAmendment"' in v]
    assert [a["contracts"][0]["amendments"][0]["description"] for a in amendments] == ["Lower device price"]
    assert "Again" not in text and "Vendor A, Inc." not in text and "Alpha Unified" not in text
    third = json.dumps(compiled(ocid_for("order", third_order.pk)))
    assert "Vendor A Again, Inc." in third and "Alpha Again Unified" in third and "Chromebook Again" in third
    assert "Renamed" not in third
    first = json.dumps(compiled(ocid_for("order", first_order.pk)))
    assert "Vendor A, Inc." in first and "Renamed" not in first and "Again" not in first
    # The solicitation's process: the consortium as it was named when each release was made (the
    # amendment's release after the first rename; the compiled release takes the newest name).
    assert amendments[0]["buyer"]["name"] == "Consortium Renamed"
    assert compiled(sol)["buyer"]["name"] == "Consortium Renamed"
    assert all(b"Test Consortium" in now[i] for i in published if i.startswith(sol + "-"))

    # Everything still validates and the records round-trip from the exported releases.
    call_command("export_ocds", "-o", str(tmp_path), "--validate")
    by_ocid: dict[str, list] = {}
    for path in sorted((tmp_path / "releases").glob("*.json")):
        for release in json.loads(path.read_text())["releases"]:
            by_ocid.setdefault(release["ocid"], []).append(release)
    for path in sorted(Path(tmp_path / "records").glob("*.json")):
        package = json.loads(path.read_text())
        assert schemas.package_errors(package, "record") == []
        record = package["records"][0]
        assert selectors.compile_record(record["ocid"], by_ocid[record["ocid"]]) == record, path.name


def test_names_cost_one_or_two_queries_per_export_whatever_the_renames(cast, joined, clock):
    clock.advance(days=1)
    place(cast, 10)
    names = Names()
    with CaptureQueriesContext(connection) as before_renames:
        all_releases(names)
    assert names.queries == 1
    for suffix in ("One", "Two", "Three"):
        rename_everything(cast, suffix)
    names = Names()
    with CaptureQueriesContext(connection) as after_renames:
        published = all_releases(names)
    assert names.queries == 1
    assert len(after_renames) == len(before_renames)  # renames add no query per party or release
    # One history for the pages and the records of an export: asked about older events later
    # (a record after a page that started later), it reads the missing span once more.
    names = Names()
    selectors.release_package(cursor=selectors.encode_cursor(int(next(iter(published)).rsplit("-", 1)[1]) + 5),
                              names=names)
    for ocid in {i.rsplit("-", 1)[0] for i in published}:
        selectors.record_for(ocid, names)
    assert names.queries == 2


def test_a_value_as_of_an_event_is_the_before_of_the_next_change(cast):
    from audit.models import AuditEvent

    vendor = cast.vendor_a
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    vendor_update(vendor=vendor, name="V2", legal_name="V2, Inc.", actor=SYSTEM)
    middle = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    # a change that does not record the legal name (the service area alone) is skipped
    from vendors.services import vendor_service_area_set
    vendor_service_area_set(vendor=vendor, states=["CA"], actor=SYSTEM)
    vendor_update(vendor=vendor, name="V3", legal_name="V3, Inc.", actor=SYSTEM)
    vendor.refresh_from_db()
    names = Names()
    assert names.vendor(middle, vendor, "legal_name") == "V2, Inc."
    assert names.vendor(start, vendor, "legal_name") == "Vendor A, Inc."
    assert names.organisation_name(start, vendor.organisation) == "Vendor A"
    assert names.queries == 2  # `start` is older than `middle`: the span between read once more
    assert names.vendor(10**12, vendor, "legal_name") == "V3, Inc."  # after every change: now
    assert names.vendor(start, vendor, "legal_name") == "Vendor A, Inc." and names.queries == 2


def test_updates_that_change_no_published_name_are_not_read(cast):
    from audit.models import AuditEvent
    from audit.selectors import audit_changes_after
    from opendata.names import CHANGE_ACTIONS, FIELDS

    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    vendor = cast.vendor_a
    vendor_update(vendor=vendor, name="Vendor A", legal_name="Vendor A, Inc.", contact_name="Someone New",
                  actor=SYSTEM)  # the contact is never published
    quiet = AuditEvent.objects.order_by("-seq").first()
    vendor_update(vendor=vendor, name="Vendor A", legal_name="Vendor A Holdings, Inc.", actor=SYSTEM)
    renamed = AuditEvent.objects.order_by("-seq").first()
    assert quiet.action == renamed.action == "vendor.updated"
    read = [row[0] for row in audit_changes_after(actions=CHANGE_ACTIONS, after_seq=start, fields=FIELDS)]
    assert quiet.seq not in read and renamed.seq in read
    assert quiet.seq in [row[0] for row in audit_changes_after(actions=CHANGE_ACTIONS, after_seq=start)]
    assert Names().vendor(start, vendor, "legal_name") == "Vendor A, Inc."
