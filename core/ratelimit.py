"""The counter behind every rate limit (sign-in, password reset, vendor registration, the open-data
API): a fixed window per key in the shared cache (Redis or the database cache table), so every
application server counts together."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def digest(*parts: str) -> str:
    """A cache key part for an address or an email that does not store it in clear."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def hit(key: str, window: int) -> int:
    """Add one to the count under `key` (a new count lives `window` seconds); the new count."""
    for _ in range(3):
        if cache.add(key, 1, window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired or cleared between add and incr
            continue
    return 1
