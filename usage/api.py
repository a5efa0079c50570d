"""API for licence usage: a district imports its usage and reads bought vs used; staff read the
renewal list (agreements ending within 180 days with utilisation and price trend)."""


from typing import Optional

from ninja import Router, Status

from accounts.access import api_roles
from accounts.acting import DISTRICT_ROLES, STAFF
from accounts.api_auth import API_AUTH
from core import clock
from core.api_types import whole
from core.fiscal import FISCAL_YEAR_RULE, fiscal_year_api
from members.selectors import district_for_actor
from usage import selectors
from usage.api_schemas import DistrictUsageOut, RenewalsOut, UsageImportIn, UsageImportOut
from usage.services import IMPORTERS, usage_import

router = Router(tags=["usage"])


def import_out(batch) -> dict:
    return {"id": batch.pk, "district_id": batch.district_id, "rows": batch.rows, "months": batch.months,
            "replaced": batch.replaced, "above_bought": getattr(batch, "above_bought", 0),
            "created_at": batch.created_at}


def _month(day) -> Optional[str]:
    return None if day is None else f"{day:%Y-%m}"


@router.post("/usage", response={201: UsageImportOut}, auth=API_AUTH)
@api_roles(*IMPORTERS)
def usage_post(request, payload: UsageImportIn):
    """Import the acting district's usage (its own only): all rows or none, each problem named
    `rows[i].field` (422). Months given replace what was reported for them before (audited)."""
    district = district_for_actor(request.actor)
    batch = usage_import(district=district, rows=[r.model_dump() for r in payload.rows], source="api",
                         actor=request.actor)
    return Status(201, import_out(batch))


@router.get("/usage", response=DistrictUsageOut, auth=API_AUTH)
@api_roles(*DISTRICT_ROLES)
def usage_get(request, fiscal_year: whole(0, 9999, FISCAL_YEAR_RULE) = 0):
    """The acting district's licences bought vs used per product in a fiscal year (the rule of
    `fiscal_year` below: a malformed year or one not started is refused, 422; a year with
    nothing reported answers an empty list)."""
    district = district_for_actor(request.actor)
    fy = fiscal_year_api(fiscal_year, today=clock.today(), field="fiscal_year")
    rows = selectors.bought_vs_used(district=district, fiscal_year=fy)
    return {"district_id": district.pk, "fiscal_year": fy.label, "starts": fy.start, "ends": fy.end,
            "products": [{"product_id": r.product.pk, "product": r.product.name,
                          "vendor": r.product.vendor.organisation.name, "bought": r.bought,
                          "latest_month": _month(r.figures.latest_month), "latest_used": r.figures.latest_used,
                          "peak_month": _month(r.figures.peak_month), "peak_used": r.figures.peak_used,
                          "utilisation_percent": r.utilisation, "above_bought": r.above_bought} for r in rows]}


@router.get("/usage/renewals", response=RenewalsOut, auth=API_AUTH)
@api_roles(STAFF)
def renewals(request):
    """Every agreement in force ending within 180 days, worst-used first, with each licence
    product's utilisation (12 months to today) and its schedule's price history."""
    today = clock.today()
    found = selectors.renewal_list(today=today)
    return {"today": today, "window_starts": selectors.renewal_window(today)[0], "renewals": [
        {"agreement_id": r.agreement.pk, "number": r.agreement.number, "title": r.agreement.title,
         "vendor": r.agreement.vendor.legal_name, "end_date": r.agreement.end_date, "days_left": r.days_left,
         "worst_utilisation_percent": r.worst,
         "lines": [{"product_id": line.product.pk, "product": line.product.name, "bought": line.bought,
                    "buying_districts": line.buying_districts, "reporting_districts": line.reporting_districts,
                    "bought_reporting": line.bought_reporting,
                    "used": line.used, "peak": line.peak, "utilisation_percent": line.utilisation,
                    "above_bought": line.above_bought,
                    "price_change_percent": None if line.price_change is None else str(line.price_change),
                    "prices": [{"version": p.version, "since": p.since, "list_price": str(p.list_price),
                                "first_tier_price": str(p.first_tier_price),
                                "best_tier_price": str(p.best_tier_price)} for p in line.prices]}
                   for line in r.lines]} for r in found]}
