"""Which districts use a product through the consortium: for matching's "how many similar
districts already use it"."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional

from django.db.models import Count, QuerySet

from contracts.models import ScheduleEntry
from contracts.selectors.catalog import entries_in_force
from contracts.states import ParticipationState


def districts_using(product_ids: Iterable[int], *, districts: Optional[QuerySet] = None,
                    on_date: Optional[dt.date] = None) -> dict[int, int]:
    """{product id: number of districts (among `districts`, a queryset of District, when given)
    with a participation in force (countersigned) in an agreement in force whose current schedule
    offers the product}, one query; products nobody uses are absent."""
    ids = list(product_ids)
    if not ids:
        return {}
    entries: QuerySet[ScheduleEntry] = entries_in_force(on_date).filter(
        product_id__in=ids, version__agreement__participations__state=ParticipationState.ACTIVE)
    if districts is not None:
        entries = entries.filter(version__agreement__participations__district__in=districts)
    rows = (entries.values("product_id")
            .annotate(n=Count("version__agreement__participations__district", distinct=True))
            .values_list("product_id", "n"))
    return dict(rows)
