"""edpool backup / restore: the round trip on SQLite and PostgreSQL (another file or database, in
another process, as on another machine), and every refusal changing nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from catalog.services import category_ensure
from conftest import require_or_skip
from ops.backup import MANIFEST, backup_create, database_facts, sqlite_file_facts
from orders.services import order_place
from sourcing.services.bids import bid_submit
from sourcing.services.solicitations import solicitation_create, solicitation_publish
from tests.helpers import PDF, bid_data, content, pdf

ROOT = Path(__file__).resolve().parents[2]
SEALING_KEY = "backup-test-sealing-key-" + "k" * 40
PROPOSAL = PDF.replace(b"%%EOF", b"% proposal of vendor A, price 289.00\n%%EOF")


def _child_env(tmp_path: Path, database_url: str, *, key: str = SEALING_KEY) -> dict[str, str]:
    """Another EdPool (another process, its own database, media folder and var/), same sealing key."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "EDPOOL_VAR_DIR": str(tmp_path / "other-var"),
                "MEDIA_ROOT": str(tmp_path / "other-media"),
                "AUDIT_CHECKPOINT_FILE": str(tmp_path / "other-checkpoints.txt"),
                "BID_SEALING_KEY": key, "EDPOOL_ENV_FILE": "", "DEBUG": "true"})
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def _edpool(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, input=stdin, timeout=300)


# Run in the restored EdPool: the bid of the open solicitation is still sealed (not opened, no
# plaintext), and after its deadline it opens with the key, its document too.
OPEN_SEALED_BID = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.utils import timezone
from sourcing.models import Solicitation
from sourcing import sealing
s = Solicitation.objects.get(pk=int(sys.argv[1]))
bid = s.bids.get()
document = bid.documents.get()
still_sealed = s.bids_opened_at is None and b"289.00" not in bytes(bid.sealed)
stored = document.sealed_file.open("rb").read()
still_sealed = still_sealed and b"proposal of vendor A" not in stored
later = s.bid_deadline + dt.timedelta(seconds=s.bids_open_at.timestamp() - s.bid_deadline.timestamp() + 1)
timezone.now = lambda: later
from sourcing.selectors.bids import _opened
opened = _opened(s, whole=True)[0]
content = sealing.unseal(stored, solicitation_id=s.pk, context=f"bid-doc:{bid.pk}")
print(json.dumps({"still_sealed": still_sealed, "lines": opened.content["lines"],
                  "document": content.decode("latin-1"), "title": opened.documents[0].title}))
