"""Where a vendor sells: the US states (and DC) it serves. A district in a state the vendor does
not serve cannot pick it in a mini-competition (contracts); the competition's "left out" list
says so. Every vendor serves every state unless it says otherwise."""

from __future__ import annotations

from typing import Iterable

from django.core.exceptions import ValidationError

from orgs.states import STATE_NAMES, US_STATES

TERRITORIES = ("AS", "GU", "MP", "PR", "VI")
SERVICE_STATES = [(code, name) for code, name in US_STATES if code not in TERRITORIES]  # 50 states and DC
SERVICE_CODES = frozenset(code for code, _ in SERVICE_STATES)


def all_service_states() -> list[str]:
    """The model field's default (a callable: each vendor its own list)."""
    return sorted(SERVICE_CODES)


def service_area_clean(codes: Iterable[str], *, field: str = "service_area") -> list[str]:
    """The codes as stored (upper case, sorted, once each), or a ValidationError on `field`."""
    if isinstance(codes, (str, bytes)):
        raise ValidationError({field: "Give a list of two-letter state codes, e.g. [\"CA\", \"OR\"]."})
    cleaned, unknown = set(), []
    for code in codes:
        text = code.strip().upper() if isinstance(code, str) else ""
        if text in SERVICE_CODES:
            cleaned.add(text)
        else:
            unknown.append(str(code)[:10].replace("\x00", "\\0"))
    if unknown:
        raise ValidationError({field: f"Not a US state or DC code: {', '.join(unknown[:10])}"
                                      f"{' ...' if len(unknown) > 10 else ''}."})
    if not cleaned:
        raise ValidationError({field: "Choose at least one state you serve."})
    return sorted(cleaned)


def serves(service_area: Iterable[str], state: str) -> bool:
    return (state or "").upper() in set(service_area)


def state_name(code: str) -> str:
    return STATE_NAMES.get((code or "").upper(), code)


def service_area_text(codes: Iterable[str]) -> str:
    """For people: "every state and DC" or "Arizona, Nevada and Utah"."""
    codes = sorted(codes)
    if set(codes) >= SERVICE_CODES:
        return "every state and DC"
    names = [state_name(code) for code in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
