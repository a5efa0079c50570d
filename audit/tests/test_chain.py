from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.acting import Actor
from audit.actions import AuditAction
from audit.models import AuditEvent, AuditHead
from audit.services import audit_chain_verify, audit_record

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def _events(n: int) -> list[AuditEvent]:
    return [audit_record(actor=ACTOR, action=AuditAction.ORGANISATION_UPDATED, object_type="tests.thing",
                         object_id=str(i), before={"n": i}, after={"n": i + 1, "price": "1.10"})
            for i in range(n)]


def test_events_are_chained_and_verify():
    events = _events(5)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    report = audit_chain_verify()
    assert report.ok and report.checked == 5


def test_event_records_who_acted_for_which_organisation(cast):
    actor = cast.actor(cast.buyer_a)
    event = audit_record(actor=actor, action=AuditAction.MEMBERSHIP_APPLIED, obj=cast.membership_a, before={"a": 1},
                         after={"a": 2})
    assert event.actor_email == "buyer-a@example.org"
    assert event.actor_organisation_name == "Alpha Unified"
    assert event.actor_role == "district_buyer"
    assert event.object_type == "members.membership"
    assert event.object_id == str(cast.membership_a.pk)


def test_model_refuses_update_and_delete():
    event = _events(1)[0]
    event.action = "other"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_hand_edit_is_detected_and_named():
    events = _events(4)
    with connection.cursor() as cursor:  # an edit "by hand", behind the application's back
        cursor.execute("UPDATE audit_auditevent SET after = %s WHERE seq = 3", ['{"n": 99}'])
    report = audit_chain_verify()
    assert not report.ok
    assert report.problem.seq == 3 and report.problem.event_id == events[2].pk
    assert "#3" in report.problem.reason and "altered" in report.problem.reason
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


