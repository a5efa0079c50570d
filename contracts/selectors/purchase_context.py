"""The agreements a product can be bought under, for compliance's verdicts
(`compliance.purchase_context`, registered in `contracts.apps`): the catalog's rows, with the
district's board finding where its participation in force records one."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from compliance.purchase_context import PurchaseContext
from contracts.models import ScheduleEntry


def purchase_contexts_for(district, products, agreement_id: Optional[int],
                          on_date: dt.date) -> dict[int, list[PurchaseContext]]:
    from contracts.selectors.catalog import _search, catalog_items
    from contracts.selectors.participation import board_findings_of

    conditions, _ = _search(on_date=on_date, prefix="catalog_row__")
    entries = (ScheduleEntry.objects.filter(*conditions, product__in=products.order_by().values("id"))
               .select_related("product", "version__agreement__vendor"))
    if agreement_id is not None:
        entries = entries.filter(version__agreement_id=agreement_id)
    items = catalog_items(list(entries))
    findings = board_findings_of(district, {i.agreement.pk for i in items}) if district is not None else {}
    out: dict[int, list[PurchaseContext]] = {}
    for item in items:
        finding = findings.get(item.agreement.pk)
        out.setdefault(item.product.pk, []).append(PurchaseContext(
            agreement_id=item.agreement.pk, agreement_label=item.agreement.number,
            award_kind=item.agreement.award_kind,
            board_finding_label=finding.board_finding_label if finding is not None else None,
            rank=(item.position.unit_price, item.agreement.number)))
    return out
