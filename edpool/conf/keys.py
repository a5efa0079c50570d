"""The secrets: SECRET_KEY (Django's signing key) and the master key that seals bids, with the
previous keys a rotation still reads. Production sets them in the environment; a development
machine (DEBUG) keeps its own under var/, created on first use."""

from __future__ import annotations

import os
import secrets

from django.core.exceptions import ImproperlyConfigured

from edpool.conf.env import DEBUG, VAR_DIR, env_list


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if os.environ.get("PYTEST_VERSION"):  # set by pytest itself while it runs the test suite
        return "insecure-test-only-secret-key-" + "x" * 30
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development)."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


# Whether an earlier run of this checkout already kept its development secret in var/ (see
# `_bid_sealing_key`), noted before `_secret_key` creates it.
_EARLIER_DEV_SECRET = (VAR_DIR / "dev-secret-key").exists()
SECRET_KEY = _secret_key()


def _bid_sealing_key() -> str:
    """The master key that seals bids (see sourcing/sealing.py). Production: BID_SEALING_KEY from
    the environment; without it bids are sealed under a key derived from SECRET_KEY and
    `edpool check --deploy` fails (sourcing.E001). Development (DEBUG): kept in
    var/dev-bid-sealing-key beside the database, created on first use."""
    key = os.environ.get("BID_SEALING_KEY", "")
    if key or not DEBUG or os.environ.get("PYTEST_VERSION"):
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-bid-sealing-key"
    if not key_file.exists():
        # A checkout that ran before this file existed sealed its bids under the key derived from
        # SECRET_KEY: keep exactly that key (sealing.py hashes this text into the same master
        # key), so the bids in its database stay readable. A fresh var/ gets a random key.
        key_file.write_text("derived-from-secret-key:" + SECRET_KEY if _EARLIER_DEV_SECRET
                            else secrets.token_urlsafe(48))
    return key_file.read_text().strip()


BID_SEALING_KEY = _bid_sealing_key()

# --- Sealing-key rotation (issue 18, `edpool keys`; sourcing/services/keys.py) -----------------
#   BID_SEALING_KEYS_READ  comma-separated previous keys this server may still unseal with (never
#                          seal with) during a rotation's grace period; empty once `edpool keys
#                          status` shows no bid sealed under them. Development keeps them in
#                          var/dev-bid-sealing-keys-read, one a line, written by `keys rotate --new-key`.
# BID_SEALING_KEY_FILE is the development key file when the key came from it (`keys rotate
# --new-key` may then write a new one); None when the environment sets the key.
_FROM_KEY_FILE = bool(DEBUG and not os.environ.get("BID_SEALING_KEY") and not os.environ.get("PYTEST_VERSION"))
BID_SEALING_KEY_FILE = VAR_DIR / "dev-bid-sealing-key" if _FROM_KEY_FILE else None
BID_SEALING_KEYS_READ_FILE = VAR_DIR / "dev-bid-sealing-keys-read" if _FROM_KEY_FILE else None
if os.environ.get("BID_SEALING_KEYS_READ") is not None or BID_SEALING_KEYS_READ_FILE is None:
    BID_SEALING_KEYS_READ = env_list("BID_SEALING_KEYS_READ")
else:
    BID_SEALING_KEYS_READ = ([line.strip() for line in BID_SEALING_KEYS_READ_FILE.read_text().splitlines()
                              if line.strip()] if BID_SEALING_KEYS_READ_FILE.exists() else [])
