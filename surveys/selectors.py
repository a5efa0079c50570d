"""Reading surveys, responses, pooled demand, response rates, the states' rules behind a survey's
demand, and declared vs bought."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.acting import DISTRICT_ROLES, Actor, acts_as, is_staff
from catalog.choices import PRODUCT_FAMILIES
from compliance.selectors.facts import rules_in_force
from members.selectors import district_acting, districts_by_ids, member_directory
from orders.selectors import ordered_quantities
from sourcing.selectors.solicitations import lines_in_category
from surveys.models import Answer, Need, NeedLink, Response, Survey, SurveySolicitation
from surveys.pooled import DemandRow, NeedDemand, NeedInfo, pooled_demand
from surveys.states import ResponseState, SurveyState, size_band
from matching.selectors import unmet_needs_summary

KINDS = dict(PRODUCT_FAMILIES)


def surveys_for_actor(actor: Optional[Actor]) -> QuerySet[Survey]:
    """Staff see every survey; district people see published ones."""
    qs = Survey.objects.prefetch_related("needs")
    if is_staff(actor):
        return qs
    if acts_as(actor, DISTRICT_ROLES):
        return qs.exclude(state=SurveyState.DRAFT)
    return qs.none()


def survey_get_for_actor(*, survey_id: int, actor: Optional[Actor]) -> Survey:
    survey = surveys_for_actor(actor).filter(pk=survey_id).first()
    if survey is None:
        raise Http404("No such needs survey.")
    return survey


def response_of(survey: Survey, district) -> Optional[Response]:
    if district is None:
        return None
    return (Response.objects.filter(survey=survey, district=district)
            .prefetch_related("answers__need").first())


def response_get_for_actor(*, survey: Survey, response_id: int, actor: Actor) -> Response:
    """Staff see any response; a district only its own (another district's: 404)."""
    response = (Response.objects.filter(survey=survey, pk=response_id)
                .select_related("district__organisation").prefetch_related("answers__need").first())
    if response is None:
        raise Http404("No such response.")
    if is_staff(actor):
        return response
    district = district_acting(actor)
    if district is None or district.pk != response.district_id:
        raise Http404("No such response.")
    return response


def submitted_responses(survey: Survey) -> QuerySet[Response]:
    return (Response.objects.filter(survey=survey, state=ResponseState.SUBMITTED)
            .select_related("district__organisation"))


def need_infos(survey: Survey) -> list[NeedInfo]:
    return [NeedInfo(reference=n.reference, description=n.description, category=n.category.name,
                     kind=KINDS.get(n.kind, n.kind), grade_bands=tuple(n.grade_bands), unit=n.unit)
            for n in survey.needs.select_related("category")]


def demand_rows(survey: Survey) -> list[DemandRow]:
    """The submitted answers as demand rows."""
    answers = (Answer.objects.filter(response__survey=survey, response__state=ResponseState.SUBMITTED)
               .select_related("need", "response__district__organisation"))
    return [DemandRow(need=a.need.reference, district_id=a.response.district_id,
                      district=a.response.district.name, state=a.response.district.state,
                      commitment=a.commitment, quantities=dict(a.quantities), budget_min=a.budget_min,
                      budget_max=a.budget_max, must_haves=tuple(a.must_haves),
                      contract_end=a.current_contract_end) for a in answers]


def survey_demand(survey: Survey, *, extra: Iterable[DemandRow] = ()) -> list[NeedDemand]:
    """Pooled demand per need: the submitted answers plus any `extra` rows (e.g. unmet needs)."""
    return pooled_demand(need_infos(survey), [*demand_rows(survey), *extra])


def unmet_demand() -> list:
    """Needs buyers searched for and found nothing on contract to meet, still unmet: the demand
    their searches add to the next survey's pooled demand (matching's summary, grouped by what
    they ask for)."""
    return unmet_needs_summary()


def state_rules(states: Iterable[str]) -> dict[str, list]:
    """The rules in force today in each state (compliance's rule facts), by state code."""
    codes = sorted(set(states))
    by_code = rules_in_force(on_date=timezone.localdate(), codes=codes)
    return {code: by_code.get(code, []) for code in codes}


@dataclass
class RateRow:
    label: str
    members: int
    responded: int

    @property
    def rate(self):
        from decimal import Decimal

        return (Decimal(self.responded) / self.members) if self.members else Decimal(0)


def response_rates(survey: Survey) -> dict[str, list[RateRow]]:
    """Members (active now) and those that submitted, by state and by size band (enrollment)."""
    members = list(member_directory().values_list("district_id", "district__state", "district__enrollment"))
    responded = set(submitted_responses(survey).values_list("district_id", flat=True))
    by_state: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_size: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for district_id, state, enrollment in members:
        for table, key in ((by_state, state), (by_size, size_band(enrollment))):
            table[key][0] += 1
            table[key][1] += district_id in responded
    from surveys.states import SIZE_BANDS, UNKNOWN_SIZE

    size_order = [label for _, _, label in SIZE_BANDS] + [UNKNOWN_SIZE]
    return {
        "all": [RateRow("All members", len(members), sum(1 for m in members if m[0] in responded))],
        "state": [RateRow(k, *by_state[k]) for k in sorted(by_state)],
        "size": [RateRow(k, *by_size[k]) for k in size_order if k in by_size],
    }


def members_without_response(survey: Survey) -> list[int]:
    """Ids of active member districts that have not submitted."""
    responded = set(submitted_responses(survey).values_list("district_id", flat=True))
    return [d for d in member_directory().values_list("district_id", flat=True) if d not in responded]


def solicitation_link(survey: Survey) -> Optional[SurveySolicitation]:
    return SurveySolicitation.objects.filter(survey=survey).select_related("solicitation").first()


@dataclass(frozen=True)
class NeedSource:
    """Where what a need declared is bought: a solicitation's line, from the survey's own
    solicitation ("survey") or linked by staff ("linked")."""
    solicitation_id: int
    number: str
    line_reference: str
    how: str


def need_sources(survey: Survey) -> dict[str, NeedSource]:
    """By need reference: the line that buys it. A need linked by staff (`NeedLink`) is bought on
    its linked line; otherwise, once a solicitation was created from the survey, on that
    solicitation's line of the same reference, if it has one. Needs with neither are absent."""
    own = solicitation_link(survey)
    out: dict[str, NeedSource] = {}
    if own is not None:
        lines = set(own.solicitation.lines.values_list("reference", flat=True))
        for need in survey.needs.all():
            if need.reference in lines:  # a need without committed demand got no line
                out[need.reference] = NeedSource(own.solicitation_id, own.solicitation.number,
                                                 need.reference, "survey")
    for link in NeedLink.objects.filter(need__survey=survey).select_related("need", "solicitation"):
        out[link.need.reference] = NeedSource(link.solicitation_id, link.solicitation.number,
                                              link.line_reference, "linked")
    return out


def survey_need(survey: Survey, need_id: int) -> Need:
    """One of the survey's needs (404 for another survey's)."""
    need = Need.objects.select_related("category", "survey").filter(survey=survey, pk=need_id).first()
    if need is None:
        raise Http404("No such need in this survey.")
    return need


def linkable_lines(need: Need) -> list:
    """Lines staff may link to `need`: of solicitations of the need's category, not cancelled,
    not the survey's own solicitation, not already standing for another need of the survey."""
    own = solicitation_link(need.survey)
    taken = set(NeedLink.objects.filter(need__survey_id=need.survey_id).values_list("solicitation_id", "line_reference"))
    return [line for line in lines_in_category(need.category_id)
            if (own is None or line.solicitation_id != own.solicitation_id)
            and (line.solicitation_id, line.reference) not in taken]


@dataclass
class DeclaredBought:
    district: str
    state: str
    need: str
    description: str
    commitment: str
    declared: int
    ordered: int
    linked: bool = True  # False: no solicitation buys this need, so nothing can be compared

    @property
    def difference(self) -> Optional[int]:
        return self.ordered - self.declared if self.linked else None

    @property
    def verdict(self) -> str:
        if not self.linked:
            return "Nothing to compare: no solicitation linked"
        if self.ordered == 0:
            return "Declared, bought nothing"
        if self.ordered < self.declared:
            return "Bought less than declared"
        if self.ordered > self.declared:
            return "Bought more than declared"
        return "Bought as declared"


def declared_vs_bought(survey: Survey) -> list[DeclaredBought]:
    """Per member and need, the declared quantity (committed or interested) beside the units
    ordered on the solicitation line that buys the need (`need_sources`: the survey's own
    solicitation or a line staff linked); members that ordered without declaring appear with 0
    declared. A need no solicitation buys yet shows what was declared, with nothing to compare."""
    sources = need_sources(survey)
    ordered_by = {sid: ordered_quantities(solicitation_id=sid) for sid in {s.solicitation_id for s in sources.values()}}

    def ordered(district_id: int, ref: str) -> int:
        source = sources.get(ref)
        return ordered_by[source.solicitation_id].get((district_id, source.line_reference), 0) if source else 0

    needs = {n.reference: n for n in survey.needs.all()}
    rows, seen = [], set()
    answers = (Answer.objects.filter(response__survey=survey, response__state=ResponseState.SUBMITTED)
               .select_related("need", "response__district__organisation"))
    for a in answers:
        district = a.response.district
        key = (district.pk, a.need.reference)
        seen.add(key)
        rows.append(DeclaredBought(district.name, district.state, a.need.reference, a.need.description,
                                   a.get_commitment_display(), a.total, ordered(*key),
                                   linked=a.need.reference in sources))
    extra = [((district_id, ref), units) for ref, source in sources.items() if ref in needs
             for (district_id, line), units in ordered_by[source.solicitation_id].items()
             if line == source.line_reference and (district_id, ref) not in seen]
    if extra:
        found = districts_by_ids(k[0] for k, _ in extra)
        for (district_id, ref), units in extra:
            d = found.get(district_id)
            rows.append(DeclaredBought(d.name if d else f"District {district_id}", d.state if d else "",
                                       ref, needs[ref].description, "Not declared", 0, units))
    return sorted(rows, key=lambda r: (r.district, r.need))


def survey_responses(survey: Survey) -> QuerySet[Response]:
    """Every district's response (drafts too), for staff."""
    return (Response.objects.filter(survey=survey).select_related("district__organisation")
            .order_by("district__organisation__name"))


def open_surveys() -> QuerySet[Survey]:
    """Published surveys open now (by the clock), closing soonest first."""
    now = timezone.now()
    return (Survey.objects.filter(state=SurveyState.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
            .order_by("closes_at"))


def surveys_to_answer(district) -> list[tuple[Survey, Optional[str]]]:
    """Open surveys the district has not submitted, with its response's state (None: not started)."""
    surveys = list(open_surveys())
    states = dict(Response.objects.filter(district=district, survey__in=surveys).values_list("survey_id", "state"))
    return [(s, states.get(s.pk)) for s in surveys if states.get(s.pk) != ResponseState.SUBMITTED]


@dataclass(frozen=True)
class DeclaredPurchase:
    """A district's answer saying what it buys now, and at what unit price (outside the pool)."""

    district_id: int
    district: str
    category_id: int
    category: str
    kind: str  # catalog.choices.PRODUCT_FAMILIES code of the need
    quantity: int
    unit_price: Decimal
    current_product: str
    survey: str


def declared_current_purchases() -> list[DeclaredPurchase]:
    """Submitted answers that give a current product and its unit price, one per district,
    category and kind of product: the latest survey's (by closing time) when a district answered
    several."""
    answers = (Answer.objects.filter(response__state=ResponseState.SUBMITTED, current_price__isnull=False)
               .exclude(current_product="")
               .select_related("need__category", "response__survey", "response__district__organisation")
               .order_by("-response__survey__closes_at", "-response__survey_id", "need__position"))
    seen: set[tuple[int, int, str]] = set()
    rows = []
    for a in answers:
        key = (a.response.district_id, a.need.category_id, a.need.kind)
        if key in seen or a.total <= 0:
            continue
        seen.add(key)
        rows.append(DeclaredPurchase(district_id=a.response.district_id, district=a.response.district.name,
                                     category_id=a.need.category_id, category=a.need.category.name, kind=a.need.kind,
                                     quantity=a.total, unit_price=a.current_price,
                                     current_product=a.current_product, survey=a.response.survey.title))
    return rows
