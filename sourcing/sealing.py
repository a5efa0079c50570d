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

VERSION = b"\x01"


def _master_key() -> bytes:
    configured = getattr(settings, "BID_SEALING_KEY", "")
    material = configured or ("derived-from-secret-key:" + settings.SECRET_KEY)
    return hashlib.sha256(material.encode("utf-8")).digest()


def solicitation_key(solicitation_id: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"edpool bid sealing v1:{solicitation_id}".encode()).derive(_master_key())


def seal(data: bytes, *, solicitation_id: int, context: str) -> bytes:
    nonce = os.urandom(12)
    box = AESGCM(solicitation_key(solicitation_id))
    return VERSION + nonce + box.encrypt(nonce, data, context.encode())


class SealingKeyError(PermissionDenied):
    """A sealed bid that this server's key cannot open: BID_SEALING_KEY is not the key it was
    sealed with (or the stored bytes were altered). Nothing is shown, nothing is recorded."""


def unseal(blob: bytes, *, solicitation_id: int, context: str) -> bytes:
    blob = bytes(blob)
    if blob[:1] != VERSION:
        raise SealingKeyError("A sealed bid is stored in an unknown format; ask the operator.")
    nonce, ciphertext = blob[1:13], blob[13:]
    try:
        return AESGCM(solicitation_key(solicitation_id)).decrypt(nonce, ciphertext, context.encode())
    except InvalidTag:
        raise SealingKeyError(
            "The sealed bids cannot be opened with this server's BID_SEALING_KEY: it is not the key "
            "they were sealed with (or they were altered). Ask the operator to restore the key; "
            "nothing was opened or recorded.")


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
