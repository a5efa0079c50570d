"""Reading orders, statements of rebates, and the replay that recomputes the ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from django.db.models import Count, Q, QuerySet, Sum

from accounts.acting import APPROVER, BUYER, STAFF, VENDOR, acts_as
from contracts.models import LineVolume
from orders.models import Order, OrderLine, RebateEntry, Settlement, VolumeEvent
from core.money import cents
from orders.pricing import LineReplay, apply_cancel, apply_order
from core.transitions import Transition
from orders.states import COUNTING, TRANSITIONS, OrderState


def orders_of_district(district) -> QuerySet[Order]:
    return Order.objects.filter(district=district).select_related("agreement__vendor").order_by("-created_at")


def orders_of_vendor(vendor) -> QuerySet[Order]:
    return (Order.objects.filter(agreement__vendor=vendor).exclude(state="draft")
            .select_related("district__organisation", "agreement").order_by("-submitted_at"))


# What waits for whom (the workspaces): an order above the district's limit waits for its
# approver (awaiting approval, or submitted before approval came first and not yet approved);
# the vendor acknowledges an order once it may go ahead, then fulfils it.
OPEN_STATES = (OrderState.DRAFT, OrderState.AWAITING_APPROVAL, OrderState.SUBMITTED, OrderState.APPROVED,
               OrderState.ACKNOWLEDGED)


def orders_awaiting_approval(district) -> QuerySet[Order]:
    return (Order.objects.filter(Q(state=OrderState.AWAITING_APPROVAL)
                                 | Q(state=OrderState.SUBMITTED, needs_approval=True), district=district)
            .select_related("agreement__vendor", "created_by").order_by("submitted_at", "pk"))


def order_counts_by_state(district) -> dict[str, int]:
    """Every order state (in the order of `OrderState`) with the district's count, zeros included."""
    counts = {state: 0 for state in OrderState.values}
    for row in Order.objects.filter(district=district).values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def orders_to_handle(vendor) -> QuerySet[Order]:
    """Orders the vendor has to acknowledge (placed and, above a limit, approved) or fulfil."""
    return (orders_of_vendor(vendor)
            .filter(Q(state=OrderState.APPROVED) | Q(state=OrderState.SUBMITTED, needs_approval=False)
                    | Q(state=OrderState.ACKNOWLEDGED))
            .order_by("submitted_at", "pk"))


@dataclass
class StatementRow:
    agreement_id: int
    agreement: str
    counterparty: str
    earned: Decimal
    settled: Decimal
    district_id: int

    @property
    def outstanding(self) -> Decimal:
        return self.earned - self.settled


def rebate_statement(*, district=None, vendor=None) -> list[StatementRow]:
    """What vendors owe members under each agreement: earned (true-ups less reversals), settled,
    outstanding. For a district (what it is owed) or a vendor (what it owes)."""
    qs = RebateEntry.objects.all()
    if district is not None:
        qs = qs.filter(district=district)
        group = ("agreement_id", "agreement__number", "agreement__vendor__legal_name", "district_id")
    else:
        qs = qs.filter(agreement__vendor=vendor)
        group = ("agreement_id", "agreement__number", "district__organisation__name", "district_id")
    rows = (qs.values(*group)
            .annotate(earned=Sum("amount", filter=~Q(kind=RebateEntry.Kind.SETTLEMENT)),
                      settled=Sum("amount", filter=Q(kind=RebateEntry.Kind.SETTLEMENT)))
            .order_by(group[1], group[2]))
    return [StatementRow(r["agreement_id"], r[group[1]], r[group[2]], cents(r["earned"] or Decimal(0)),
                         cents(-(r["settled"] or Decimal(0))), r["district_id"]) for r in rows]


def rebate_entries(*, district=None, vendor=None, agreement=None) -> QuerySet[RebateEntry]:
    qs = RebateEntry.objects.select_related("order_line__order", "order_line__product", "agreement",
                                            "district__organisation", "event__order")
    if district is not None:
        qs = qs.filter(district=district)
    if vendor is not None:
        qs = qs.filter(agreement__vendor=vendor)
    if agreement is not None:
        qs = qs.filter(agreement=agreement)
    return qs.order_by("-created_at", "-pk")


