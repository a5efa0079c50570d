"""A buyer's need as given: words, hard and soft must-haves, a quantity and a budget per unit;
checked once here (pages, the API and the services use it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Optional

from django.core.exceptions import ValidationError

from catalog import musthaves
from core.limits import UNIT_PRICE_MAX, check_money, check_quantity, check_text, parse_int

TEXT_MAX = 500


@dataclass(frozen=True)
class NeedSpec:
    text: str
    must_haves: list[str] = field(default_factory=list)  # hard: filter exactly
    nice_to_haves: list[str] = field(default_factory=list)  # soft: rank
    quantity: int = 1
    budget_per_unit: Optional[Decimal] = None


def need_spec(*, text: Any = "", must_haves: Iterable[str] = (), nice_to_haves: Iterable[str] = (),
              quantity: Any = 1, budget_per_unit: Any = None) -> NeedSpec:
    """The need, or ValidationError naming each refused field. A need says something: words or at
    least one must-have. A code both hard and soft is hard."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def take(name, check):
        try:
            values[name] = check()
        except ValidationError as refused:
            errors.setdefault(name, []).extend(refused.messages)
        except ValueError as refused:
            errors.setdefault(name, []).append(str(refused))

    take("text", lambda: check_text(text if isinstance(text, str) else str(text or ""), field="text",
                                    max_length=TEXT_MAX))
    take("must_haves", lambda: musthaves.clean(list(must_haves or [])))
    take("nice_to_haves", lambda: musthaves.clean(list(nice_to_haves or [])))
    take("quantity", lambda: (parse_int(quantity, field="quantity", what="a whole number of units")
                            if isinstance(quantity, str) else check_quantity(quantity, field="quantity")))
    if budget_per_unit not in (None, ""):
        take("budget_per_unit", lambda: check_money(budget_per_unit, field="budget_per_unit",
                                                    maximum=UNIT_PRICE_MAX, allow_zero=False))
    else:
        values["budget_per_unit"] = None
    if not errors and not values["text"] and not values["must_haves"] and not values["nice_to_haves"]:
        errors["text"] = ["Describe the need in a few words, or choose at least one must-have."]
    if errors:
        raise ValidationError(errors)
    hard = values["must_haves"]
    return NeedSpec(text=values["text"], must_haves=hard,
                    nice_to_haves=[c for c in values["nice_to_haves"] if c not in hard],
                    quantity=values["quantity"], budget_per_unit=values["budget_per_unit"])
