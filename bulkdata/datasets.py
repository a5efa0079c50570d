"""The four files a member downloads, what each holds (the column dictionary shown on the page and
in the API), and where their rows come from: the owning apps' export selectors
(`orders.bulk`, `contracts.selectors.bulk`, `compliance.selectors.bulk`). Nothing here reads
another app's tables.

A row is a tuple of raw values in the order of the dataset's columns; `bulkdata.writers` turns
them into CSV or XLSX cells by the column's kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from compliance.selectors.bulk import decision_rows, decisions_for_export
from contracts.selectors.bulk import participation_rows, participations_for_export
from contracts.states import AwardKind
from orders.bulk import (ORDER_STATE_LABELS, REBATE_KIND_LABELS, SETTLEMENT_METHOD_LABELS,
                         order_lines_for_export, rebate_entries_for_export)

# How many rows the database hands over at a time while a file streams.
CHUNK_SIZE = 2000

TEXT, INT, MONEY, DATE, MOMENT, YESNO = "text", "integer", "money", "date", "date and time", "yes/no"

KIND_HELP = {
    TEXT: "text",
    INT: "a whole number",
    MONEY: "US dollars to the cent; in CSV a plain number with a point (1234.50), in Excel a number shown as $1,234.50",
    DATE: "a day: 2027-01-31",
    MOMENT: ("a moment in the consortium's local time, to the second; in CSV with its offset from UTC "
             "(2027-01-31T14:05:00-08:00), in Excel as a date and time"),
    YESNO: "yes or no",
}


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str
    help: str


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    what: str  # one sentence: what a row is
    notes: str
    columns: tuple[Column, ...]
    rows: Callable[[Optional[int]], Iterator[tuple]]
    count: Callable[[Optional[int]], int]

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def filename(self, district_id: Optional[int], ext: str) -> str:
        return f"edpool-{self.key}-{'district-' + str(district_id) if district_id else 'all-districts'}.{ext}"


def _district_columns(noun: str) -> tuple[Column, ...]:
    return (Column("district_id", "District id", INT, f"EdPool's id of the district the {noun} belongs to."),
            Column("district", "District", TEXT, "The district's name."),
            Column("district_state", "District's state", TEXT, "Two letters, such as CA."))


def _label(labels: dict[str, str], value) -> str:
    return labels.get(value, value or "")


# --- Orders: one row per order line -------------------------------------------------------------

ORDER_COLUMNS = _district_columns("order") + (
    Column("order_id", "Order id", INT, "EdPool's id of the order."),
    Column("order_number", "Order number", TEXT, "The order's number in EdPool, e.g. PO-12-2027-0003."),
    Column("order_reference", "Your PO number", TEXT, "The district's own purchase order number, if given."),
    Column("order_status", "Order status", TEXT, "Draft, Submitted, Awaiting the approver, Approved, "
           "Acknowledged by the vendor, Fulfilled, Cancelled or Rejected by the approver."),
    Column("agreement_number", "Agreement", TEXT, "The master agreement the order is placed under."),
    Column("vendor", "Vendor", TEXT, "The vendor's legal name."),
    Column("created_at", "Created", MOMENT, "When the order was started."),
    Column("submitted_at", "Submitted", MOMENT, "When it was submitted (empty for a draft)."),
    Column("priced_at", "Priced and counted", MOMENT, "When it was priced and counted toward the pooled "
           "volume (empty while a draft or awaiting the approver)."),
    Column("approved_at", "Approved", MOMENT, "When the district's approver approved it, if it needed approval."),
    Column("acknowledged_at", "Acknowledged", MOMENT, "When the vendor acknowledged it."),
    Column("fulfilled_at", "Fulfilled", MOMENT, "When the vendor marked it fulfilled."),
    Column("cancelled_at", "Cancelled", MOMENT, "When it was cancelled."),
    Column("order_total", "Order total", MONEY, "What the order is billed: the lines' amounts less the quote "
           "credit. Repeated on each line of the order: add it up once per order, not per line."),
    Column("order_quote_credit", "Order's quote credit", MONEY, "What the vendor's mini-competition quote takes "
           "off the pooled price of the whole order."),
    Column("line_id", "Line id", INT, "EdPool's id of the order line."),
    Column("line_reference", "Line reference", TEXT, "The agreement's line (e.g. CB) the product is bought under."),
    Column("product_id", "Product id", INT, "EdPool's id of the product."),
    Column("product", "Product", TEXT, "The product's name."),
    Column("quantity", "Quantity", INT, "Units ordered."),
    Column("list_price", "List price", MONEY, "The schedule's list price per unit."),
    Column("unit_price", "Unit price", MONEY, "The pooled price per unit when the order was priced (empty "
           "before). A better tier reached later is paid back as a rebate, not by changing this price."),
    Column("line_amount", "Line amount", MONEY, "Quantity x unit price (empty before pricing)."),
    Column("line_quote_credit", "Line's quote credit", MONEY, "This line's share of the order's quote credit."),
)


def _order_rows(district_id: Optional[int]) -> Iterator[tuple]:
    for row in order_lines_for_export(district_id=district_id).iterator(chunk_size=CHUNK_SIZE):
        yield (*row[:6], _label(ORDER_STATE_LABELS, row[6]), *row[7:])


ORDERS = Dataset(
    key="orders", title="Orders", what="One row per order line, with its order's figures on each line.",
    notes="Every order in every state, drafts and cancelled ones included (the status says which). "
          "An order without any line yet (a draft just started) has no row. Who placed or approved an "
          "order is not included.",
    columns=ORDER_COLUMNS, rows=_order_rows,
    count=lambda district_id: order_lines_for_export(district_id=district_id).count())


# --- Rebates: the ledger --------------------------------------------------------------------------

REBATE_COLUMNS = _district_columns("rebate entry") + (
    Column("entry_id", "Entry id", INT, "EdPool's id of the ledger entry."),
    Column("kind", "Kind", TEXT, "True-up (earned: a better tier was reached), Reversed (the order was "
           "cancelled) or Settled by the vendor (paid by credit note or payment)."),
    Column("recorded_at", "Recorded", MOMENT, "When the entry was made (for a true-up: when it was earned)."),
    Column("agreement_number", "Agreement", TEXT, "The master agreement."),
    Column("vendor", "Vendor", TEXT, "The vendor's legal name."),
    Column("order_number", "Order number", TEXT, "The order whose line earned the true-up (empty for a settlement)."),
    Column("line_reference", "Line reference", TEXT, "The agreement's line of that order line."),
    Column("product", "Product", TEXT, "The product of that order line."),
    Column("unit_price_from", "Unit price before", MONEY, "The price per unit the line was billed at."),
    Column("unit_price_to", "Unit price after", MONEY, "The better tier's price per unit."),
    Column("amount", "Amount", MONEY, "What the vendor owes the district: positive when earned, negative for "
           "a reversal or a settlement. The sum of a district's entries is what it is still owed."),
    Column("settlement_method", "Settled by", TEXT, "Credit note or Payment (settlements only)."),
    Column("settlement_reference", "Settlement reference", TEXT, "The vendor's credit note or payment reference."),
    Column("settled_at", "Settlement recorded", MOMENT, "When the settlement was recorded."),
)


def _rebate_rows(district_id: Optional[int]) -> Iterator[tuple]:
    for row in rebate_entries_for_export(district_id=district_id).iterator(chunk_size=CHUNK_SIZE):
        yield (*row[:4], _label(REBATE_KIND_LABELS, row[4]), *row[5:14],
               _label(SETTLEMENT_METHOD_LABELS, row[14]), *row[15:])


REBATES = Dataset(
    key="rebates", title="Rebates", what="One row per entry of the rebate ledger: earned, reversed or settled.",
    notes="Orders are never repriced: when the consortium's volume reaches a better tier, each earlier "
          "line earns a true-up for the difference. A cancelled order's true-ups are reversed; what a "
          "vendor pays is recorded as a negative settlement entry.",
    columns=REBATE_COLUMNS, rows=_rebate_rows,
    count=lambda district_id: rebate_entries_for_export(district_id=district_id).count())


# --- Participations: agreements joined ----------------------------------------------------------

PARTICIPATION_COLUMNS = _district_columns("participation") + (
    Column("participation_id", "Participation id", INT, "EdPool's id of the participation agreement."),
    Column("agreement_number", "Agreement", TEXT, "The master agreement joined."),
    Column("agreement_title", "Agreement title", TEXT, "What the agreement is for."),
    Column("vendor", "Vendor", TEXT, "The vendor's legal name."),
    Column("agreement_status", "Agreement status", TEXT, "Pending signature, Active, Expired or Terminated, today."),
    Column("agreement_starts", "Agreement starts", DATE, "First day of the agreement's term."),
    Column("agreement_ends", "Agreement ends", DATE, "Last day of its current term."),
    Column("status", "Participation status", TEXT, "Prepared by the buyer, Approved by the district, "
           "Countersigned: active, Withdrawn, Ended or Rejected by the approver."),
    Column("estimated_value", "Estimated yearly spend", MONEY, "As stated when joining."),
    Column("prepared_at", "Prepared", MOMENT, "When the buyer prepared it."),
    Column("approved_at", "Approved", MOMENT, "When the district's approver approved it, if needed."),
    Column("countersigned_at", "Countersigned", MOMENT, "When the vendor countersigned it (it is then active)."),
    Column("closed_reason", "Reason closed", TEXT, "Why it was withdrawn, ended or rejected."),
    Column("board_finding_on", "Board finding date", DATE, "The date of the board's finding for using the "
           "agreement, where the state requires one."),
    Column("board_finding_reference", "Board finding reference", TEXT, "E.g. the board resolution number."),
    Column("dpa_joinder_id", "DPA joinder id", INT, "The data privacy agreement joinder adopted when joining, if any."),
    Column("dpa_joinder_status", "DPA joinder status", TEXT, "That joinder today: in force, not yet in force, "
           "expired, under review, withdrawn or proposed by the vendor."),
    Column("dpa_in_force_today", "DPA in force today", YESNO, "Whether the district has a data privacy "
           "agreement (its own or a joinder) with the vendor, for its state, in force today."),
    Column("compliance_decision_ids", "Compliance decisions", TEXT, "Ids of the compliance decisions recorded "
           "when joining, separated by spaces (see the compliance decisions file)."),
)

PARTICIPATIONS = Dataset(
    key="participations", title="Participations",
    what="One row per participation agreement: an agreement the district joined or prepared to join.",
    notes="Every participation in every state. Statuses (agreement, DPA) are as of the day of the download.",
    columns=PARTICIPATION_COLUMNS, rows=lambda district_id: participation_rows(district_id=district_id),
    count=lambda district_id: participations_for_export(district_id=district_id).count())


# --- Compliance decisions -----------------------------------------------------------------------

AWARD_KIND_LABELS = dict(AwardKind.choices)

DECISION_COLUMNS = _district_columns("decision") + (
    Column("decision_id", "Decision id", INT, "EdPool's id of the decision; its page shows the full explanation."),
    Column("decided_at", "Recorded", MOMENT, "When the decision was recorded."),
    Column("on_date", "For the date", DATE, "The day the rules were applied for."),
    Column("product_id", "Product id", INT, "EdPool's id of the product."),
    Column("product", "Product", TEXT, "The product's name."),
    Column("vendor", "Vendor", TEXT, "The product's vendor (legal name)."),
    Column("purpose", "Purpose", TEXT, "What the decision was recorded for (e.g. joining an agreement)."),
    Column("award_kind", "Award kind", TEXT, "Multi-award or Single award, when the rules depend on it."),
    Column("annual_value", "Yearly value", MONEY, "The yearly value the rules were applied to, if given."),
    Column("verdict", "Verdict", TEXT, "Allowed, Allowed after steps, Not researched or Blocked."),
    Column("summary", "Summary", TEXT, "The main reason, in one sentence."),
    Column("rule_versions", "Rules applied", TEXT, "The state rules and their versions used, e.g. "
           "\"ca-ab1584-dpa v2; ca-piggyback v1\"."),
)


def _decision_rows(district_id: Optional[int]) -> Iterator[tuple]:
    for row in decision_rows(district_id=district_id):
        yield (*row[:10], _label(AWARD_KIND_LABELS, row[10]), *row[11:])


DECISIONS = Dataset(
    key="decisions", title="Compliance decisions",
    what="One row per recorded compliance decision: may the district use this product, and why.",
    notes="Who recorded a decision is not included.",
    columns=DECISION_COLUMNS, rows=_decision_rows,
    count=lambda district_id: decisions_for_export(district_id=district_id).count())


DATASETS: dict[str, Dataset] = {d.key: d for d in (ORDERS, REBATES, PARTICIPATIONS, DECISIONS)}