@dataclass
class RecomputeReport:
    lines_checked: int = 0
    events_replayed: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def rebates_recompute(*, agreement_ids: Optional[list[int]] = None) -> RecomputeReport:
    """Replay every agreement line's volume events through the pricing rules, from the orders
    alone, and compare with what is stored: each line's unit price, each line's true-ups and
    reversals, and the line's volume. Nothing is written. Works one agreement at a time, so memory
    stays bounded by the largest agreement's history."""
    report = RecomputeReport()
    if agreement_ids is None:
        agreement_ids = sorted(
            set(VolumeEvent.objects.order_by().values_list("agreement_id", flat=True).distinct())
            | set(Order.objects.exclude(state=OrderState.DRAFT).order_by().values_list("agreement_id", flat=True)
                  .distinct()))
    for agreement_id in agreement_ids:
        _recompute_agreement(agreement_id, report)
    return report


def _recompute_agreement(agreement_id: int, report: RecomputeReport) -> None:
    stored = defaultdict(Decimal)
    for row in (RebateEntry.objects.filter(agreement_id=agreement_id).exclude(kind=RebateEntry.Kind.SETTLEMENT)
                .values("order_line_id").annotate(total=Sum("amount"))):
        stored[row["order_line_id"]] = row["total"]
    events = list(VolumeEvent.objects.filter(agreement_id=agreement_id).order_by("line_reference", "seq")
                  .only("pk", "line_reference", "seq", "kind", "order_id", "delta", "volume_after").iterator(chunk_size=20000))
    from contracts.models import ScheduleEntry

    tiers = dict(ScheduleEntry.objects.filter(version__agreement_id=agreement_id).values_list("pk", "tiers"))
    lines_by_order_ref = defaultdict(list)
    prepaid: dict[int, Decimal] = {}
    for pk, order_id, ref, quantity, unit_price, amount, entry_id, quote_credit in (
            OrderLine.objects.filter(order__agreement_id=agreement_id).exclude(unit_price=None)
            .values_list("pk", "order_id", "line_reference", "quantity", "unit_price", "amount", "entry_id",
                         "quote_credit")
            .iterator(chunk_size=20000)):
        lines_by_order_ref[(order_id, ref)].append((pk, tiers[entry_id], quantity, unit_price, amount))
        if quote_credit:
            prepaid[pk] = quote_credit
    totals: dict[int, Decimal] = defaultdict(Decimal)
    volumes = dict(LineVolume.objects.filter(agreement_id=agreement_id).values_list("line_reference", "quantity"))
    expected = defaultdict(Decimal)
    ref, state = None, None
    for event in events + [None]:
        if event is None or event.line_reference != ref:
            if ref is not None and volumes.get(ref) != state.volume:
                report.differences.append(f"agreement {agreement_id} line {ref}: stored volume "
                                          f"{volumes.get(ref)}, replay {state.volume}")
            if event is None:
                break
            ref, state = event.line_reference, LineReplay()
        report.events_replayed += 1
        if event.kind == VolumeEvent.Kind.ORDER:
            lines = sorted(lines_by_order_ref[(event.order_id, ref)])
            priced, credits = apply_order(state, event.order_id, [(pk, t, q) for pk, t, q, _, _ in lines],
                                          prepaid=prepaid)
            for (pk, _, quantity, unit_price, amount), p in zip(lines, priced):
                report.lines_checked += 1
                if unit_price != p.unit_price:
                    report.differences.append(f"order line {pk}: stored price {unit_price}, replay {p.unit_price}")
                if amount != cents(p.unit_price * quantity):
                    report.differences.append(f"order line {pk}: stored amount {amount}, replay "
                                              f"{cents(p.unit_price * quantity)}")
                totals[event.order_id] += cents(p.unit_price * quantity)
        else:
            _, credits = apply_cancel(state, event.order_id)
        for credit in credits:
            expected[credit.line_id] += credit.amount
        if state.volume != event.volume_after:
            report.differences.append(f"event {event.pk}: stored volume after {event.volume_after}, "
                                      f"replay {state.volume}")
    for line_id in sorted(set(expected) | set(stored)):
        if expected[line_id] != stored[line_id]:
            report.differences.append(f"order line {line_id}: ledger {stored[line_id]}, replay {expected[line_id]}")
    _check_events_against_orders(agreement_id, events, report)
    _check_billing(agreement_id, totals, report)


