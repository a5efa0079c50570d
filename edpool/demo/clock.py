"""Build demo history at past moments: inside `at(moment)`, `timezone.now()` returns `moment`.

Only the demo uses this, to create solicitations whose deadlines have passed with bids that were
submitted before them; the audit events it writes carry those past times."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone


@contextlib.contextmanager
def at(moment: dt.datetime):
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real
