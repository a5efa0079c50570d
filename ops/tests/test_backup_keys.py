"""Backups and the sealing key: an archive names the key ids its bids need (never a key), holds no
key file even when one sits in the media folder, and a restored EdPool says which key it lacks."""

from __future__ import annotations

import gzip
import json
import tarfile
from pathlib import Path

import pytest

from ops.backup import MANIFEST, backup_create, unreadable_sealing_keys
from sourcing import sealing
from sourcing.services.bids import bid_submit
from tests.helpers import bid_data

OLD, NEW = "old-backup-key-" + "o" * 40, "new-backup-key-" + "n" * 40


@pytest.mark.django_db(transaction=True)
def test_the_archive_names_the_key_ids_and_holds_no_key(cast, open_solicitation, settings, tmp_path):
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = OLD, []
    bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    for name in ("dev-bid-sealing-key", "dev-bid-sealing-keys-read"):  # a MEDIA_ROOT set to var/ by mistake
        (media / name).write_text(OLD)
    result = backup_create(output=tmp_path / "b.tar.gz")
    old_id = sealing.key_id(sealing._master_of(OLD)).hex()
    assert result.manifest["sealing_key_ids"] == [old_id]
    assert not any("sealing-key" in m["path"] for m in result.manifest["media"])
    raw = gzip.decompress(result.path.read_bytes())
    assert OLD.encode() not in raw
    with tarfile.open(result.path) as tar:
        assert json.load(tar.extractfile(MANIFEST))["sealing_key_ids"] == [old_id]
    assert unreadable_sealing_keys() == []
    # A server with another key: the restore's warning names the missing key id.
    settings.BID_SEALING_KEY = NEW
    assert unreadable_sealing_keys() == [old_id]
    settings.BID_SEALING_KEYS_READ = [OLD]
    assert unreadable_sealing_keys() == []
