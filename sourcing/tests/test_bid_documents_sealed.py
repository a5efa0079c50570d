"""A bid document's title and the vendor's file name are sealed with its content: neither the
database nor the media folder shows them; the vendor, and readers after the deadline, do."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sourcing import sealing, selectors
from sourcing.models import BidDocument
from sourcing.services.bids import bid_submit
from tests.helpers import bid_data
from tests.cast import PASSWORD

PDF = b"%PDF-1.4 SECRET-TECHNICAL-PROPOSAL"


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return repr([tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                     for row in cursor.fetchall()])


def test_titles_and_file_names_are_sealed_at_rest(client, cast, open_solicitation, clock):
    upload = SimpleUploadedFile("price_4817.pdf", PDF, "application/pdf")
    bid, receipt = bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a),
                              documents=[("Pricing rationale Q4", upload)])
    sha = hashlib.sha256(PDF).hexdigest()
    stored = raw_rows("sourcing_biddocument")
    for secret in ("price_4817", "Pricing rationale", sha, sha[:12]):
        assert secret not in stored
    document = BidDocument.objects.get()
    assert "price_4817" not in document.sealed_file.name and sha[:12] not in document.sealed_file.name
    assert f"-{bid.pk}-" not in document.sealed_file.name
    assert b"price_4817" not in document.sealed_file.read()
    # The vendor's receipt and its own pages show them.
    assert receipt.canonical_bid["documents"] == [{"title": "Pricing rationale Q4", "sha256": sha, "size": len(PDF)}]
    [info] = selectors.current_bid_documents(bid)
    assert (info.title, info.filename, info.sha256) == ("Pricing rationale Q4", "price_4817.pdf", sha)
    assert client.login(email=cast.vendor_user_a.email, password=PASSWORD)
    assert "Pricing rationale Q4" in client.get(f"/solicitations/{open_solicitation.pk}/bid/").content.decode()
    # After the deadline, staff see the title beside the bid.
    clock.set(open_solicitation.bids_open_at)
    client.logout()
    assert client.login(email=cast.staff.email, password=PASSWORD)
    page = client.get(f"/solicitations/{open_solicitation.pk}/tabulation/").content.decode()
    assert "Pricing rationale Q4" in page


def test_a_document_without_a_title_is_named_by_its_sealed_file_name(cast, open_solicitation):
    upload = SimpleUploadedFile("price_4817.pdf", PDF, "application/pdf")
    bid, _ = bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a),
                        documents=[("", upload)])
    assert "price_4817" not in raw_rows("sourcing_biddocument")
    assert selectors.current_bid_documents(bid)[0].title == "price_4817.pdf"


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_seals_existing_titles_and_renames_files(cast, category, clock):
    from sourcing.services.solicitations import solicitation_create, solicitation_publish
    from tests.helpers import content
    import datetime as dt

    staff = cast.actor(cast.staff)
    now = clock.now()
    s = solicitation_publish(solicitation=solicitation_create(
        content=content(category), questions_deadline=now + dt.timedelta(days=1),
        bid_deadline=now + dt.timedelta(days=5), actor=staff), actor=staff)
    bid, _ = bid_submit(solicitation=s, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    sha = hashlib.sha256(PDF).hexdigest()
    old_name = default_storage.save(f"bids/{s.pk}/{bid.pk}-1-{sha[:12]}.sealed",
                                     ContentFile(sealing.seal(PDF, solicitation_id=s.pk, context=f"bid-doc:{bid.pk}")))
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("sourcing")
    executor.migrate([("sourcing", "0006_biddocument_sealed_meta")])
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(
            [("sourcing", "0006_biddocument_sealed_meta")]).apps
        OldDocument = old_apps.get_model("sourcing", "BidDocument")
        OldDocument.objects.create(bid_id=bid.pk, revision=1, title="price_4817 rationale", sealed_file=old_name,
                                   size=len(PDF), sha256=sha, uploaded_at=now)
        assert "price_4817" in raw_rows("sourcing_biddocument")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert "price_4817" not in raw_rows("sourcing_biddocument") and sha not in raw_rows("sourcing_biddocument")
    document = BidDocument.objects.get()
    assert document.sealed_file.name != old_name and sha[:12] not in document.sealed_file.name
    assert not default_storage.exists(old_name)
    assert sealing.unseal(document.sealed_file.read(), solicitation_id=s.pk, context=f"bid-doc:{bid.pk}") == PDF
    [info] = selectors.current_bid_documents(bid)
    assert (info.title, info.sha256) == ("price_4817 rationale", sha)
    assert json.loads(sealing.unseal(document.sealed_meta, solicitation_id=s.pk,
                                     context=sealing.document_meta_context(bid.pk)))["title"] == "price_4817 rationale"
