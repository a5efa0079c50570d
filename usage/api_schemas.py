"""Bodies of the licence usage API (`usage.api`)."""


import datetime as dt
from typing import Optional, Union

from ninja import Schema
from pydantic import ConfigDict, Field, Strict
from typing_extensions import Annotated

from core.api_types import text, whole
from core.limits import ID_MAX
from core.bounds import QUANTITY_MAX
from usage.services import MAX_ROWS, PRODUCT_TEXT_MAX

Count = whole(0, QUANTITY_MAX, "A whole number from 0.")
# A product's id as a JSON integer (true is not product 1).
ProductId = Annotated[int, Strict(), Field(ge=1, le=ID_MAX, description="A product's id.")]


class UsageRowIn(Schema):
    model_config = ConfigDict(extra="forbid")

    product: Union[ProductId, text(PRODUCT_TEXT_MAX, min_length=1)] = Field(
        description="The product's id, or its exact name (refused when several vendors' products share it).")
    month: text(7, min_length=7) = Field(description="YYYY-MM, not after the current month.")
    active_users: Optional[Count] = None
    licences_used: Optional[Count] = Field(None, description="Give licences used, active users or both.")


class UsageImportIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rows": [
        {"product": 28, "month": "2026-10", "active_users": 455, "licences_used": 480},
        {"product": "Acorn Chrome Education Upgrade", "month": "2026-11", "licences_used": 470}]}]})

    rows: list[UsageRowIn] = Field(min_length=1, max_length=MAX_ROWS,
                                   description=f"At most {MAX_ROWS:,} rows; all are stored or none. A product "
                                               "and month given replace what was reported for them before. A "
                                               "figure over 10 times both the licences bought and the "
                                               "district's enrolment refuses the batch (422, naming the row).")


class UsageImportOut(Schema):
    id: int
    district_id: int
    rows: int
    months: list[str]
    replaced: int = Field(description="Figures reported earlier for these months, now replaced.")
    above_bought: int = Field(0, description=(
        "Figures stored above the licences the district bought of the product through the consortium "
        "(12 months to the month): kept, to be checked (`above_bought` on GET /usage). A figure over 10 "
        "times both the licences bought and the district's enrolment is refused (422) as a typo."))
    created_at: dt.datetime


class ProductUseOut(Schema):
    product_id: int
    product: str
    vendor: str
    bought: int
    latest_month: Optional[str] = None
    latest_used: Optional[int] = None
    peak_month: Optional[str] = None
    peak_used: Optional[int] = None
    utilisation_percent: Optional[int] = Field(None, description="Latest used / bought, whole percent, half up.")
    above_bought: bool = Field(False, description="The latest or peak month is above the licences bought: "
                                                  "a figure to check (kept as reported).")


class DistrictUsageOut(Schema):
    district_id: int
    fiscal_year: str
    starts: dt.date
    ends: dt.date
    products: list[ProductUseOut]


class PricePointOut(Schema):
    version: int
    since: dt.date
    list_price: str
    first_tier_price: str
    best_tier_price: str


class RenewalLineOut(Schema):
    product_id: int
    product: str
    bought: int
    buying_districts: int
    reporting_districts: int
    bought_reporting: int = Field(description="Bought by the districts that reported usage.")
    used: Optional[int] = None
    peak: Optional[int] = None
    utilisation_percent: Optional[int] = Field(None, description="used / bought_reporting, whole percent, half up.")
    above_bought: bool = Field(False, description="More used than bought by the districts that reported: to check.")
    price_change_percent: Optional[str] = Field(None, description="First-tier price, first schedule version "
                                                                  "to last; null with one version.")
    prices: list[PricePointOut]


class RenewalOut(Schema):
    agreement_id: int
    number: str
    title: str
    vendor: str
    end_date: dt.date
    days_left: int
    worst_utilisation_percent: Optional[int] = None
    lines: list[RenewalLineOut]


class RenewalsOut(Schema):
    today: dt.date
    window_starts: dt.date
    renewals: list[RenewalOut]
