"""Must-haves: the product facts a buyer (or a needs survey) can require, as codes "facet:value".

One vocabulary for needs surveys, the buyer's "find the right edtech" search and solicitations'
mandatory requirements, so that what members declare can be matched against products exactly:

    grade:K-2         the product covers that grade band
    subject:math      ... that subject
    language:es       ... offers that language
    interop:oneroster ... supports that standard or sign-in
    kind:device       ... is that kind of product (device, software, content, service)
    a11y:wcag21aa     ... claims full WCAG 2.1 AA conformance (from its VPAT)
    essa:3            ... has ESSA evidence of tier 3 or stronger (tiers 1-3)
    data:none         ... collects no student data

`met(code, facts)` reads a product's facts as a mapping (the `Product` fields of the same names),
so it works on model instances' values and on plain dicts alike.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from catalog.choices import (ESSA_TIERS, GRADE_BANDS, INTEROPERABILITY, LANGUAGES, PRODUCT_FAMILIES,
                             SUBJECTS)

# facet -> (label of the facet, the Product field it reads, its values)
FACETS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "grade": ("Grade band", "grade_bands", GRADE_BANDS),
    "subject": ("Subject", "subjects", SUBJECTS),
    "language": ("Language", "languages", LANGUAGES),
    "interop": ("Interoperability", "interoperability", INTEROPERABILITY),
    "kind": ("Kind", "kind", PRODUCT_FAMILIES),
    "a11y": ("Accessibility", "accessibility", [("wcag21aa", "Conforms to WCAG 2.1 AA")]),
    "essa": ("Evidence", "essa_tier", [(str(tier), f"ESSA tier {tier} or stronger") for tier, _ in ESSA_TIERS]),
    "data": ("Student data", "data_collected", [("none", "Collects no student data")]),
}

MAX_MUST_HAVES = 30


def all_choices() -> list[tuple[str, str]]:
    """Every must-have as (code, label), grouped by facet."""
    return [(f"{facet}:{value}", value_label) for facet, (_, _, values) in FACETS.items()
            for value, value_label in values]


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """For a form: [(facet label, [(code, label), ...]), ...]."""
    return [(facet_label, [(f"{facet}:{value}", value_label) for value, value_label in values])
            for facet, (facet_label, _, values) in FACETS.items()]


_LABELS = dict(all_choices())


def is_known(code: str) -> bool:
    return code in _LABELS


def label(code: str) -> str:
    """"Grade band: K-2", "Interoperability: OneRoster 1.2"; an unknown code is returned as is."""
    facet = code.partition(":")[0]
    if code not in _LABELS:
        return code
    if facet in ("a11y", "essa", "data"):
        return _LABELS[code]
    return f"{FACETS[facet][0]}: {_LABELS[code]}"


def clean(codes: Iterable[str]) -> list[str]:
    """The codes without blanks and repeats, in the vocabulary's order; ValueError naming the
    unknown ones, or when there are more than MAX_MUST_HAVES."""
    given = list(dict.fromkeys(str(c).strip() for c in (codes or []) if c is not None and str(c).strip()))
    unknown = [c for c in given if c not in _LABELS]
    if unknown:
        raise ValueError(f"Unknown must-have(s): {', '.join(unknown[:5])}.")
    if len(given) > MAX_MUST_HAVES:
        raise ValueError(f"At most {MAX_MUST_HAVES} must-haves.")
    order = {code: i for i, code in enumerate(_LABELS)}
    return sorted(given, key=order.__getitem__)


def _value(facts: Any, field: str) -> Any:
    if isinstance(facts, Mapping):
        return facts.get(field)
    return getattr(facts, field, None)


def met(code: str, facts: Any) -> bool:
    """Whether a product with `facts` (a mapping or an object with the Product fields) meets
    `code`. Unknown codes are never met."""
    facet, _, value = code.partition(":")
    if code not in _LABELS:
        return False
    field = FACETS[facet][1]
    have = _value(facts, field)
    if facet == "essa":
        return have is not None and int(have) <= int(value)
    if facet == "data":
        return not have
    if facet in ("kind", "a11y"):
        return have == value
    return value in (have or [])


def unmet(codes: Iterable[str], facts: Any) -> list[str]:
    """The codes among `codes` that `facts` does not meet, in the order given."""
    return [code for code in codes if not met(code, facts)]
