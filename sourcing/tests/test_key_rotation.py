"""Rotating the bid-sealing key (`edpool keys`, sourcing.services.keys): every sealed bid and
document moves to the new key, all or nothing; they still open after their deadline; the audit
event holds counts and key ids, never a key."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.acting import Actor
from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import audit_chain_verify
from sourcing import sealing, selectors
from sourcing.models import Bid, BidDocument
from sourcing.selectors.keys import sealing_key_status
from sourcing.services.bids import bid_submit
from sourcing.services.keys import QUIET_MINUTES, sealing_key_rotate
from tests.helpers import bid_data

OLD, NEW = "old-sealing-key-" + "o" * 40, "new-sealing-key-" + "n" * 40
PDF = b"%PDF-1.4 TECHNICAL PROPOSAL"
ACTOR = Actor.system("test")


def key_id(material: str) -> str:
    return sealing.key_id(sealing._master_of(material)).hex()


@pytest.fixture
def two_bids(cast, open_solicitation, settings):
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = OLD, []
    a, _ = bid_submit(solicitation=open_solicitation, data=bid_data(price1="289.00"),
                      actor=cast.actor(cast.vendor_user_a),
                      documents=[("Proposal", SimpleUploadedFile("proposal.pdf", PDF, "application/pdf"))])
    b, _ = bid_submit(solicitation=open_solicitation, data=bid_data(price1="299.00"),
                      actor=cast.actor(cast.vendor_user_b))
    return a, b


def stored_state() -> tuple:
    docs = [(d.pk, bytes(d.sealed_meta), d.sealed_file.name) for d in BidDocument.objects.order_by("pk")]
    return [(b.pk, bytes(b.sealed)) for b in Bid.objects.order_by("pk")], docs


def media_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}


def test_rotate_then_the_bids_open_after_their_deadline_under_the_new_key_alone(
        cast, open_solicitation, two_bids, clock, settings, django_capture_on_commit_callbacks):
    a, _ = two_bids
    old_file = BidDocument.objects.get().sealed_file.name
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = NEW, [OLD]
    assert sealing_key_status().not_current() == 3  # two bids, one document

    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once committed
        result = sealing_key_rotate(actor=ACTOR)
    assert (result.bids, result.documents, result.solicitations) == (2, 1, 1)
    assert result.key_id == key_id(NEW) and result.from_keys == {key_id(OLD): 3}
    status = sealing_key_status()
    assert status.not_current() == 0 and status.retirable() == [key_id(OLD)]
    doc = BidDocument.objects.get()
    assert doc.sealed_file.name != old_file and old_file not in media_files(settings)
    assert sealing.blob_key_id(doc.sealed_file.read()) == key_id(NEW)

    event = AuditEvent.objects.get(action=AuditAction.SEALING_KEY_ROTATED)
    assert event.after["bids"] == 2 and event.after["documents"] == 1
    recorded = json.dumps([event.before, event.after, event.object_repr])
    assert OLD not in recorded and NEW not in recorded and "o" * 20 not in recorded
    assert audit_chain_verify().ok

    settings.BID_SEALING_KEYS_READ = []  # the old key retired: the new one alone opens them
    clock.set(open_solicitation.bids_open_at)
    opened = selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.staff))
    assert sorted(o.content["lines"][0]["tiers"][0]["unit_price"] for o in opened) == ["289.00", "299.00"]
    [info] = next(o for o in opened if o.bid_id == a.pk).documents
    assert (info.title, info.filename) == ("Proposal", "proposal.pdf")
    _, content = selectors.bid_document_content(solicitation=open_solicitation, bid_id=a.pk,
                                                document_id=doc.pk, actor=cast.actor(cast.staff))
    assert content == PDF


def test_a_failure_midway_changes_nothing(cast, open_solicitation, two_bids, settings, monkeypatch):
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = NEW, [OLD]
    before, files, events = stored_state(), media_files(settings), AuditEvent.objects.count()
    real, calls = sealing.rewrap, []

    def failing(blob, **kw):
        calls.append(1)
        if len(calls) == 4:  # both bids and the document's title re-wrapped, its bytes not yet
            raise OSError("disk full")
        return real(blob, **kw)

    monkeypatch.setattr(sealing, "rewrap", failing)
    with pytest.raises(OSError):
        sealing_key_rotate(actor=ACTOR)
    assert stored_state() == before and media_files(settings) == files
    assert AuditEvent.objects.count() == events
    # Still readable with the old key alone: nothing moved.
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = OLD, []
    assert selectors.own_bid(solicitation=open_solicitation, vendor=cast.vendor_a)[1]["lines"]


def test_a_failure_while_writing_the_new_file_leaves_no_file_behind(two_bids, settings, monkeypatch):
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = NEW, [OLD]
    before, files = stored_state(), media_files(settings)
    monkeypatch.setattr(BidDocument, "save", lambda self, **kw: (_ for _ in ()).throw(RuntimeError("crash")))
    with pytest.raises(RuntimeError):
        sealing_key_rotate(actor=ACTOR)
    assert stored_state() == before and media_files(settings) == files


def test_rotating_twice_with_new_development_keys_then_retiring(
        cast, open_solicitation, two_bids, clock, settings, tmp_path):
    settings.DEBUG = True
    settings.BID_SEALING_KEY_FILE = key_file = tmp_path / "dev-bid-sealing-key"
    settings.BID_SEALING_KEYS_READ_FILE = read_file = tmp_path / "dev-bid-sealing-keys-read"
    key_file.write_text(OLD)
    call_command("keys", "rotate", "--new-key", stdout=(out := __import__("io").StringIO()))
    first = key_file.read_text()
    assert first != OLD and read_file.read_text().split() == [OLD] and "Re-wrapped 2 bid(s) and 1" in out.getvalue()
    call_command("keys", "rotate", "--new-key", stdout=out)
    second = key_file.read_text()
    assert read_file.read_text().split() == [first, OLD]
    assert sealing_key_status().bids == {key_id(second): 2}
    assert oct(read_file.stat().st_mode & 0o777) == oct(0o600)
    # A rotation with nothing to move changes nothing and records nothing.
    events = AuditEvent.objects.count()
    call_command("keys", "rotate", stdout=out)
    assert "Nothing to re-wrap" in out.getvalue() and AuditEvent.objects.count() == events
    call_command("keys", "retire", stdout=out)
    assert read_file.read_text() == "" and settings.BID_SEALING_KEYS_READ == []
    assert AuditEvent.objects.get(action=AuditAction.SEALING_KEY_RETIRED).after["retired_key_ids"] == [
        key_id(first), key_id(OLD)]
    with pytest.raises(CommandError, match="no previous sealing key"):
        call_command("keys", "retire")
    clock.set(open_solicitation.bids_open_at)
    assert len(selectors.opened_bids(solicitation=open_solicitation, actor=cast.actor(cast.staff))) == 2


def test_retire_refuses_while_a_bid_is_under_the_old_key(two_bids, settings):
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = NEW, [OLD]
    with pytest.raises(CommandError, match="run `edpool keys rotate` first"):
        call_command("keys", "retire")
    assert not AuditEvent.objects.filter(action=AuditAction.SEALING_KEY_RETIRED).exists()


def test_refused_near_a_deadline_and_in_production_without_a_key(open_solicitation, two_bids, clock, settings):
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = NEW, [OLD]
    before = stored_state()
    for moment in (open_solicitation.bid_deadline - dt.timedelta(minutes=QUIET_MINUTES - 1),
                   open_solicitation.bid_deadline + dt.timedelta(seconds=1)):  # bids still arriving
        clock.set(moment)
        with pytest.raises(ValidationError, match=f"bid deadline of {open_solicitation.number}"):
            sealing_key_rotate(actor=ACTOR)
    assert stored_state() == before
    clock.set(open_solicitation.bids_open_at)  # open: a rotation may run again
    settings.DEBUG, settings.BID_SEALING_KEY = False, ""
    with pytest.raises(ValidationError, match="BID_SEALING_KEY is not set"):
        sealing_key_rotate(actor=ACTOR)
    settings.BID_SEALING_KEY = NEW
    assert sealing_key_rotate(actor=ACTOR).bids == 2


def test_version_1_blobs_sealed_before_rotation_existed_are_read_and_rewrapped(
        cast, open_solicitation, two_bids, settings):
    a, _ = two_bids
    # Re-seal A's bid as the code before rotation did: 0x01 + nonce + ciphertext, no key id.
    content = sealing.unseal(a.sealed, solicitation_id=a.solicitation_id, context=f"bid:{a.pk}")
    nonce = os.urandom(12)
    box = sealing.AESGCM(sealing._solicitation_key_of(sealing._master_of(OLD), a.solicitation_id))
    Bid.objects.filter(pk=a.pk).update(sealed=sealing.VERSION + nonce + box.encrypt(nonce, content, f"bid:{a.pk}".encode()))
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = NEW, [OLD]
    assert sealing_key_status().bids[""] == 1 and sealing_key_status().retirable() == []
    assert selectors.own_bid(solicitation=open_solicitation, vendor=cast.vendor_a)[1]["lines"]
    result = sealing_key_rotate(actor=ACTOR)
    assert result.from_keys == {"": 1, key_id(OLD): 2}
    settings.BID_SEALING_KEYS_READ = []
    assert selectors.own_bid(solicitation=open_solicitation, vendor=cast.vendor_a)[1]["lines"]


def test_a_bid_under_an_unknown_key_stops_the_rotation_and_names_the_key(two_bids, settings):
    settings.BID_SEALING_KEY, settings.BID_SEALING_KEYS_READ = NEW, []  # the old key was lost
    before = stored_state()
    with pytest.raises(sealing.SealingKeyError, match=key_id(OLD)):
        sealing_key_rotate(actor=ACTOR)
    assert stored_state() == before