"""


def _scene(cast, joined, clock):
    """Agreements, orders (volume events, rebates), uploaded documents, an opened and awarded
    solicitation, and an open one with a sealed bid and a sealed document."""
    order_place(district=cast.district_a, agreement=cast.agreement, lines=[(cast.device, 12)],
                actor=cast.actor(cast.buyer_a))
    order_place(district=cast.district_b, agreement=cast.agreement, lines=[(cast.device, 7), (cast.licence, 30)],
                actor=cast.actor(cast.buyer_b))
    category = category_ensure(code="chromebooks", name="Chromebooks", actor=cast.actor(cast.staff))
    now = clock.now()
    sealed = solicitation_publish(solicitation=solicitation_create(
        content=content(category), questions_deadline=now + dt.timedelta(days=5),
        bid_deadline=now + dt.timedelta(days=10), standstill_days=7, actor=cast.actor(cast.staff)),
        actor=cast.actor(cast.staff))
    bid_submit(solicitation=sealed, data=bid_data(price1="289.00"), actor=cast.actor(cast.vendor_user_a),
               documents=[("Technical proposal", pdf("proposal.pdf", PROPOSAL))])
    return sealed


def _round_trip(tmp_path, settings, cast, joined, clock, database_url: str, *, postgres: bool):
    settings.BID_SEALING_KEY = SEALING_KEY
    sealed = _scene(cast, joined, clock)
    media_files = sorted(p.relative_to(settings.MEDIA_ROOT).as_posix()
                         for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert any(p.startswith("bids/") for p in media_files) and len(media_files) >= 3

    archive = tmp_path / "backup.tar.gz"
    result = backup_create(output=archive)
    manifest = result.manifest
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["audit_head"]["last_seq"] > 50
    assert manifest["tables"]["orders_order"]["rows"] == 2
    assert sorted(m["path"] for m in manifest["media"]) == media_files
    assert oct(archive.stat().st_mode & 0o777) == oct(0o600)
    # The live database and the archive's manifest agree (same rows, same checksums).
    assert database_facts().tables.keys() == manifest["tables"].keys()
    if not postgres:
        assert database_facts().migrations == manifest["migrations"]
    # Neither the sealing key nor SECRET_KEY is anywhere in the archive.
    raw = gzip.decompress(archive.read_bytes())
    assert SEALING_KEY.encode() not in raw and settings.SECRET_KEY.encode() not in raw

    env = _child_env(tmp_path, database_url)
    done = _edpool(env, "restore", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "each count and checksum equal to the manifest" in done.stdout
    assert "Audit trail OK" in done.stdout and "0 difference(s)" in done.stdout
    # Every table's count and checksum, computed again on the restored database by another process.
    again = _edpool(env, "backup", "-o", str(tmp_path / "again.tar.gz"))
    assert again.returncode == 0, again.stderr
    with tarfile.open(tmp_path / "again.tar.gz") as tar:
        restored = json.load(tar.extractfile(MANIFEST))
    assert restored["tables"] == manifest["tables"]
    assert restored["migrations"] == manifest["migrations"]
    assert restored["audit_head"] == manifest["audit_head"]
    assert [(m["path"], m["sha256"]) for m in restored["media"]] == [(m["path"], m["sha256"]) for m in manifest["media"]]
    if not postgres:  # and read straight from the restored file, without Django
        assert sqlite_file_facts(tmp_path / "restored.sqlite3").tables == manifest["tables"]

    # The sealed bid is still sealed, and opens after its deadline with the same key ...
    script = tmp_path / "open_bid.py"
    script.write_text(OPEN_SEALED_BID)
    env_script = dict(env, DJANGO_SETTINGS_MODULE="edpool.settings", PYTHONPATH=str(ROOT))
    opened = subprocess.run([sys.executable, str(script), str(sealed.pk)], env=env_script, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert opened.returncode == 0, opened.stderr
    seen = json.loads(opened.stdout.strip().splitlines()[-1])
    assert seen["still_sealed"] is True
    assert "289.00" in json.dumps(seen["lines"])
    assert seen["document"] == PROPOSAL.decode("latin-1") and seen["title"] == "Technical proposal"
    # ... and not with another key.
    wrong = subprocess.run([sys.executable, str(script), str(sealed.pk)], cwd=ROOT, capture_output=True, text=True,
                           env=dict(env_script, BID_SEALING_KEY="another-key-" + "z" * 40), timeout=120)
    assert wrong.returncode != 0 and "cannot be opened with this server's BID_SEALING_KEY" in wrong.stderr

    # Restoring again over the restored (now non-empty) database: refused without --force; with
    # --force the database's name must be typed (or --yes).
    refused = _edpool(env, "restore", str(archive))
    assert refused.returncode != 0 and "holds data" in refused.stderr and "--force" in refused.stderr
    unconfirmed = _edpool(env, "restore", str(archive), "--force")
    assert unconfirmed.returncode != 0 and "--yes" in unconfirmed.stderr
    forced = _edpool(env, "restore", str(archive), "--force", "--yes")
    assert forced.returncode == 0, forced.stderr
    # What it replaced was backed up first.
    safety = list((tmp_path / "other-var" / "backups").glob("edpool-before-restore-*.tar.gz"))
    assert len(safety) == 1 and "were backed up to" in forced.stdout
    with tarfile.open(safety[0]) as tar:
        assert json.load(tar.extractfile(MANIFEST))["tables"] == manifest["tables"]
    assert "Audit trail OK" in forced.stdout


@pytest.fixture
def sqlite_only(db):
    """Skip before the scene is built (it takes most of the test's time)."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs in the SQLite pass")


@pytest.fixture
def postgres_only(db):
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.mark.django_db(transaction=True)
def test_round_trip_on_sqlite(sqlite_only, tmp_path, settings, cast, joined, clock):
    _round_trip(tmp_path, settings, cast, joined, clock, f"sqlite:///{tmp_path / 'restored.sqlite3'}",
                postgres=False)


def _pg_admin(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_round_trip_on_postgresql(postgres_only, tmp_path, settings, cast, joined, clock):
    other = f"edpool_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    params = connection.settings_dict
    url = (f"postgres://{params['USER']}:{params.get('PASSWORD') or ''}@{params.get('HOST') or '127.0.0.1'}:"
           f"{params.get('PORT') or 5432}/{other}")
    _pg_admin(f'CREATE DATABASE "{other}"')
    try:
        _round_trip(tmp_path, settings, cast, joined, clock, url, postgres=True)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)')


# ---------------------------------------------------------------------------------------------
# Attacks: each refused with a clear message, nothing changed.

def _members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive) as tar:
        return [(m, tar.extractfile(m).read() if m.isreg() else b"") for m in tar.getmembers()]


