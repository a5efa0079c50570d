"""Shared test set-up: fast password hashing, the fixed cast of users, and skip/fail rules for
tests that need PostgreSQL or Chromium (skip on a laptop without them; fail under CI=true)."""

from __future__ import annotations

import os

import pytest

from tests.cast import Cast, build_cast


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cast(db) -> Cast:
    """Consortium staff, two districts (A member, B member) each with a buyer and an approver, an
    evaluator in A, two vendors with a user each, and a person with two roles."""
    return build_cast()


def require_or_skip(available: bool, what: str) -> None:
    """Skip with a visible reason when `what` is missing, except under CI=true: then fail."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required under CI=true but is not available.")
    pytest.skip(f"{what} is not available on this machine.")
