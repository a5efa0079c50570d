"""A product's facts as a versioned record: what `catalog.services` stores each time the facts
change (`facts_version_record`), and how versions read for people (`facts_history`,
`value_text`).

Only `catalog.services` calls `facts_version_record`, inside its own transaction, after locking
the product: the version number is the product's `facts_version` plus one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from accounts.acting import Actor
from catalog.choices import (ACCESSIBILITY, DATA_CATEGORIES, ESSA_TIERS, GRADE_BANDS, INTEROPERABILITY,
                             LANGUAGES, PRICE_UNITS, PRODUCT_FAMILIES, SUBJECTS)
from catalog.models import FACT_FIELDS, Category, Product, ProductFactsVersion
from core.clock import now


def facts_of(product: Product) -> dict[str, Any]:
    """The product's facts as JSON values (the category by its code)."""
    facts: dict[str, Any] = {}
    for name in FACT_FIELDS:
        value = getattr(product, name)
        if name == "category":
            value = value.code
        elif isinstance(value, list):
            value = list(value)
        facts[name] = value
    return facts


def changes_between(before: Optional[dict], after: dict) -> list[str]:
    """The FACT_FIELDS whose values differ (all of those stated, for a first version)."""
    if before is None:
        return []
    return [name for name in FACT_FIELDS if before.get(name) != after.get(name)]


def _who(actor: Actor) -> str:
    if actor.is_system:
        return f"system ({actor.label})" if actor.label else "system"
    organisation = actor.organisation.name if actor.organisation else ""
    return f"{actor.role_label}, {organisation}" if organisation else actor.role_label


def facts_version_record(*, product: Product, previous: Optional[dict], actor: Actor) -> Optional[ProductFactsVersion]:
    """Store the product's facts as its next version if they differ from `previous` (the facts
    before the change; None for a new product). Returns the version, or None when nothing
    changed. The caller saves the product (its `facts_version` is set here)."""
    facts = facts_of(product)
    if previous is not None and previous == facts:
        return None
    number = product.facts_version + 1
    version = ProductFactsVersion.objects.create(
        product=product, number=number, facts=facts, changed=changes_between(previous, facts),
        created_at=now(), created_by=actor.user, created_by_label=_who(actor)[:200])
    product.facts_version = number
    return version


# How people read the facts: each field's label and its values' labels.
FACT_LABELS = {"category": "Category", "kind": "Kind", "price_unit": "Typical price unit",
               "unit": "Unit of the list price", "grade_bands": "Grade bands", "subjects": "Subjects",
               "languages": "Languages", "interoperability": "Interoperability",
               "accessibility": "Accessibility", "data_collected": "Student data collected",
               "essa_tier": "ESSA evidence", "essa_study_url": "Link to the study"}
_VALUE_LABELS = {"kind": dict(PRODUCT_FAMILIES), "price_unit": dict(PRICE_UNITS),
                 "grade_bands": dict(GRADE_BANDS), "subjects": dict(SUBJECTS),
                 "languages": dict(LANGUAGES), "interoperability": dict(INTEROPERABILITY),
                 "accessibility": dict(ACCESSIBILITY), "data_collected": dict(DATA_CATEGORIES),
                 "essa_tier": dict(ESSA_TIERS)}


def value_labels(name: str, value: Any) -> list[str]:
    """The human labels of a fact's value (a list for list fields; unknown codes as they are)."""
    labels = _VALUE_LABELS.get(name, {})
    if value in (None, "", []):
        return []
    if isinstance(value, list):
        return [str(labels.get(v, v)) for v in value]
    if name == "category":
        return [_category_names().get(value, value)]
    return [str(labels.get(value, value))]


def value_text(name: str, value: Any, empty: str = "none") -> str:
    return ", ".join(value_labels(name, value)) or empty


def _category_names() -> dict[str, str]:
    return dict(Category.objects.values_list("code", "name"))


@dataclass(frozen=True)
class Change:
    field: str  # its label
    text: str  # "added Spanish; removed French", or "Not evaluated → Conforms to WCAG 2.1 AA"


def change_of(name: str, before: Any, after: Any) -> Change:
    if isinstance(before, list) or isinstance(after, list):
        added = [v for v in (after or []) if v not in (before or [])]
        removed = [v for v in (before or []) if v not in (after or [])]
        parts = ([f"added {value_text(name, added)}"] if added else []) + \
                ([f"removed {value_text(name, removed)}"] if removed else [])
        return Change(FACT_LABELS.get(name, name), "; ".join(parts) or "reordered")
    return Change(FACT_LABELS.get(name, name), f"{value_text(name, before)} → {value_text(name, after)}")


@dataclass(frozen=True)
class VersionRow:
    number: int
    created_at: Any
    created_by: str  # e.g. "Vendor user, Acme Learning"; staff also see the email
    changes: list[Change]
    checked_at: Any
    checked_by: str


def facts_history(product: Product, *, show_emails: bool) -> list[VersionRow]:
    """The product's facts versions, newest first, each with what changed from the one before
    (human labels) and who stated and checked it."""
    versions = list(product.facts_versions.select_related("created_by", "checked_by").order_by("number"))
    rows: list[VersionRow] = []
    previous: Optional[dict] = None
    for v in versions:
        changes = [change_of(name, previous.get(name), v.facts.get(name)) for name in v.changed] if previous else []
        who = v.created_by_label or "system"
        if show_emails and v.created_by is not None:
            who = f"{who} ({v.created_by.email})"
        checker = ""
        if v.checked_at:
            checker = "Consortium staff"
            if show_emails and v.checked_by is not None:
                checker = f"{checker} ({v.checked_by.email})"
        rows.append(VersionRow(v.number, v.created_at, who, changes, v.checked_at, checker))
        previous = v.facts
    return rows[::-1]


# The facts shown on a product's page (catalog's and the member catalog's), in this order.
SHOWN_FACTS = ("kind", "price_unit", "grade_bands", "subjects", "languages", "interoperability",
               "accessibility", "data_collected", "essa_tier")


def facts_panel(product: Product, *, actor: Optional[Actor], show_emails: bool = False) -> dict[str, Any]:
    """Template context for `catalog/_facts.html`: the shown facts with human labels and the
    evidence behind them, the versions of the facts and the last one staff checked."""
    from catalog.sections import fact_evidence

    evidence = fact_evidence(product=product, actor=actor)
    facts = [{"name": name, "label": FACT_LABELS[name], "values": value_labels(name, getattr(product, name)),
              "evidence": evidence.get(name, [])} for name in SHOWN_FACTS]
    history = facts_history(product, show_emails=show_emails)
    last_checked = next((row for row in history if row.checked_at), None)
    return {"facts": facts, "history": history, "last_checked": last_checked}
