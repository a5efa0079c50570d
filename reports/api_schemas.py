"""Request and response schemas of the sales-reports API (reports, reconciliation, fee invoices).

Names are unique across the whole OpenAPI document (Ninja keeps one schema per name), hence the
prefixes. Money and rates are answered as decimal strings (`core.api_types.MoneyText`), dates as
ISO dates, moments as ISO date-times.
"""

from datetime import date, datetime
from typing import Annotated, Any, Optional

from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema

from core.api_types import Day, MoneyText, RateText, text, text_of
from core.limits import AMOUNT_MAX, ID_MAX, QUANTITY_MAX, UNIT_PRICE_MAX
from reports.models import FeeInvoice, ReconciliationItem

# Requests

def _money(maximum) -> dict:
    return {"anyOf": [{"type": "number", "minimum": 0.01, "maximum": float(maximum)},
                      {"type": "string", "pattern": r"^\$?[0-9,]{1,16}(\.[0-9]{1,2})?$"}]}


# The lines are checked by the service, which names each problem lines[N].field with N from 1
# (as on the form and in the CSV); the document states what a line holds.
SALES_LINE = {
    "type": "object",
    "properties": {
        "district": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": ID_MAX}, {"type": "string", "maxLength": 300}],
                     "description": "Name, NCES LEAID, state id (CA-0110017) or EdPool id."},
        "product": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": ID_MAX}, {"type": "string", "maxLength": 200}],
                    "description": "EdPool id or exact name on the price schedule."},
        "quantity": {"type": "integer", "minimum": 1, "maximum": QUANTITY_MAX},
        "unit_price": _money(UNIT_PRICE_MAX),
        "amount": {**_money(AMOUNT_MAX), "description": "Optional: checked against quantity x unit price."},
        "order_number": {"type": "string", "maxLength": 40},
    },
    "required": ["district", "product", "quantity", "unit_price"],
}


class SalesReportIn(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"quarter": "2026-Q1", "lines": [
            {"district": "CA-0161119", "product": 12, "quantity": 30, "unit_price": "289.00",
             "amount": "8670.00", "order_number": ""}]}]})

    quarter: text(10) = Field(description="The quarter, e.g. 2026-Q1.")
    lines: Annotated[list[dict[str, Any]],
                     WithJsonSchema({"type": "array", "items": SALES_LINE, "default": []})] = []


class ReconciliationResolveIn(Schema):
    note: text_of(ReconciliationItem.resolution_note)


class FeeInvoicePaidIn(Schema):
    payment_reference: text_of(FeeInvoice.payment_reference)
    paid_on: Optional[Day] = None


# Responses

class FeeInvoiceOut(Schema):
    """An administrative-fee invoice: the agreement's fee rate on a report's sales."""

    id: int
    number: str
    report_id: int
    agreement: str = Field(description="The agreement's number.")
    vendor: str
    quarter: str = Field(description="The quarter, e.g. 2026-Q1.")
    report_version: int = Field(description="The report version the fee was computed from.")
    sales_amount: MoneyText
    fee_rate: RateText
    fee_amount: MoneyText
    state: str
    issued_at: datetime
    due_on: date
    paid_on: Optional[date]
    payment_reference: str


class SalesReportLineOut(Schema):
    line: int = Field(description="Line number, from 1.")
    district_id: int
    district: str
    district_given: str = Field(description="The district as the vendor named it.")
    product_id: int
    product: str
    quantity: int
    unit_price: MoneyText
    amount: MoneyText
    order_number: str


class SalesReportVersionOut(Schema):
    version: int
    submitted_at: datetime
    source: str = Field(description="form, csv or api")
    line_count: int
    total_amount: MoneyText


class SalesReportOut(Schema):
    """A quarter's sales report as listed (its current version)."""

    id: int
    agreement_id: int
    agreement: str = Field(description="The agreement's number.")
    vendor: str
    quarter: str = Field(description="The quarter, e.g. 2026-Q1.")
    due: date
    version: int = Field(description="The current version's number.")
    submitted_at: datetime
    source: str = Field(description="form, csv or api")
    late: bool
    line_count: int
    total_quantity: int
    total_amount: MoneyText
    open_items: int = Field(description="Reconciliation items still open.")
    invoice: Optional[FeeInvoiceOut]


class SalesReportDetailOut(SalesReportOut):
    """A sales report with the lines of its current version and every version."""

    lines: list[SalesReportLineOut]
    versions: list[SalesReportVersionOut]


class SalesQuarterOut(Schema):
    """A reporting quarter of an agreement, with its status today."""

    agreement_id: int
    agreement: str
    vendor: str
    quarter: str
    start: date
    end: date
    due: date
    status: str
    report_id: Optional[int]
    days_overdue: int


class ReconciliationItemOut(Schema):
    id: int
    kind: str
    state: str
    district_id: int
    district: str
    product_id: int
    product: str
    order_number: Optional[str]
    report_lines: list[int] = Field(description="The report's line numbers concerned.")
    order_numbers: list[str]
    reported_quantity: int
    reported_amount: MoneyText
    ordered_quantity: int
    ordered_amount: MoneyText
    reported_unit_price: Optional[MoneyText]
    expected_unit_price: Optional[MoneyText]
    detail: str
    resolution_note: str
    resolved_at: Optional[datetime]


class ReconciliationOut(Schema):
    """The current version's findings against the quarter's orders, and the fee they give."""

    report_id: int
    version: int
    counts: dict[str, int] = Field(description="Items per kind.")
    open_items: int
    sales_amount: MoneyText
    fee_rate: RateText
    fee_amount: MoneyText
    ready_to_invoice: bool
    items: list[ReconciliationItemOut]
