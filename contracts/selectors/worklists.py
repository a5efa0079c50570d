"""Selectors for the workspaces: agreements to sign or ending soon, participations waiting for a
district's approver, quotes to give or answered, and compliance steps on the products a district
uses. Each reads only what the organisation asking may see."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from django.db.models import QuerySet

from contracts.models import MasterAgreement, MiniCompetition, ParticipationAgreement, QuoteRequest, ScheduleEntry
from contracts.selectors.catalog import CatalogItem, catalog_items
from contracts.selectors.participation import RENEWAL_WINDOW_DAYS
from contracts.states import AgreementState, ParticipationState
from core import clock


def agreements_to_sign() -> QuerySet[MasterAgreement]:
    """For staff: agreements created from an award and not yet signed by both parties."""
    return (MasterAgreement.objects.filter(state=AgreementState.PENDING_SIGNATURE)
            .select_related("vendor").order_by("created_at", "number"))


def agreements_ending(*, within_days: int = RENEWAL_WINDOW_DAYS,
                      today: Optional[dt.date] = None) -> list[MasterAgreement]:
    """For staff: agreements in force whose current term ends within `within_days`, soonest first."""
    today = today or clock.today()
    rows = (MasterAgreement.objects.filter(state=AgreementState.ACTIVE, end_date__gte=today,
                                           end_date__lte=today + dt.timedelta(days=within_days))
            .select_related("vendor").order_by("end_date", "number"))
    return [a for a in rows if a.effective_state(today) == AgreementState.ACTIVE]


def participations_awaiting_approval(district) -> QuerySet[ParticipationAgreement]:
    """Participations the district's buyer prepared above its approval limit, not yet approved."""
    return (ParticipationAgreement.objects.filter(district=district, state=ParticipationState.PREPARED,
                                                  needs_approval=True)
            .select_related("agreement__vendor", "prepared_by").order_by("prepared_at"))


def quotes_answered(district) -> QuerySet[QuoteRequest]:
    """Quotes vendors have answered in the district's mini-competitions still to be decided."""
    return (QuoteRequest.objects.filter(competition__district=district, answered_at__isnull=False,
                                        competition__state=MiniCompetition.State.OPEN)
            .select_related("competition__solicitation", "agreement__vendor").order_by("-answered_at"))


def quotes_to_answer(vendor) -> QuerySet[QuoteRequest]:
    """Quote requests to the vendor not yet answered, in mini-competitions still open."""
    return (QuoteRequest.objects.filter(agreement__vendor=vendor, answered_at__isnull=True,
                                        competition__state=MiniCompetition.State.OPEN)
            .select_related("competition__district__organisation", "agreement").order_by("requested_at"))


def compliance_steps_outstanding(district, today: Optional[dt.date] = None) -> list[CatalogItem]:
    """The products on the agreements the district takes part in (countersigned, in force) whose
    compliance verdict for the district is not a plain "allowed": steps to take, or blocked."""
    today = today or clock.today()
    agreement_ids = list(ParticipationAgreement.objects.filter(
        district=district, state=ParticipationState.ACTIVE).values_list("agreement_id", flat=True))
    entries = list(ScheduleEntry.objects.filter(
        version__agreement_id__in=agreement_ids, version__is_current=True,
        version__agreement__state=AgreementState.ACTIVE)
        .select_related("product__vendor", "version__agreement__vendor")
        .order_by("version__agreement__number", "line_reference"))
    items = catalog_items(entries, district=district, on_date=today)
    return [i for i in items if i.verdict is not None and i.verdict.verdict != "allowed"]
