"""Sealing bids: encryption at rest until the bid deadline, and the canonical digest of a bid.

Key handling
- The master sealing key is `BID_SEALING_KEY` (environment; 32+ random bytes, e.g.
  `python -c "import secrets; print(secrets.token_urlsafe(48))"`). Without it, a key is derived from
  `SECRET_KEY` (fine for development; in production set BID_SEALING_KEY so rotating SECRET_KEY
  does not make sealed bids unreadable, and keep it out of database backups).
- Each solicitation gets its own key: HKDF-SHA256(master, info="edpool bid sealing v1:<id>").
- Bid documents: the bytes are sealed into a file with a random name; the title, the vendor's
  file name and the SHA-256 of the bytes are sealed together in the database (`BidDocument`).
- Content is sealed with AES-256-GCM (random 96-bit nonce, the bid's identity as associated data,
  so a ciphertext cannot be moved to another bid). A copy of the database or media folder alone
  reveals nothing; the running server, which holds the key, decrypts only after the deadline
  (enforced by `sourcing.selectors`, the only caller of `unseal`).
- Losing BID_SEALING_KEY makes unopened bids unreadable: back it up like a signing key.

Rotation (`edpool keys rotate`, `sourcing.services.keys`)
- Every blob sealed since rotation exists names its master key: version 2 is
  `0x02 + key id (8 bytes) + nonce + ciphertext`, the key id an HKDF of the master key (it says
  which key, never anything about it). Version 1 blobs (`0x01 + nonce + ciphertext`, sealed before)
  carry no id: every readable key is tried, the current one first.
- A server seals under BID_SEALING_KEY and reads with it or any of BID_SEALING_KEYS_READ (the
  previous keys during a rotation's grace period). `rewrap` re-seals a blob under the current key
  without the plaintext ever leaving this module.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import PermissionDenied

VERSION = b"\x01"  # sealed before rotation existed: no key id
VERSION_KEYED = b"\x02"  # names its master key by id
KEY_ID_BYTES = 8


def _master_of(material: str) -> bytes:
    return hashlib.sha256(material.encode("utf-8")).digest()


def _master_key() -> bytes:
    """The current master key: the one new blobs are sealed under."""
    configured = getattr(settings, "BID_SEALING_KEY", "")
    material = configured or ("derived-from-secret-key:" + settings.SECRET_KEY)
    return _master_of(material)


def _readable_masters() -> list[bytes]:
    """The current master key first, then the previous ones kept for a rotation's grace period."""
    masters = [_master_key()]
    for material in getattr(settings, "BID_SEALING_KEYS_READ", ()) or ():
        master = _master_of(material)
        if material and master not in masters:
            masters.append(master)
    return masters


def key_id(master: bytes) -> bytes:
    """A master key's public name: an HKDF of it, from which nothing about the key follows."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_ID_BYTES, salt=None,
                info=b"edpool bid sealing key id").derive(master)


def current_key_id() -> str:
    return key_id(_master_key()).hex()


def readable_key_ids() -> list[str]:
    return [key_id(m).hex() for m in _readable_masters()]


def _solicitation_key_of(master: bytes, solicitation_id: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"edpool bid sealing v1:{solicitation_id}".encode()).derive(master)


def solicitation_key(solicitation_id: int) -> bytes:
    return _solicitation_key_of(_master_key(), solicitation_id)


def _seal_with(master: bytes, data: bytes, solicitation_id: int, context: str) -> bytes:
    nonce = os.urandom(12)
    box = AESGCM(_solicitation_key_of(master, solicitation_id))
    return VERSION_KEYED + key_id(master) + nonce + box.encrypt(nonce, data, context.encode())


def seal(data: bytes, *, solicitation_id: int, context: str) -> bytes:
    return _seal_with(_master_key(), data, solicitation_id, context)


def blob_key_id(blob: bytes) -> str:
    """The id of the master key a blob is sealed under ("" for a version 1 blob, which names none)."""
    blob = bytes(blob)
    if blob[:1] == VERSION_KEYED:
        return blob[1:1 + KEY_ID_BYTES].hex()
    return ""


class SealingKeyError(PermissionDenied):
    """A sealed bid that this server's key cannot open: BID_SEALING_KEY is not the key it was
    sealed with (or the stored bytes were altered). Nothing is shown, nothing is recorded."""


_CANNOT_OPEN = ("The sealed bids cannot be opened with this server's BID_SEALING_KEY: it is not the key "
                "they were sealed with (or they were altered). Ask the operator to restore the key; "
                "nothing was opened or recorded.")


def unseal(blob: bytes, *, solicitation_id: int, context: str) -> bytes:
    blob = bytes(blob)
    if blob[:1] == VERSION_KEYED:
        wanted = blob[1:1 + KEY_ID_BYTES]
        candidates = [m for m in _readable_masters() if key_id(m) == wanted]
        body = blob[1 + KEY_ID_BYTES:]
    elif blob[:1] == VERSION:
        candidates, body = _readable_masters(), blob[1:]
    else:
        raise SealingKeyError("A sealed bid is stored in an unknown format; ask the operator.")
    nonce, ciphertext = body[:12], body[12:]
    for master in candidates:
        try:
            return AESGCM(_solicitation_key_of(master, solicitation_id)).decrypt(
                nonce, ciphertext, context.encode())
        except InvalidTag:
            continue
    if blob[:1] == VERSION_KEYED and not candidates:
        raise SealingKeyError(
            "The sealed bids cannot be opened with this server's BID_SEALING_KEY: they are sealed "
            f"under key {wanted.hex()}, which is neither BID_SEALING_KEY nor one of "
            "BID_SEALING_KEYS_READ. Ask the operator to restore the key; nothing was opened or recorded.")
    raise SealingKeyError(_CANNOT_OPEN)


def rewrap(blob: bytes, *, solicitation_id: int, context: str) -> bytes | None:
    """The blob sealed again under the current key, or None when it already is (nothing to do).
    Raises SealingKeyError when no readable key opens it. Only the key rotation calls this; the
    plaintext never leaves this function, and nothing is recorded as read: nobody sees it."""
    if blob_key_id(blob) == current_key_id():
        return None
    data = unseal(blob, solicitation_id=solicitation_id, context=context)
    return seal(data, solicitation_id=solicitation_id, context=context)


def document_meta_context(bid_id: int) -> str:
    """Associated data of a bid document's sealed title, file name and digest."""
    return f"bid-doc-meta:{bid_id}"


def sealed_file_name(solicitation_id: int) -> str:
    """Where a sealed bid document goes under `bids/`: a random name that says nothing about the
    vendor's file, its content or the bid."""
    return f"{solicitation_id}/{secrets.token_hex(16)}.sealed"


def canonical_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(payload: dict[str, Any]) -> str:
    """SHA-256 of the canonical form. The payload carries a random salt, so the digest cannot be
    used to guess prices; the vendor's receipt holds the salt to prove what it sent."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def new_salt() -> str:
    return base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
