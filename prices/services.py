"""Writes of outside prices: record one, withdraw one. Each checks who may, validates everything
before saving and records an audit event.

Who: consortium staff (for the consortium, or naming a member district) and district buyers (for
their own district). A price is withdrawn by staff or by a buyer of the district that recorded it.

Refused (ValidationError naming the field, nothing stored): a price outside $0.01 to
$10,000,000.00 or not in whole cents; for a catalog product the pool offers, a price under a
twentieth or over twenty times the pool's price now (a typo in the decimal point, a price per
carton typed as per unit: such a price would only mislead the renegotiation list), and one under
a third or over three times it unless the person confirms it (`confirm_far`: a real offer that
far from the pool's is rare; the confirmation is kept on the row); a quantity outside 1 to
1,000,000; a date in the future or more than five years back; text with a NUL character or too
long; a link that is not http(s); the same price twice while the first is not withdrawn: the same
member (or the consortium), product (or description without one), source (kind and name,
ignoring case and spaces), date and price (`prices.keys.duplicate_key`; a double submit, or two
buyers of a district recording the same quote), checked first and enforced by a unique index.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from accounts.acting import BUYER, STAFF, Actor, acts_as
from accounts.models import User
from audit.actions import AuditAction
from audit.services import audit_record
from catalog.models import Product
from core import clock
from core.bounds import QUANTITY_MAX, UNIT_PRICE_MAX
from core.limits import NOTE_MAX, SHORT_TEXT_MAX, check_int, check_money, check_text
from core.locks import lock
from members.models import District
from members.selectors import district_acting, district_is_member
from prices.keys import duplicate_key
from prices.models import Match, OutsidePrice, SourceKind

RECORDERS = (STAFF, BUYER)
# A price this many times below or above the pool's price now is refused as a typo.
PLAUSIBLE_FACTOR = Decimal(20)
# ... and this many times, unless the person confirms it.
CONFIRM_FACTOR = Decimal(3)
# How far back a price may have been seen.
OLDEST_YEARS = 5
URL_MAX = 500
SOURCE_NAME_MAX = 200


def _snapshot(row: OutsidePrice) -> dict[str, Any]:
    return {"district_id": row.district_id, "product_id": row.product_id, "description": row.description,
            "match": row.match, "unit_price": str(row.unit_price), "quantity": row.quantity,
            "seen_on": row.seen_on.isoformat(), "source_kind": row.source_kind,
            "source_name": row.source_name, "source_url": row.source_url,
            "withdrawn": row.withdrawn_at is not None, "confirmed_far": row.confirmed_far}


def _district_for(actor: Actor, district_id: Any, errors: dict) -> Optional[District]:
    if actor.role == BUYER:
        district = district_acting(actor)
        if district is None:
            raise PermissionDenied("Your organisation is not a district.")
        if district_id not in (None, "", district.pk):
            raise PermissionDenied("A buyer records prices for their own district only.")
        if not district_is_member(district):
            raise PermissionDenied("Only member districts record outside prices.")
        return district
    if district_id in (None, ""):
        return None
    if isinstance(district_id, bool) or not isinstance(district_id, int):
        errors["district_id"] = ["Choose a member district (or none for the consortium)."]
        return None
    district = District.objects.filter(pk=district_id).first()
    if district is None or not district_is_member(district):
        errors["district_id"] = ["No such member district."]
        return None
    return district


def _seen_on(value: Any, errors: dict) -> Optional[dt.date]:
    day = value
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
        except ValueError:
            day = None
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        errors["seen_on"] = ["A date as YYYY-MM-DD is required."]
        return None
    today = clock.today()
    if day > today:
        errors["seen_on"] = [f"The date it was seen cannot be in the future (today is {today:%Y-%m-%d})."]
    elif day < today.replace(year=today.year - OLDEST_YEARS, day=min(today.day, 28)):
        errors["seen_on"] = [f"At most {OLDEST_YEARS} years back: an older price says little about today's."]
    return day


def _take(errors: dict, field: str, call):
    try:
        return call()
    except ValidationError as exc:
        for messages in exc.message_dict.values():
            errors.setdefault(field, []).extend(messages)
        return None


@transaction.atomic
def outside_price_record(*, description: str, unit_price: Any, quantity: Any, seen_on: Any,
                         source_kind: str, source_name: str, source_url: str = "",
                         product_id: Optional[int] = None, match: str = Match.SAME,
                         district_id: Optional[int] = None, note: str = "", confirm_far: bool = False,
                         actor: Actor) -> OutsidePrice:
    """Record a price seen elsewhere (see the module's rules)."""
    if not acts_as(actor, RECORDERS) or actor.user is None:
        raise PermissionDenied("Consortium staff and district buyers record outside prices.")
    lock(User.objects.filter(pk=actor.user.pk))  # one at a time per person: a double submit waits, then is refused
    errors: dict[str, list[str]] = {}
    district = _district_for(actor, district_id, errors)
    description = _take(errors, "description", lambda: check_text(description, field="description",
                                                                  max_length=SHORT_TEXT_MAX, required=True))
    name = _take(errors, "source_name", lambda: check_text(source_name, field="source_name",
                                                           max_length=SOURCE_NAME_MAX, required=True))
    url = _take(errors, "source_url", lambda: check_text(source_url, field="source_url", max_length=URL_MAX))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["source_url"] = ["A link starting with http:// or https://, or nothing."]
    note = _take(errors, "note", lambda: check_text(note, field="note", max_length=NOTE_MAX))
    price = _take(errors, "unit_price", lambda: check_money(unit_price, field="unit_price",
                                                            maximum=UNIT_PRICE_MAX, allow_zero=False))
    units = _take(errors, "quantity", lambda: check_int(quantity, field="quantity", minimum=1,
                                                        maximum=QUANTITY_MAX, what="a whole number of units"))
    day = _seen_on(seen_on, errors)
    if source_kind not in SourceKind.values:
        errors["source_kind"] = [f"Choose one of: {', '.join(SourceKind.labels)}."]
    if match not in Match.values:
        errors["match"] = [f"Choose one of: {', '.join(Match.labels)}."]
    product = pool = None
    if product_id not in (None, ""):
        if isinstance(product_id, bool) or not isinstance(product_id, int):
            errors["product_id"] = ["No such catalog product."]
        else:
            product = Product.objects.filter(pk=product_id, active=True).first()
            if product is None:
                errors["product_id"] = ["No such catalog product."]
    if product is not None and price is not None:
        from prices.selectors import pool_price_of

        pool = pool_price_of(product.pk)
        if pool is not None and not pool / PLAUSIBLE_FACTOR <= price <= pool * PLAUSIBLE_FACTOR:
            errors.setdefault("unit_price", []).append(
                f"${price:,.2f} is implausible against the pool's ${pool:,.2f} for {product.name} "
                f"(more than {PLAUSIBLE_FACTOR} times apart): check the decimal point and that it is a "
                f"price per unit.")
        elif (pool is not None and not pool / CONFIRM_FACTOR <= price <= pool * CONFIRM_FACTOR
              and confirm_far is not True):
            errors.setdefault("confirm_far", []).append(
                f"${price:,.2f} is more than {CONFIRM_FACTOR} times from the pool's ${pool:,.2f} for "
                f"{product.name}: check the decimal point and that it is a price per unit, then tick "
                f"\"The price is right\" to record it.")
    if errors:
        raise ValidationError(errors)
    far = product is not None and pool is not None and not pool / CONFIRM_FACTOR <= price <= pool * CONFIRM_FACTOR
    key = duplicate_key(district_id=district.pk if district else None, product_id=product.pk if product else None,
                        description=description, source_kind=source_kind, source_name=name, seen_on=day,
                        unit_price=price)
    already = ValidationError({"unit_price": ["This price is already recorded (the same member, product, "
                                              "source, date and price): nothing was added."]})
    if OutsidePrice.objects.filter(duplicate_key=key, withdrawn_at__isnull=True).exists():
        raise already
    try:
        with transaction.atomic():
            row = OutsidePrice.objects.create(
                district=district, product=product, description=description, match=match, unit_price=price,
                quantity=units, seen_on=day, source_kind=source_kind, source_name=name, source_url=url,
                note=note, recorded_by=actor.user, recorded_at=clock.now(), confirmed_far=far,
                duplicate_key=key)
    except IntegrityError:  # recorded at the same moment by someone else (another buyer of the district)
        raise already from None
    audit_record(actor=actor, action=AuditAction.OUTSIDE_PRICE_RECORDED, obj=row, after=_snapshot(row))
    return row


def may_withdraw(actor: Optional[Actor], row: OutsidePrice) -> bool:
    if acts_as(actor, STAFF):
        return True
    if not acts_as(actor, BUYER) or row.district_id is None:
        return False
    district = district_acting(actor)
    return district is not None and district.pk == row.district_id


@transaction.atomic
def outside_price_withdraw(*, outside_price: OutsidePrice, actor: Actor) -> OutsidePrice:
    """Withdraw a price recorded by mistake: it stays on file, out of every comparison."""
    if not may_withdraw(actor, outside_price) or actor.user is None:
        raise PermissionDenied("Staff, or a buyer of the district that recorded it, withdraw a price.")
    lock(User.objects.filter(pk=actor.user.pk))
    before = _snapshot(outside_price)
    changed = OutsidePrice.objects.filter(pk=outside_price.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=clock.now(), withdrawn_by=actor.user)
    if not changed:
        raise ValidationError({"outside_price": ["This price was already withdrawn."]})
    outside_price.refresh_from_db()
    audit_record(actor=actor, action=AuditAction.OUTSIDE_PRICE_WITHDRAWN, obj=outside_price, before=before,
                 after=_snapshot(outside_price))
    return outside_price