def _check_billing(agreement_id: int, totals: dict[int, Decimal], report: RecomputeReport) -> None:
    """What members are billed and paid: each placed order's total is the sum of its replayed line
    amounts, and each settlement is one ledger entry of the same amount, negative."""
    for order_id, total, credit in (Order.objects.filter(agreement_id=agreement_id, priced_at__isnull=False)
                                    .values_list("pk", "total", "quote_credit").iterator(chunk_size=20000)):
        # A quote's credit comes off the lines' pooled amounts (orders.quotes).
        if order_id in totals and total + credit != totals[order_id]:
            report.differences.append(f"order {order_id}: stored total {total} + quote credit {credit}, "
                                      f"replay {totals[order_id]}")
    line_credits = dict(OrderLine.objects.filter(order__agreement_id=agreement_id, quote_credit__gt=0)
                        .values("order_id").annotate(total=Sum("quote_credit")).values_list("order_id", "total"))
    for order_id, credit in (Order.objects.filter(agreement_id=agreement_id, priced_at__isnull=False)
                             .filter(Q(quote_credit__gt=0) | Q(pk__in=list(line_credits)))
                             .values_list("pk", "quote_credit")):
        if line_credits.get(order_id, Decimal(0)) != credit:
            report.differences.append(f"order {order_id}: quote credit {credit}, its lines' shares "
                                      f"{line_credits.get(order_id, Decimal(0))}")
    entries = defaultdict(list)
    for settlement_id, amount in (RebateEntry.objects.filter(agreement_id=agreement_id,
                                                             kind=RebateEntry.Kind.SETTLEMENT)
                                  .values_list("settlement_id", "amount")):
        entries[settlement_id].append(amount)
    for settlement_id, amount in Settlement.objects.filter(agreement_id=agreement_id).values_list("pk", "amount"):
        if entries.pop(settlement_id, None) != [-amount]:
            report.differences.append(f"settlement {settlement_id} of {amount}: the ledger does not hold "
                                      f"exactly one entry of {-amount}")
    for settlement_id in sorted(entries, key=lambda k: (k is None, k or 0)):
        report.differences.append(f"ledger settlement entries {entries[settlement_id]} without a settlement "
                                  f"({settlement_id})")


