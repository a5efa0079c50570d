"""OCDS releases, one per public state change of a contracting process, built from the audit trail.

How EdPool maps onto OCDS (issue 17; README "Open contracting data"):

- A solicitation is a **framework agreement procedure** (`tender.techniques.hasFrameworkAgreement`,
  framework method "with reopening of competition" for a multi-award, whose members run
  mini-competitions, "without" for a bulk buy). Each solicitation line is a lot (the lots
  extension) with its item. Bid statistics are published when the bids open; bid details (the
  bid extension) only from the award notice, and only what the public bid tabulation shows: the
  bidder, when it bid, whether it was responsive, its evaluated price and the lines it bid on.
  Its master agreements are the process's contracts.
- A member's participation in a master agreement and each order are processes of their own
  (call-offs), linked to the solicitation with `relatedProcesses` relationship `framework`.
- Addenda are tender amendments; renewals and approved price-schedule amendments are contract
  amendments.

A release is a function of one audit event and of facts that cannot change after it (the event's
own before/after snapshot, the bids once opened, an order's priced lines) and of names as they were
then (`opendata.names`: a vendor, district, product or consortium renamed later keeps its old name
in the releases before the rename): so building it again gives the same release, and its id
(`<ocid>-<event seq>`) and date (the event's) are stable.

Where the pieces are: `opendata.values` (dates, amounts), `opendata.names` (values as of an event,
from the audit trail), `opendata.parties`, `opendata.tender` (solicitation and award),
`opendata.agreements` (master agreements and their amendments), `opendata.calloffs`
(participations and orders).
Never published: drafts, sealed bids, scores and notes, buyers', evaluators' and vendors' people
(names, emails), reasons typed by staff or members for a rejection or cancellation.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from django.db.models import Q

from audit.models import AuditEvent
from opendata.agreements import AGREEMENT_ACTIONS, AMENDMENT_ACTIONS, build_agreement, build_amendment
from opendata.built import Built
from opendata.calloffs import ORDER_ACTIONS, PARTICIPATION_ACTIONS, build_order, build_participation
from opendata.names import AsOf, Names
from opendata.tender import AWARD_ACTIONS, SOLICITATION_ACTIONS, build_award, build_solicitation
from opendata.values import LANGUAGE, amount, day, iso, prune

# The audit actions that make a release, by the type of the object they record.
ACTIONS = (SOLICITATION_ACTIONS + AWARD_ACTIONS + AGREEMENT_ACTIONS + AMENDMENT_ACTIONS
           + PARTICIPATION_ACTIONS + ORDER_ACTIONS)
OBJECT_TYPES = {
    "sourcing.solicitation": SOLICITATION_ACTIONS, "sourcing.award": AWARD_ACTIONS,
    "contracts.masteragreement": AGREEMENT_ACTIONS, "contracts.amendment": AMENDMENT_ACTIONS,
    "contracts.participationagreement": PARTICIPATION_ACTIONS, "orders.order": ORDER_ACTIONS,
}
BUILDERS: dict[str, Callable[[AuditEvent, AsOf], Optional[Built]]] = {
    "sourcing.solicitation": build_solicitation, "sourcing.award": build_award,
    "contracts.masteragreement": build_agreement, "contracts.amendment": build_amendment,
    "contracts.participationagreement": build_participation, "orders.order": build_order,
}


def events_query() -> Q:
    """The audit events that make releases."""
    q = Q(pk__in=[])
    for object_type, actions in OBJECT_TYPES.items():
        q |= Q(object_type=object_type, action__in=actions)
    return q


def _release(event: AuditEvent, built: Built) -> dict[str, Any]:
    release = {"ocid": built.ocid, "id": f"{built.ocid}-{event.seq}", "date": iso(event.occurred_at),
               "tag": built.tags, "initiationType": "tender", "language": LANGUAGE}
    release.update(built.body)
    return prune(release)


def release_of(event: AuditEvent, names: Optional[Names] = None) -> Optional[dict[str, Any]]:
    """The release an audit event makes, or None (not a public state change). Pass the same
    `names` for all the releases of one export, page or record: it reads the names' history once."""
    builder = BUILDERS.get(event.object_type)
    if builder is None or event.action not in OBJECT_TYPES[event.object_type]:
        return None
    built = builder(event, (names or Names()).as_of(event.seq))
    return None if built is None else _release(event, built)


__all__ = ["ACTIONS", "OBJECT_TYPES", "Names", "amount", "day", "events_query", "iso", "release_of"]
