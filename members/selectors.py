"""Reading districts and memberships."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Optional

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from accounts.acting import DISTRICT_ROLES, STAFF, Actor, acts_as
from members.models import District, Membership
from members.states import MEMBER_STATES, QUEUE_STATES, MembershipState


@dataclass(frozen=True)
class DirectoryTotals:
    members: int
    students: int
    students_estimated: bool
    states: int


def member_directory(*, q: str = "", state: str = "") -> QuerySet[Membership]:
    """Active members for the public directory: name, state, member since, students served."""
    qs = (Membership.objects.filter(state__in=MEMBER_STATES)
          .select_related("district__organisation")
          .order_by("district__organisation__name"))
    if q:
        qs = qs.filter(district__in=_districts_matching(q))
    if state:
        qs = qs.filter(district__state=state.upper())
    return qs


def _districts_matching(q: str):
    """The ids of the districts whose name, city or county contains `q` (any case): a union of
    matches on one table each, so that on PostgreSQL each uses its trigram index (core.trigram)."""
    by_place = District.objects.filter(Q(city__icontains=q) | Q(county__icontains=q))
    by_name = District.objects.filter(organisation__name__icontains=q)
    return by_place.order_by().values("pk").union(by_name.order_by().values("pk"))


def member_directory_totals(*, state: str = "") -> DirectoryTotals:
    qs = member_directory(state=state)
    agg = qs.aggregate(
        members=Count("id"), students=Sum("district__enrollment"),
        estimated=Count("id", filter=Q(district__enrollment_is_estimate=True)),
        states=Count("district__state", distinct=True))
    return DirectoryTotals(members=agg["members"], students=agg["students"] or 0,
                           students_estimated=bool(agg["estimated"]), states=agg["states"])


def member_directory_states() -> list[str]:
    return list(member_directory().order_by("district__state")
                .values_list("district__state", flat=True).distinct())


def membership_queue(*, state: str = "") -> QuerySet[Membership]:
    """Applications in progress (or any state, when given), oldest first, for staff."""
    qs = Membership.objects.select_related("district__organisation").order_by("applied_at")
    if state:
        return qs.filter(state=state)
    return qs.filter(state__in=QUEUE_STATES)


def membership_queue_counts() -> dict[str, int]:
    rows = Membership.objects.values("state").annotate(n=Count("id"))
    counts = {s: 0 for s in MembershipState.values}
    counts.update({r["state"]: r["n"] for r in rows})
    return counts


def membership_get_for_actor(*, membership_id: int, actor: Actor) -> Membership:
    """A membership the actor may see: staff see all; a district's people see their own."""
    membership = (Membership.objects.select_related("district__organisation")
                  .filter(pk=membership_id).first())
    if membership is None:
        raise Membership.DoesNotExist(f"No membership {membership_id}.")
    if actor.role == STAFF or actor.acts_for(membership.district.organisation):
        return membership
    raise PermissionDenied("This membership belongs to another district.")


def memberships_of_district(*, district: District) -> QuerySet[Membership]:
    return district.memberships.order_by("-applied_at")


def membership_current(*, district: District) -> Optional[Membership]:
    """The district's membership in progress or in force (the newest that is not withdrawn);
    None when it has none and may apply."""
    return memberships_of_district(district=district).exclude(state=MembershipState.WITHDRAWN).first()


def district_of_organisation(organisation) -> Optional[District]:
    if organisation is None:
        return None
    return District.objects.filter(organisation=organisation).select_related("organisation").first()


def district_for_actor(actor) -> District:
    """The district the actor acts for. An organisation that is not a district (or an actor
    without an organisation) is refused with a 404 that says so, on pages and in the API."""
    district = district_of_organisation(actor.organisation if actor is not None else None)
    if district is None:
        raise Http404("Your organisation is not a district.")
    return district


def district_acting(actor) -> Optional[District]:
    """The district of an actor in a district role; None for anyone else (staff, a vendor, an
    anonymous visitor): for pages that add a district's view when there is one."""
    return district_of_organisation(actor.organisation) if acts_as(actor, DISTRICT_ROLES) else None


DISTRICT_PICK_LIMIT = 20


def district_search(*, q: str = "", state: str = "", limit: int = 50,
                    within: Optional[QuerySet[District]] = None) -> QuerySet[District]:
    """Districts by name, state or NCES LEA id (California's CDS code is in the state id) or
    city, in name order, at most `limit`; `within` narrows the districts searched."""
    qs = (within if within is not None else District.objects.all())
    qs = qs.select_related("organisation").order_by("organisation__name")
    if q:
        qs = qs.filter(Q(organisation__name__icontains=q) | Q(state_leaid__icontains=q)
                       | Q(nces_leaid=q) | Q(city__icontains=q))
    if state:
        qs = qs.filter(state=state.upper())
    return qs[:limit]


def district_is_member(district: District) -> bool:
    """Active members may use the consortium's agreements."""
    return district.memberships.filter(state__in=MEMBER_STATES).exists()


def districts_by_ids(ids) -> dict[int, District]:
    """Districts (with their organisations) by id; ids not found are left out."""
    return {d.pk: d for d in District.objects.filter(pk__in=list(ids)).select_related("organisation")}


class DistrictLabel(NamedTuple):
    name: str
    enrollment: Optional[int]
    enrollment_is_estimate: bool


def district_labels(ids) -> dict[int, DistrictLabel]:
    """Districts' names and enrollment by id, as plain tuples (for reports listing thousands of
    districts: no model instances); ids not found are left out."""
    return {pk: DistrictLabel(name, enrollment, estimate) for pk, name, enrollment, estimate in
            District.objects.filter(pk__in=list(ids)).values_list("pk", "organisation__name", "enrollment",
                                                                  "enrollment_is_estimate")}


# Enrollment bands for "similar districts" (matching): lower bounds of students.
ENROLLMENT_BANDS = (0, 2_500, 10_000, 50_000)


def enrollment_band(enrollment: Optional[int]) -> Optional[tuple[int, Optional[int]]]:
    """(lowest, highest or None) of the band the enrollment falls in; None when unknown."""
    if enrollment is None:
        return None
    lows = [low for low in ENROLLMENT_BANDS if enrollment >= low]
    low = lows[-1]
    index = ENROLLMENT_BANDS.index(low)
    high = ENROLLMENT_BANDS[index + 1] - 1 if index + 1 < len(ENROLLMENT_BANDS) else None
    return low, high


def districts_similar_to(district: District) -> QuerySet[District]:
    """Other districts of the same state in the same enrollment band (all of the state's other
    districts when the enrollment is unknown)."""
    qs = District.objects.filter(state=district.state).exclude(pk=district.pk)
    band = enrollment_band(district.enrollment)
    if band is not None:
        low, high = band
        qs = qs.filter(enrollment__gte=low)
        if high is not None:
            qs = qs.filter(enrollment__lte=high)
    return qs