def test_edit_of_actor_or_time_is_detected():
    _events(2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_email = 'someone@else' WHERE seq = 1")
    assert audit_chain_verify().problem.seq == 1


def test_removed_event_in_the_middle_is_detected():
    _events(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 2")
    report = audit_chain_verify()
    assert not report.ok and report.problem.seq == 2 and "missing" in report.problem.reason


def test_removed_newest_event_is_detected():
    _events(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 3")
    report = audit_chain_verify()
    assert not report.ok and "removed" in report.problem.reason


def test_rewritten_chain_with_recomputed_hashes_is_detected_by_the_next_link():
    from audit.services import event_hash

    _events(3)
    event = AuditEvent.objects.get(seq=2)
    event.after = {"n": 1000}
    new_hash = event_hash(event)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET after = %s, hash = %s WHERE seq = 2",
                       ['{"n": 1000}', new_hash])
    report = audit_chain_verify()
    assert not report.ok and report.problem.seq == 3 and "link" in report.problem.reason


def test_verify_command_ok(capsys):
    _events(2)
    call_command("audit", "verify")
    assert "OK: 2 events" in capsys.readouterr().out


def test_head_tracks_the_end_of_the_chain():
    events = _events(2)
    head = AuditHead.objects.get(pk=1)
    assert head.last_seq == 2 and head.last_hash == events[-1].hash


# --- Truncating the tail and the head row (the review's attack) --------------------------------


def _truncate_tail_and_head(from_seq: int) -> None:
    with connection.cursor() as cursor:  # by hand, behind the application's back
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [from_seq])
        cursor.execute("DELETE FROM audit_audithead")


def test_truncated_tail_and_head_then_a_write_is_detected_in_the_chain(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints"
    _events(5)
    _truncate_tail_and_head(4)
    _events(1)  # any ordinary write afterwards
    report = audit_chain_verify()
    assert not report.ok
    assert "head" in report.problem.reason and "#3" in report.problem.reason
    with pytest.raises(CommandError, match="head"):
        call_command("audit", "verify")


def test_truncated_tail_is_detected_by_the_checkpoint_kept_outside_the_database(settings, tmp_path, capsys):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints"
    _events(5)
    call_command("audit", "verify")
    printed = capsys.readouterr().out
    assert "checkpoint: edpool-audit-v1:5:" in printed
    assert (tmp_path / "checkpoints").read_text().count("edpool-audit-v1:5:") == 1
    # Even a careful attacker who rebuilds a consistent head row leaves the kept checkpoint behind.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= 4")
    last = AuditEvent.objects.order_by("-seq").first()
    AuditHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=last.hash)
    _events(1)
    with pytest.raises(CommandError, match="#5"):
        call_command("audit", "verify")
    # A checkpoint string the operator kept elsewhere works the same without the file.
    (tmp_path / "checkpoints").unlink()
    kept = next(w for w in printed.split() if w.startswith("edpool-audit-v1:5:"))
    with pytest.raises(CommandError, match="#5"):
        call_command("audit", "verify", "--checkpoint", kept)


def test_a_forged_checkpoint_is_refused(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints"
    events = _events(2)
    with pytest.raises(CommandError, match="signature"):
        call_command("audit", "verify", "--checkpoint", f"edpool-audit-v1:2:{events[1].hash}:{'0' * 64}")


def test_tick_keeps_a_checkpoint(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints"
    _events(3)
    call_command("tick")
    assert "edpool-audit-v1:3:" in (tmp_path / "checkpoints").read_text()


def test_an_acknowledged_head_rebuild_verifies_again(settings, tmp_path, capsys):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints"
    _events(3)
    _truncate_tail_and_head(3)
    _events(1)
    report = audit_chain_verify()
    rebuilt = report.problem.seq
    call_command("audit", "acknowledge", str(rebuilt), "--note", "Restored from backup; events 3 re-entered.")
    assert audit_chain_verify().ok
    call_command("audit", "verify")
    assert "1 incident acknowledged" in capsys.readouterr().out


def test_tick_does_not_paper_over_removed_events(settings, tmp_path):
    """The review's attack: verify (checkpoint), remove the newest events and fix the head by hand,
    then let `edpool tick` run before anyone verifies again."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints"
    _events(6)
    call_command("audit", "verify")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq > 4")
    last = AuditEvent.objects.order_by("-seq").first()
    AuditHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=last.hash)
    _events(3)  # new events take the freed numbers
    with pytest.raises(CommandError, match="failed"):
        call_command("tick")
    assert (tmp_path / "checkpoints").read_text().count("edpool-audit-v1") == 1
    with pytest.raises(CommandError, match="#6"):
        call_command("audit", "verify")


def test_every_kept_checkpoint_is_checked(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints"
    _events(3)
    call_command("audit", "verify")
    _events(2)
    call_command("audit", "verify")
    # An older checkpoint's event rewritten with recomputed hashes from there on: the newer
    # checkpoint alone would also catch it, but an older one must too if the newer line is lost.
    lines = (tmp_path / "checkpoints").read_text().splitlines()
    (tmp_path / "checkpoints").write_text(lines[0] + "\n")
    from audit.services import event_hash

    prev = AuditEvent.objects.get(seq=2).hash
    for seq in (3, 4, 5):
        event = AuditEvent.objects.get(seq=seq)
        event.after, event.prev_hash = {"n": 99}, prev
        new = event_hash(event)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET after = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                           ['{"n": 99}', prev, new, seq])
        prev = new
    AuditHead.objects.filter(pk=1).update(last_hash=prev)
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


def test_a_checkpoint_file_edited_by_hand_stops_tick_and_verify(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints"
    _events(2)
    call_command("audit", "verify")
    text = (tmp_path / "checkpoints").read_text()
    (tmp_path / "checkpoints").write_text(text.replace("edpool-audit-v1:2:", "edpool-audit-v1:1:"))
    with pytest.raises(CommandError):
        call_command("tick")
    with pytest.raises(CommandError, match="signature"):
        call_command("audit", "verify")


def test_many_events_at_once_chain_like_one_by_one():
    from audit.services import Entry, audit_record_many

    first = _events(2)
    many = audit_record_many(actor=ACTOR, entries=[
        Entry(action=AuditAction.ORGANISATION_UPDATED, object_type="tests.thing", object_id=str(i),
              after={"n": i}) for i in range(3)])
    last = _events(1)
    assert [e.seq for e in first + many + last] == [1, 2, 3, 4, 5, 6]
    assert many[0].prev_hash == first[-1].hash and last[0].prev_hash == many[-1].hash
    assert AuditHead.objects.get().last_seq == 6 and audit_chain_verify().ok
    assert audit_record_many(actor=ACTOR, entries=[]) == []
    with pytest.raises(ValueError):
        audit_record_many(actor=ACTOR, entries=[Entry(action=AuditAction.ORGANISATION_UPDATED)])
    assert AuditEvent.objects.count() == 6
