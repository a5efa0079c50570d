from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from catalog.services import category_ensure
from sourcing.services.solicitations import (SolicitationContent, solicitation_create,
                                             solicitation_publish)
from tests.cast import SYSTEM


def content(category, **overrides) -> SolicitationContent:
    data = dict(
        title="Chromebooks 2027", description="Student Chromebooks for the 2027 school year.",
        category=category,
        lines=[{"reference": "CB-11", "description": "11-inch Chromebook", "unit": "device",
                "estimated_quantity": 1200},
               {"reference": "LIC", "description": "Management licence", "unit": "licence",
                "estimated_quantity": 1200}],
        requirements=[{"code": "dpa", "text": "Will sign the California Student Data Privacy Agreement"},
                      {"code": "wcag", "text": "WCAG 2.1 AA conformance report provided"}],
        criteria=[{"name": "Price", "weight": 40, "is_price": True},
                  {"name": "Functionality", "weight": 35},
                  {"name": "Support", "weight": 25}],
        score_threshold=Decimal("60"))
    data.update(overrides)
    return SolicitationContent(**data)


@pytest.fixture
def category(db):
    return category_ensure(code="chromebooks", name="Devices: Chromebooks", actor=SYSTEM)


@pytest.fixture
def draft(cast, category, clock):
    now = clock.now()
    return solicitation_create(content=content(category),
                               questions_deadline=now + dt.timedelta(days=5),
                               bid_deadline=now + dt.timedelta(days=10), standstill_days=7,
                               actor=cast.actor(cast.staff))


@pytest.fixture
def open_solicitation(cast, draft):
    return solicitation_publish(solicitation=draft, actor=cast.actor(cast.staff))


def bid_data(price1="289.00", price2="20.00", dpa=True, wcag=True, max_quantity=None):
    return {"lines": [
        {"line": "CB-11", "tiers": [{"min_quantity": 1, "unit_price": price1},
                                    {"min_quantity": 1000, "unit_price": str(Decimal(price1) - 10)}],
         "max_quantity": max_quantity},
        {"line": "LIC", "tiers": [{"min_quantity": 1, "unit_price": price2}]}],
        "attestations": {"dpa": dpa, "wcag": wcag}, "notes": "Includes 3-year warranty."}
