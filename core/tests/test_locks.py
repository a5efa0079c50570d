"""The global lock order is checked: a service that locks out of order fails its tests."""

from __future__ import annotations

import pytest
from django.db import transaction

from core.locks import LOCK_ORDER, LockOrderError, lock, note_lock
from members.models import District
from orders.models import Order


pytestmark = pytest.mark.django_db


def test_in_order_is_fine_and_out_of_order_raises_naming_both():
    with transaction.atomic():
        list(lock(District.objects.all()))
        list(lock(Order.objects.all()))
        note_lock("audit.head")
        with pytest.raises(LockOrderError, match="orders.order after audit.head"):
            lock(Order.objects.all())


def test_several_rows_of_one_kind_in_ascending_key_order():
    with transaction.atomic():
        note_lock("contracts.linevolume", key="A")
        note_lock("contracts.linevolume", key="B")
        with pytest.raises(LockOrderError):
            note_lock("contracts.linevolume", key="A1")


def test_each_transaction_starts_afresh():
    for _ in range(2):
        with transaction.atomic():
            note_lock("audit.head")
        with transaction.atomic():
            lock(District.objects.all())


def test_an_unknown_kind_is_refused():
    with pytest.raises(LockOrderError, match="not in core.locks.LOCK_ORDER"):
        note_lock("nowhere.thing")


def test_the_audit_head_comes_last():
    assert LOCK_ORDER[-1] == "audit.head"
