"""Seal the title and digest of every existing bid document (with the solicitation's key, like
its bytes) and move its file to a random name, before the clear columns are dropped (0008).

Old files are deleted only once this migration's transaction has committed."""

import json

from django.core.files.base import ContentFile
from django.db import migrations, transaction


def seal_existing(apps, schema_editor):
    from sourcing import sealing

    BidDocument = apps.get_model("sourcing", "BidDocument")
    moved = []
    for doc in BidDocument.objects.select_related("bid").order_by("pk").iterator():
        solicitation_id = doc.bid.solicitation_id
        meta = {"title": doc.title or "Document", "filename": "", "sha256": doc.sha256}
        doc.sealed_meta = sealing.seal(sealing.canonical_json(meta), solicitation_id=solicitation_id,
                                       context=sealing.document_meta_context(doc.bid_id))
        storage, old = doc.sealed_file.storage, doc.sealed_file.name
        if old and storage.exists(old):
            with storage.open(old, "rb") as handle:
                data = handle.read()
            doc.sealed_file.name = storage.save("bids/" + sealing.sealed_file_name(solicitation_id),
                                                ContentFile(data))
            moved.append((storage, old))
        doc.title, doc.sha256 = "", ""
        doc.save(update_fields=["sealed_meta", "sealed_file", "title", "sha256"])
    if moved:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in moved])


def unseal_existing(apps, schema_editor):
    from sourcing import sealing

    BidDocument = apps.get_model("sourcing", "BidDocument")
    for doc in BidDocument.objects.select_related("bid").exclude(sealed_meta=b"").iterator():
        meta = json.loads(sealing.unseal(doc.sealed_meta, solicitation_id=doc.bid.solicitation_id,
                                         context=sealing.document_meta_context(doc.bid_id)))
        doc.title, doc.sha256 = meta.get("title", "")[:200], meta.get("sha256", "")
        doc.save(update_fields=["title", "sha256"])


class Migration(migrations.Migration):

    dependencies = [
        ('sourcing', '0006_biddocument_sealed_meta'),
    ]

    operations = [
        migrations.RunPython(seal_existing, unseal_existing),
    ]