def _write(path: Path, members, *, extra=()) -> Path:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for info, data in list(members) + list(extra):
            info = tarfile.TarInfo(info.name) if isinstance(info, tarfile.TarInfo) and info.isreg() else info
            if info.isreg():
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return path


def _with_manifest(archive: Path, out: Path, change) -> Path:
    members = []
    for info, data in _members(archive):
        if info.name == MANIFEST:
            manifest = json.loads(data)
            change(manifest)
            data = json.dumps(manifest).encode()
        members.append((info, data))
    return _write(out, members)


def _state():
    media = sorted((p.relative_to(settings.MEDIA_ROOT).as_posix(), p.read_bytes())
                   for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    return database_facts().tables, media


def _refused(archive: Path, *words: str, args=()) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), *args, stdout=io.StringIO())
    message = str(refused.value)
    for word in words:
        assert word in message, message
    return message


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_bad_archives_and_changes_nothing(tmp_path, cast):

    Path(settings.MEDIA_ROOT, "memberships").mkdir(parents=True)
    Path(settings.MEDIA_ROOT, "memberships", "board.pdf").write_bytes(PDF)
    good = backup_create(output=tmp_path / "good.tar.gz").path
    before = _state()
    outside = tmp_path / "evil.txt"

    # Truncated: cut anywhere.
    data = good.read_bytes()
    for cut in (len(data) // 3, len(data) - 40):
        (tmp_path / "cut.tar.gz").write_bytes(data[:cut])
        _refused(tmp_path / "cut.tar.gz", "damaged or truncated", "Nothing was changed")
    (tmp_path / "junk.tar.gz").write_bytes(b"\x00" * 1000)
    _refused(tmp_path / "junk.tar.gz", "damaged or truncated")

    members = _members(good)
    file_info = lambda name: tarfile.TarInfo(name)  # noqa: E731
    # Path traversal, absolute paths, NUL and control characters, absurd lengths, links, devices.
    for name, words in (("../evil.txt", ["leaves its folder"]), ("media/../../evil.txt", ["leaves its folder"]),
                        (str(outside), ["absolute path"]), ("media/a\x01b.pdf", ["control characters"]),
                        ("media/" + "x" * 5000, ["overlong"]), ("media/" + "y" * 300 + "/z", ["malformed"]),
                        ("media\\..\\evil.txt", ["backslashes"]), ("media/./a", ["leaves its folder"])):
        bad = _write(tmp_path / "bad.tar.gz", members, extra=[(file_info(name), b"evil")])
        _refused(bad, *words)
    link = tarfile.TarInfo("media/link.pdf")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    _refused(_write(tmp_path / "link.tar.gz", members, extra=[(link, b"")]), "not a regular file")
    hard = tarfile.TarInfo("media/hard.pdf")
    hard.type, hard.linkname = tarfile.LNKTYPE, "../../../etc/passwd"
    _refused(_write(tmp_path / "hard.tar.gz", members, extra=[(hard, b"")]), "not a regular file")
    device = tarfile.TarInfo("media/dev")
    device.type = tarfile.CHRTYPE
    _refused(_write(tmp_path / "dev.tar.gz", members, extra=[(device, b"")]), "not a regular file")
    # A NUL byte in a member's name (PAX header): refused, whether tarfile keeps it or cuts there.
    nul = tarfile.TarInfo("media/board.pdf\x00../../evil.txt")
    nul.pax_headers = {"path": "media/board.pdf\x00../../evil.txt"}
    _refused(_write(tmp_path / "nul.tar.gz", members, extra=[(nul, b"evil")]), "refused")
    # A member the manifest does not list, twice the same member, one missing, one altered.
    _refused(_write(tmp_path / "extra.tar.gz", members, extra=[(file_info("media/new.pdf"), PDF)]),
             "differ from its manifest", "not listed")
    _refused(_write(tmp_path / "twice.tar.gz", members, extra=[(file_info(MANIFEST), members[0][1])]), "twice")
    _refused(_write(tmp_path / "missing.tar.gz", [m for m in members if not m[0].name.startswith("media/")]),
             "missing")
    # No manifest, a manifest that is not JSON or not ours.
    _refused(_write(tmp_path / "nomanifest.tar.gz", [m for m in members if m[0].name != MANIFEST]), "no manifest")
    _refused(_write(tmp_path / "notjson.tar.gz", [(i, b"{\x00" if i.name == MANIFEST else d) for i, d in members]),
             "not valid")
    _refused(_with_manifest(good, tmp_path / "format.tar.gz", lambda m: m.update(format="other")), "not valid")
    _refused(_with_manifest(good, tmp_path / "rows.tar.gz",
                            lambda m: m["tables"]["audit_auditevent"].update(rows=-1)), "not valid")
    # An archive from a newer schema, and one from the other database vendor.
    _refused(_with_manifest(good, tmp_path / "newer.tar.gz",
                            lambda m: m["migrations"].append(["audit", "9999_from_the_future"])),
             "newer EdPool", "audit.9999_from_the_future", "Nothing was changed")
    other_vendor = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    _refused(_with_manifest(good, tmp_path / "vendor.tar.gz", lambda m: m["database"].update(vendor=other_vendor)),
             "same database")
    # A good archive into this non-empty database: refused without --force; --force without a
    # terminal needs --yes.
    _refused(good, "holds data", "--force", "Nothing was changed")
    _refused(good, "--yes", args=["--force"])

    assert _state() == before
    assert not outside.exists() and not (tmp_path.parent / "evil.txt").exists()
    assert not list(Path(settings.MEDIA_ROOT).parent.glob(".edpool-restore-*"))


@pytest.mark.django_db(transaction=True)
def test_tampered_manifest_leaves_the_empty_target_empty(tmp_path, cast):
    """Counts or checksums in the manifest that the database does not have: refused after
    comparing, and the empty database it was restoring into is left empty (SQLite: compared
    before copying; PostgreSQL: emptied again)."""
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL round trip's target is covered by test_tampered_manifest_on_postgresql")
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Path(settings.MEDIA_ROOT, "a.pdf").write_bytes(PDF)
    good = backup_create(output=tmp_path / "good.tar.gz").path
    env = _child_env(tmp_path, f"sqlite:///{tmp_path / 'target.sqlite3'}")

    def bump(m):
        m["tables"]["accounts_user"]["rows"] += 1

    def checksum(m):
        m["tables"]["audit_auditevent"]["checksum"] = "0" * 64

    altered = [(i, d.replace(b"1 0 obj", b"1 0 OBJ") if i.name.startswith("media/") else d)
               for i, d in _members(good)]
    for archive, words in ((_with_manifest(good, tmp_path / "bump.tar.gz", bump), "does not match the archive's manifest"),
                           (_with_manifest(good, tmp_path / "sum.tar.gz", checksum), "does not match the archive's manifest"),
                           (_write(tmp_path / "altered.tar.gz", altered), "does not match the SHA-256")):
        done = _edpool(env, "restore", str(archive))
        assert done.returncode != 0
        assert words in done.stderr and "nothing was changed" in done.stderr.lower(), done.stderr
        import sqlite3

        target = sqlite3.connect(tmp_path / "target.sqlite3")
        assert target.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        target.close()
        assert not (tmp_path / "other-media").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_tampered_manifest_on_postgresql(tmp_path, cast):
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL=postgres://...)")
    good = backup_create(output=tmp_path / "good.tar.gz").path
    other = f"edpool_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    params = connection.settings_dict
    url = (f"postgres://{params['USER']}:{params.get('PASSWORD') or ''}@{params.get('HOST') or '127.0.0.1'}:"
           f"{params.get('PORT') or 5432}/{other}")
    _pg_admin(f'CREATE DATABASE "{other}"')
    try:
        env = _child_env(tmp_path, url)
        tampered = _with_manifest(good, tmp_path / "tampered.tar.gz",
                                  lambda m: m["tables"]["accounts_user"].update(rows=m["tables"]["accounts_user"]["rows"] + 1))
        done = _edpool(env, "restore", str(tampered))
        assert done.returncode != 0
        assert "does not match the archive's manifest" in done.stderr and "emptied again" in done.stderr, done.stderr
        probe = subprocess.run(["psql", url, "-Atc", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
                               capture_output=True, text=True)
        assert probe.stdout.strip() == "0", probe.stdout + probe.stderr
        assert not (tmp_path / "other-media").exists()
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_force_asks_for_the_database_name(tmp_path, cast, monkeypatch):
    good = backup_create(output=tmp_path / "good.tar.gz").path
    before = _state()
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "not-the-name")
    _refused(good, "Not confirmed", "nothing was changed", args=["--force"])
    assert asked and "Type the database's name" in asked[0]
    assert _state() == before


def test_missing_postgresql_tools_say_what_to_install(monkeypatch):
    from ops import backup

    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="pg_dump is not installed.*postgresql-client"):
        backup._pg_tool("pg_dump")