def _check_events_against_orders(agreement_id: int, events: list[VolumeEvent], report: RecomputeReport) -> None:
    """The events themselves must follow from the orders: a placed, not cancelled order has one
    ORDER event per agreement line it orders, for exactly its quantity, and no CANCEL; an order
    cancelled after it was placed has both, netting to zero; a draft, or an order cancelled as a
    draft, has none. So an order whose state changed without its event (or the reverse) is found."""
    by_order: dict[int, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        by_order[event.order_id][event.line_reference].append((event.kind, event.delta))
    quantities: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for order_id, ref, quantity in (OrderLine.objects.filter(order__agreement_id=agreement_id)
                                    .values_list("order_id", "line_reference", "quantity").iterator(chunk_size=20000)):
        quantities[order_id][ref] += quantity
    order_kinds = (VolumeEvent.Kind.ORDER, VolumeEvent.Kind.CANCEL)
    for order_id, state, priced_at in (Order.objects.filter(agreement_id=agreement_id)
                                       .values_list("pk", "state", "priced_at").iterator(chunk_size=20000)):
        # Counted: priced (at submission, or at approval above the limit) and not a draft or an
        # order still awaiting its approver, which count nothing.
        placed = priced_at is not None and (state in COUNTING or state == OrderState.CANCELLED)
        seen = by_order.pop(order_id, {})
        for ref in sorted(set(quantities[order_id]) | set(seen)):
            got = seen.get(ref, [])
            quantity = quantities[order_id].get(ref, 0)
            if not placed:
                wanted = []
            elif state == OrderState.CANCELLED:
                wanted = [(order_kinds[0], quantity), (order_kinds[1], -quantity)]
            else:
                wanted = [(order_kinds[0], quantity)]
            if got != wanted:
                report.differences.append(
                    f"order {order_id} ({state}) line {ref}: volume events {_describe(got)}, "
                    f"the order's state and quantity call for {_describe(wanted)}")
    for order_id in sorted(by_order):
        report.differences.append(f"order {order_id}: volume events for an order not under agreement {agreement_id}")


def _describe(events: list[tuple[str, int]]) -> str:
    return ", ".join(f"{kind} {delta:+d}" for kind, delta in events) or "none"


def order_lines_in_period(*, agreement, start, end) -> QuerySet[OrderLine]:
    """Order lines that count (priced, not cancelled: `COUNTING`) under `agreement` submitted
    between `start` and `end` (dates, inclusive), for reconciling a vendor's sales report:
    district, product, quantity, unit price, amount, order number. An order awaiting its approver
    is not priced and not yet a sale, so it is left out (it crashed reconciliation before)."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return (OrderLine.objects.filter(order__agreement=agreement, order__submitted_at__gte=since,
                                     order__submitted_at__lt=until)
            .filter(order__state__in=COUNTING)
            .select_related("order__district__organisation", "product").order_by("order__submitted_at", "pk"))


def order_for_actor(*, order_id: int, actor) -> Order:
    """An order the actor may see: its district's people, the agreement's vendor, staff."""
    order = (Order.objects.select_related("district__organisation", "agreement__vendor__organisation")
             .filter(pk=order_id).first())
    if order is None:
        raise Order.DoesNotExist(f"No order {order_id}.")
    if acts_as(actor, STAFF) or actor.acts_for(order.district.organisation) or (
            acts_as(actor, VENDOR, order.agreement.vendor.organisation) and order.state != "draft"):
        return order
    raise Order.DoesNotExist(f"No order {order_id}.")


def actor_is_district(actor, district, roles: tuple[str, ...]) -> bool:
    """The district's own people in these roles (or the system, e.g. the demo or an import)."""
    return actor.is_system or (actor.role in roles and actor.acts_for(district.organisation))


def actor_is_vendor(actor, agreement) -> bool:
    return actor.is_system or (actor.role == VENDOR and actor.acts_for(agreement.vendor.organisation))


def order_awaits_approver(order: Order) -> bool:
    """Above the district's limit and not approved yet."""
    return order.needs_approval and order.state in TRANSITIONS["approve"].sources


def order_actions(*, order: Order, actor) -> dict[str, Transition]:
    """The steps of orders.states.TRANSITIONS this actor may take on this order now, by action
    (the same conditions as the services: the table, then who, then the approval limit)."""
    def may(action: str) -> bool:
        if action == "submit":  # submission itself goes on to approval when above the limit
            return actor_is_district(actor, order.district, (BUYER,))
        if action in ("approve", "reject"):  # reject: the table allows it only before anything is counted
            return order_awaits_approver(order) and actor_is_district(actor, order.district, (APPROVER,))
        if action in ("acknowledge", "fulfil"):
            return actor_is_vendor(actor, order.agreement) and not (
                action == "acknowledge" and order_awaits_approver(order))
        if action == "cancel":
            return (actor_is_district(actor, order.district, (BUYER, APPROVER))
                    or actor_is_vendor(actor, order.agreement) or actor.role == STAFF)
        return False  # submit_for_approval: taken by submitting

    return {step.action: step for step in TRANSITIONS.allowed_from(order.state) if may(step.action)}


def counted_spend(*, district) -> list[tuple[str, dt.date, Decimal]]:
    """The district's orders that count (orders.states.COUNTING): (vendor, local date counted,
    total), oldest first; what its spend charts are drawn from."""
    from core.clock import date_of

    rows = (Order.objects.filter(district=district, state__in=COUNTING, priced_at__isnull=False)
            .order_by("priced_at", "pk").values_list("agreement__vendor__legal_name", "priced_at", "total"))
    return [(vendor, date_of(at), total) for vendor, at, total in rows]


def ordered_quantities(*, solicitation_id: int) -> dict[tuple[int, str], int]:
    """Units ordered under the agreements awarded from one solicitation, by (district id,
    solicitation line reference): orders that count (priced, not cancelled) only."""
    rows = (OrderLine.objects.filter(order__agreement__solicitation_id=solicitation_id,
                                     order__state__in=COUNTING)
            .values("order__district_id", "line_reference").annotate(units=Sum("quantity")))
    return {(r["order__district_id"], r["line_reference"]): r["units"] for r in rows}


# --- Reads for analytics.savings (the per-line savings table) ------------------------------


def counted_lines_for_savings(*, line_ids=None, after_pk: int = 0, limit: Optional[int] = None) -> list[OrderLine]:
    """Priced order lines of counted (not cancelled, not rejected) orders, with what savings need:
    the order (district, agreement, vendor), the schedule entry (its tiers) and the product. By
    line id; `after_pk`/`limit` page through all of them."""
    rows = (OrderLine.objects.filter(order__state__in=COUNTING, order__priced_at__isnull=False,
                                     unit_price__isnull=False, pk__gt=after_pk)
            .select_related("order__district", "order__agreement", "entry", "product").order_by("pk"))
    if line_ids is not None:
        rows = rows.filter(pk__in=list(line_ids))
    return list(rows[:limit] if limit else rows)


def earned_rebates_by_line(line_ids) -> dict[int, list[tuple[dt.datetime, Decimal]]]:
    """The true-ups (and their reversals) each order line earned, with when: {line id: [(at, amount)]}."""
    found: dict[int, list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
    for line_id, at, amount in (RebateEntry.objects.filter(order_line_id__in=list(line_ids),
                                                           kind__in=[RebateEntry.Kind.TRUE_UP,
                                                                     RebateEntry.Kind.REVERSAL])
                                .order_by("pk").values_list("order_line_id", "created_at", "amount")):
        found[line_id].append((at, amount))
    return found


def lines_touched_by_order(order_id: int) -> list[int]:
    """The order's own lines and the earlier lines its volume events wrote true-ups for (or
    reversed): what changes when the order is priced or cancelled."""
    own = list(OrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True))
    others = (RebateEntry.objects.filter(event__order_id=order_id, order_line__isnull=False)
              .values_list("order_line_id", flat=True).distinct())
    return sorted(set(own) | set(others))


def line_ids_after(after_pk: int, limit: int) -> list[int]:
    """Ids of all order lines (any state) after `after_pk`, in order: for a full rebuild."""
    return list(OrderLine.objects.filter(pk__gt=after_pk).order_by("pk").values_list("pk", flat=True)[:limit])


def rebate_ledger_in_period(*, district, start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, Decimal]]:
    """Per agreement id: rebates the district earned (true-ups net of reversals) and the vendor
    settled (credit notes and payments, as a positive amount) in [start, end)."""
    found: dict[int, dict[str, Decimal]] = defaultdict(lambda: {"earned": Decimal(0), "settled": Decimal(0)})
    for agreement_id, kind, total in (RebateEntry.objects.filter(district=district, created_at__gte=start,
                                                                 created_at__lt=end)
                                      .values_list("agreement_id", "kind").annotate(total=Sum("amount"))
                                      .values_list("agreement_id", "kind", "total")):
        key = "settled" if kind == RebateEntry.Kind.SETTLEMENT else "earned"
        found[agreement_id][key] += -total if key == "settled" else total
    return dict(found)


