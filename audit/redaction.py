"""Events that must stay hidden for now (e.g. who has bid, before the bid deadline).

An app registers, per object type, a function returning the ids of objects whose events are
sealed at the moment (a list, or a QuerySet of ids as strings, used as a subquery); the audit
pages and the admin leave those events out until then. The events stay in the hash chain, so
`edpool audit verify` still covers them.

Leaving rows out is not enough by itself: whatever the pages show must not let anyone infer the
hidden rows. So the pages never show an event's position in the chain (`seq`) or its database id
(gaps would betray hidden events), and their filters (object types, actions) and counts are
computed from the visible events only (see `audit.selectors`, `audit.admin`).
"""

from __future__ import annotations

from typing import Callable, Iterable

from django.db.models import Q, QuerySet

_sealed: dict[str, Callable[[], Iterable]] = {}


def register_sealed(object_type: str, sealed_ids: Callable[[], Iterable]) -> None:
    _sealed[object_type] = sealed_ids


def exclude_sealed(qs: QuerySet) -> QuerySet:
    for object_type, sealed_ids in _sealed.items():
        ids = sealed_ids()
        if not isinstance(ids, QuerySet):
            ids = [str(i) for i in ids]
            if not ids:
                continue
        qs = qs.exclude(Q(object_type=object_type) & Q(object_id__in=ids))
    return qs
