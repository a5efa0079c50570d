"""One registry of human labels for the codes EdPool stores: roles, states, audit actions and
model names.

Apps register their vocabularies from `AppConfig.ready()` (`register_labels(Role)`,
`register_labels(AuditAction)`); every model field with choices (states, kinds, roles) is
collected from Django's app registry the first time a label is asked for, so a new TextChoices
on a model needs no registration. Explicit registrations win over collected field choices.
A model label ("reports.salesreport" or "reports.salesreport 33") resolves through the app
registry to its verbose name ("Sales report 33"). Anything unknown falls back to the code made
readable ("some_code" -> "Some code"), never an error.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps

_registered: dict[str, str] = {}
_collected: dict[str, str] | None = None

_MODEL_LABEL = re.compile(r"^(?P<app>[a-z_][a-z0-9_]*)\.(?P<model>[a-z_][a-z0-9_]*)(?: (?P<pk>\S+))?$")


def register_labels(choices: Any) -> None:
    """Register (code, label) pairs: a Choices class, its `.choices`, or any iterable of pairs.
    A code registered twice keeps its first label unless the label is the same."""
    pairs: Iterable[tuple[Any, Any]] = getattr(choices, "choices", choices)
    for code, label in pairs:
        _registered.setdefault(str(code), str(label))


def _field_choices() -> dict[str, str]:
    """(code, label) of every model field with flat choices. A code several fields share with
    different labels ("active", "approved") takes the label most of them use, then the shortest:
    a page that knows the field shows `get_FOO_display` instead."""
    global _collected
    if _collected is None:
        if not apps.ready:
            return {}
        found: dict[str, Counter[str]] = defaultdict(Counter)
        for model in apps.get_models():
            for field in model._meta.get_fields():
                for code, label in getattr(field, "flatchoices", None) or ():
                    if isinstance(code, str) and code and not isinstance(label, (list, tuple)):
                        found[code][str(label)] += 1
        _collected = {code: min(labels, key=lambda lb: (-labels[lb], len(lb), lb))
                      for code, labels in found.items()}
    return _collected


def model_label(value: str) -> str | None:
    """"reports.salesreport 33" -> "Sales report 33"; "sourcing.bid" -> "Bid"; None when `value`
    names no installed model."""
    match = _MODEL_LABEL.match(value)
    if not match:
        return None
    try:
        model = apps.get_model(match["app"], match["model"])
    except (LookupError, ValueError):
        return None
    name = str(model._meta.verbose_name)
    name = name[:1].upper() + name[1:]
    return f"{name} {match['pk']}" if match["pk"] else name


def humanize_code(code: str) -> str:
    """The fallback for a code nobody labelled: "district_buyer" -> "District buyer",
    "membership.applied" -> "Membership applied"."""
    text = re.sub(r"[._]+", " ", code).strip()
    return text[:1].upper() + text[1:] if text else code


def label(value: Any) -> str:
    """The human label of a code (role, state, audit action, kind) or a model label; an em dash
    for nothing."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "label") and isinstance(value, str):  # a Choices member
        return str(value.label)
    code = str(value)
    if code in _registered:
        return _registered[code]
    choices = _field_choices()
    if code in choices:
        return choices[code]
    named = model_label(code)
    if named is not None:
        return named
    return humanize_code(code)


def labelled(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) pairs, sorted by label: the options of a filter whose value stays the code."""
    return sorted(((c, label(c)) for c in codes), key=lambda p: (p[1].lower(), p[0]))
