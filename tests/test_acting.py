"""accounts.acting: the role groups, acts_as, is_staff, require_staff; and the getters of the
acting organisation (vendor_for_actor, district_for_actor) and of a product (product_for_actor)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import acting
from accounts.acting import (APPROVER, BUYER, DISTRICT_ROLES, EVALUATOR, JOINERS, READERS, STAFF, VENDOR,
                             Actor, acts_as, is_staff, require_staff)
from accounts.models import Role
from catalog.selectors import product_for_actor
from catalog.services import ProductData, category_ensure, product_create
from members.selectors import district_acting, district_for_actor
from tests.cast import SYSTEM
from vendors.selectors import vendor_for_actor


def test_role_groups_are_the_declared_roles():
    assert (STAFF, BUYER, APPROVER, EVALUATOR, VENDOR) == tuple(Role)
    assert set(DISTRICT_ROLES) == {BUYER, APPROVER, EVALUATOR}
    assert set(JOINERS) == {BUYER, APPROVER}
    assert set(READERS) == {STAFF, BUYER, APPROVER, EVALUATOR}
    assert set(acting.EVERYONE) == set(Role)
    assert Actor.system("x").role == acting.SYSTEM


def test_acts_as_checks_the_role_and_the_organisation(cast):
    buyer = cast.actor(cast.buyer_a)
    assert acts_as(buyer, BUYER)
    assert acts_as(buyer, JOINERS)
    assert acts_as(buyer, [BUYER])
    assert not acts_as(buyer, APPROVER)
    assert acts_as(buyer, BUYER, cast.district_a.organisation)
    assert not acts_as(buyer, BUYER, cast.district_b.organisation)
    assert not acts_as(buyer, BUYER, None)  # an organisation of None matches nobody
    assert not acts_as(None, BUYER)  # nobody signed in
    assert not acts_as(SYSTEM, STAFF)


def test_is_staff_and_require_staff(cast):
    assert is_staff(cast.actor(cast.staff)) and is_staff(SYSTEM)
    assert not is_staff(None)
    require_staff(cast.actor(cast.staff), "do this")
    require_staff(SYSTEM)
    for user in (cast.buyer_a, cast.approver_a, cast.evaluator, cast.vendor_user_a):
        assert not is_staff(cast.actor(user))
        with pytest.raises(PermissionDenied, match="Only consortium staff may issue fee invoices."):
            require_staff(cast.actor(user), "issue fee invoices")


def test_vendor_for_actor(cast):
    assert vendor_for_actor(cast.actor(cast.vendor_user_a)) == cast.vendor_a
    assert vendor_for_actor(cast.actor(cast.vendor_user_b)) == cast.vendor_b
    for actor in (cast.actor(cast.buyer_a), cast.actor(cast.staff), SYSTEM, None):
        with pytest.raises(Http404, match="Your organisation is not a vendor."):
            vendor_for_actor(actor)


def test_district_for_actor(cast):
    assert district_for_actor(cast.actor(cast.buyer_a)) == cast.district_a
    assert district_for_actor(cast.actor(cast.evaluator)) == cast.district_a
    assert district_for_actor(cast.actor(cast.approver_b)) == cast.district_b
    assert district_for_actor(cast.actor(cast.multi, cast.district_b.organisation)) == cast.district_b
    for actor in (cast.actor(cast.vendor_user_a), cast.actor(cast.staff), SYSTEM, None):
        with pytest.raises(Http404, match="Your organisation is not a district."):
            district_for_actor(actor)


def test_district_acting_is_none_outside_district_roles(cast):
    assert district_acting(cast.actor(cast.approver_b)) == cast.district_b
    assert district_acting(cast.actor(cast.evaluator)) == cast.district_a
    for actor in (cast.actor(cast.vendor_user_a), cast.actor(cast.staff), SYSTEM, None):
        assert district_acting(actor) is None


def test_product_for_actor_shows_a_vendor_only_its_own(cast):
    category = category_ensure(code="displays", name="Displays", actor=SYSTEM)
    product = product_create(vendor=cast.vendor_a, data=ProductData(
        name="Panel 86", category=category, kind="device", list_price=Decimal("3000.00"), unit="each"),
        actor=SYSTEM)
    for user in (cast.vendor_user_a, cast.staff, cast.buyer_b, cast.evaluator):
        assert product_for_actor(product_id=product.pk, actor=cast.actor(user)) == product
    with pytest.raises(Http404, match="No such product."):
        product_for_actor(product_id=product.pk, actor=cast.actor(cast.vendor_user_b))
    with pytest.raises(Http404, match="No such product."):
        product_for_actor(product_id=product.pk + 1000, actor=cast.actor(cast.staff))