def counted_line_ids_of_district(district_id: int, *, product_ids=None, category_ids=None) -> list[int]:
    """Ids of a district's counted order lines, optionally only for these products or categories."""
    rows = OrderLine.objects.filter(order__district_id=district_id, order__state__in=COUNTING,
                                    order__priced_at__isnull=False)
    if product_ids is not None:
        rows = rows.filter(product_id__in=list(product_ids))
    if category_ids is not None:
        rows = rows.filter(product__category_id__in=list(category_ids))
    return list(rows.values_list("pk", flat=True))


def districts_per_line(*, agreement_ids) -> dict[tuple[int, str], set[int]]:
    """The districts with orders that count (orders.states.COUNTING) on each agreement line:
    {(agreement id, line reference): {district id, ...}}, in one query."""
    rows = (OrderLine.objects.filter(order__agreement_id__in=list(agreement_ids), order__state__in=COUNTING)
            .values_list("order__agreement_id", "line_reference", "order__district_id").distinct())
    out: dict[tuple[int, str], set[int]] = defaultdict(set)
    for agreement_id, ref, district_id in rows:
        out[(agreement_id, ref)].add(district_id)
    return dict(out)


def spend_buckets_of_lines(line_ids, *, order_id: Optional[int] = None) -> set[tuple[int, dt.date]]:
    """The (district id, first day of the month) pairs the lines' spend and rebates fall in: their
    order's pricing month and the months of their true-ups and reversals (and of the order's own
    volume events' entries, with or without a line), on the consortium's calendar."""
    from core.clock import date_of

    ids = list(line_ids)
    found: set[tuple[int, dt.date]] = set()
    for district_id, priced_at in (OrderLine.objects.filter(pk__in=ids, order__priced_at__isnull=False)
                                   .values_list("order__district_id", "order__priced_at").distinct()):
        found.add((district_id, date_of(priced_at).replace(day=1)))
    entries = Q(order_line_id__in=ids)
    if order_id is not None:
        entries |= Q(event__order_id=order_id)
    for district_id, at in (RebateEntry.objects.filter(entries, kind__in=[RebateEntry.Kind.TRUE_UP,
                                                                          RebateEntry.Kind.REVERSAL])
                            .values_list("district_id", "created_at")):
        found.add((district_id, date_of(at).replace(day=1)))
    return found


def agreements_of_lines(line_ids, *, order_id: Optional[int] = None) -> set[int]:
    """The agreements of the lines' orders (and of the order): every row the lines' spend, rebates
    and savings add to is one of these agreements'."""
    found = set(OrderLine.objects.filter(pk__in=list(line_ids)).values_list("order__agreement_id", flat=True).distinct())
    if order_id is not None:
        found |= set(Order.objects.filter(pk=order_id).values_list("agreement_id", flat=True))
    return found


def orders_placed_count() -> int:
    """For operators' metrics (ops.metrics): orders ever placed (submitted by a district), whatever
    became of them since. A count only."""
    return Order.objects.filter(submitted_at__isnull=False).count()
