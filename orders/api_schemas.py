"""Request and response bodies of the orders API (`orders.api`).

Response names are unique across the whole OpenAPI document. Money is a string of dollars and
cents (`MoneyText`), as the API has always sent it."""

from datetime import datetime
from typing import Optional

from ninja import Schema
from pydantic import ConfigDict, Field

from core.api_types import Amount, Id, MoneyText, Quantity, text_of
from orders.models import Order, Settlement


class OrderLineIn(Schema):
    product_id: Id
    quantity: Quantity


class OrderIn(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"agreement_id": 3, "lines": [{"product_id": 12, "quantity": 40}], "reference": "PO-2026-117",
         "submit": False}]})

    agreement_id: Id
    lines: list[OrderLineIn]
    reference: text_of(Order.reference) = ""
    submit: bool = False


class OrderCancelIn(Schema):
    reason: text_of(Order.cancel_reason)


class SettlementIn(Schema):
    agreement_id: Id
    district_id: Id
    amount: Amount
    method: text_of(Settlement.method)
    reference: text_of(Settlement.reference)


class OrderLineOut(Schema):
    id: int
    product_id: int
    product: str
    line: str = Field(description="The agreement's price line the product is bought under.")
    quantity: int
    list_price: MoneyText
    unit_price: Optional[MoneyText] = Field(description="Null until priced on submission.")
    amount: Optional[MoneyText] = Field(description="Null until priced on submission.")
    volume_after: Optional[int] = Field(
        description="The agreement's cumulative volume on this line after this order.")


class OrderOut(Schema):
    id: int
    number: str
    district: str
    agreement: str = Field(description="The agreement's number.")
    agreement_id: int
    state: str
    needs_approval: bool
    reference: str
    total: MoneyText
    submitted_at: Optional[datetime]
    lines: list[OrderLineOut]


class RebateStatementRowOut(Schema):
    agreement_id: int
    agreement: str = Field(description="The agreement's number.")
    counterparty: str = Field(description="For a district the vendor; for a vendor the district.")
    district_id: int
    earned: MoneyText
    settled: MoneyText
    outstanding: MoneyText


class SettlementOut(Schema):
    id: int
    amount: MoneyText
    method: str
    reference: str
