"""What the names in a release were when its event happened, read back from the audit trail.

A release is published once and must not change afterwards (issue 17): a vendor renamed, a
district's organisation renamed, a product renamed after an award or an order must not rewrite the
releases already published. Every update of those objects is audited with its before and after
(`organisation.updated`, `vendor.updated`, `district.updated`, `product.updated`,
`consortium.updated`; a solicitation's addenda), so the value of a field at event T is the `before`
of the first update after T that recorded the field, or the current value when none did.

`Names` reads those updates in one query (`audit.selectors.audit_changes_after`) from the oldest
event it is asked about, and one more only if it is later asked about an older event: an export, a
page of the API or a record costs one or two queries for every name in it, never one per party
per release. It also reads the consortium's profile once.
"""

from __future__ import annotations

import bisect
from typing import Any, Optional

from audit.selectors import audit_changes_after

# The updates whose `before` keeps the names and other public facts releases show.
CHANGE_ACTIONS = ("organisation.updated", "vendor.updated", "district.updated", "product.updated",
                  "consortium.updated", "solicitation.addendum_published")
ADDENDUM = "solicitation.addendum_published"
# The keys releases read, by update: an update that changed none of them is not read at all.
FIELDS = {"organisation.updated": ("name", "state"), "vendor.updated": ("legal_name", "website"),
          "district.updated": ("state", "nces_leaid", "state_leaid", "city", "zip_code"),
          "product.updated": ("name",), "consortium.updated": ("website",)}

_MISSING = object()


class Names:
    """Values of audited objects as of an audit event (its `seq`), for the releases of one export,
    API page or record."""

    def __init__(self) -> None:
        self._floor: Optional[int] = None  # every change after this seq is loaded
        # (object type, object id) -> [(seq, action, before)], oldest first
        self._changes: dict[tuple[str, str], list[tuple[int, str, dict[str, Any]]]] = {}
        self._consortium: Any = _MISSING
        self.queries = 0  # audit trail reads, for the tests' bound

    def _ensure(self, seq: int) -> None:
        if self._floor is not None and seq >= self._floor:
            return
        rows = audit_changes_after(actions=CHANGE_ACTIONS, after_seq=seq, up_to_seq=self._floor, fields=FIELDS)
        self.queries += 1
        older: dict[tuple[str, str], list[tuple[int, str, dict[str, Any]]]] = {}
        for row_seq, action, object_type, object_id, before in rows:
            if isinstance(before, dict):
                older.setdefault((object_type, object_id), []).append((row_seq, action, before))
        for key, items in older.items():  # older than everything loaded so far: in front
            self._changes[key] = items + self._changes.get(key, [])
        self._floor = seq

    def _after(self, object_type: str, object_id: Any, seq: int) -> list[tuple[int, str, dict[str, Any]]]:
        self._ensure(seq)
        changes = self._changes.get((object_type, str(object_id)), [])
        return changes[bisect.bisect_right(changes, seq, key=lambda c: c[0]):]

    def at(self, seq: int, object_type: str, object_id: Any, field: str, current: Any) -> Any:
        """The value of `field` of the object just after event `seq`: the `before` of the first
        later change that recorded it, else `current` (what the object holds now)."""
        for _, _, before in self._after(object_type, object_id, seq):
            if field in before:
                return before[field]
        return current

    def first_before(self, seq: int, object_type: str, object_id: Any, action: str) -> Optional[dict[str, Any]]:
        """The `before` of the first `action` event on the object after event `seq` (None if none)."""
        for _, event_action, before in self._after(object_type, object_id, seq):
            if event_action == action:
                return before
        return None

    # ---- the objects releases name

    def organisation_name(self, seq: int, organisation) -> str:
        return self.at(seq, "orgs.organisation", organisation.pk, "name", organisation.name)

    def organisation_state(self, seq: int, organisation) -> str:
        return self.at(seq, "orgs.organisation", organisation.pk, "state", organisation.state)

    def vendor(self, seq: int, vendor, field: str) -> Any:
        """`legal_name` or `website` of a vendor as of event `seq`."""
        return self.at(seq, "vendors.vendor", vendor.pk, field, getattr(vendor, field))

    def district(self, seq: int, district, field: str) -> Any:
        return self.at(seq, "members.district", district.pk, field, getattr(district, field))

    def product_name(self, seq: int, product) -> str:
        return self.at(seq, "catalog.product", product.pk, "name", product.name)

    def solicitation_title(self, seq: int, solicitation) -> str:
        return self.at(seq, "sourcing.solicitation", solicitation.pk, "title", solicitation.title)

    def profile(self):
        """The consortium's profile as it is now (read once; None before it is set up)."""
        if self._consortium is _MISSING:
            from orgs.selectors import consortium_profile

            self._consortium = consortium_profile()
        return self._consortium

    def consortium(self, seq: int) -> Optional[dict[str, Any]]:
        """The consortium as of event `seq`: its organisation's id, name and state and its
        website (None before the consortium is set up)."""
        profile = self.profile()
        if profile is None:
            return None
        org = profile.organisation
        return {"pk": org.pk, "name": self.organisation_name(seq, org),
                "state": self.organisation_state(seq, org),
                "website": self.at(seq, "orgs.consortiumprofile", profile.pk, "website", profile.website)}

    def as_of(self, seq: int) -> "AsOf":
        return AsOf(self, seq)


class AsOf:
    """`Names` as of one event: what a release built from that event reads."""

    def __init__(self, names: Names, seq: int) -> None:
        self.names, self.seq = names, seq

    def organisation_name(self, organisation) -> str:
        return self.names.organisation_name(self.seq, organisation)

    def vendor(self, vendor, field: str) -> Any:
        return self.names.vendor(self.seq, vendor, field)

    def legal_name(self, vendor) -> str:
        return self.names.vendor(self.seq, vendor, "legal_name")

    def district(self, district, field: str) -> Any:
        return self.names.district(self.seq, district, field)

    def product_name(self, product) -> str:
        return self.names.product_name(self.seq, product)

    def solicitation_title(self, solicitation) -> str:
        return self.names.solicitation_title(self.seq, solicitation)

    def consortium(self) -> Optional[dict[str, Any]]:
        return self.names.consortium(self.seq)

    def addendum_before(self, solicitation) -> Optional[dict[str, Any]]:
        """The solicitation's state before its first addendum after the event (None if none)."""
        return self.names.first_before(self.seq, "sourcing.solicitation", solicitation.pk, ADDENDUM)
