"""Choosing one district among a thousand: a search field, not a drop-down.

The person types part of a name, city or CDS/NCES code; the browser suggests up to
`DISTRICT_PICK_LIMIT` districts from a `<datalist>` that htmx refreshes as they type
(`members:district-options`). Without JavaScript the form is simply submitted: a unique match is
taken, several matches come back as an error naming them, with the suggestions filled in.
"""

from __future__ import annotations

import re
from typing import Optional

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.limits import ID_MAX
from members.models import District
from members.selectors import DISTRICT_PICK_LIMIT, district_search, member_directory

_KEY = re.compile(r"\(([^()]+)\)\s*$")
SCOPES = ("all", "members")
SEARCH_MAX = 200  # characters searched for (a label with its city and code fits)


def district_pick_label(district: District) -> str:
    """What the field shows and posts for one district; ends with its unique key in brackets."""
    key = district.state_leaid or district.nces_leaid or f"#{district.pk}"
    place = f"{district.city}, {district.state}" if district.city else district.state
    return f"{district.name} – {place} ({key})"


def _is_id(text: str) -> bool:
    """Whether text is a whole number an id can be ("²" and "٣" are digits to str.isdigit)."""
    return text.isascii() and text.isdigit() and int(text) <= ID_MAX


def district_from_label(text: str, within: QuerySet[District]) -> Optional[District]:
    match = _KEY.search(text or "")
    if not match:
        return None
    key = match.group(1).strip()
    if key.startswith("#"):
        number = key[1:]
        return within.filter(pk=int(number)).first() if _is_id(number) else None
    return within.filter(Q(state_leaid=key) | Q(nces_leaid=key)).first()


class DistrictSearchInput(forms.TextInput):
    input_type = "search"

    def __init__(self, *, scope: str, within_fn, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})
        self.scope, self.within_fn = scope, within_fn

    def format_value(self, value):
        if isinstance(value, District):
            return district_pick_label(value)
        if isinstance(value, int) or (isinstance(value, str) and _is_id(value)):
            district = self.within_fn().filter(pk=value).first()
            return district_pick_label(district) if district else str(value)
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}_options"
        attrs.update({"list": list_id, "hx-get": reverse("members:district-options"),
                      "hx-vals": f'{{"field": "{name}", "scope": "{self.scope}"}}',
                      "hx-trigger": "input changed delay:300ms, search",
                      "hx-target": f"#{list_id}", "hx-swap": "innerHTML", "hx-sync": "this:replace"})
        text = (self.format_value(value) or "")[:SEARCH_MAX]  # (an over-long entry is shown cut, beside its error)
        within = self.within_fn()
        options = (list(district_search(q=text, within=within, limit=DISTRICT_PICK_LIMIT))
                   if text and len(text) <= SEARCH_MAX and district_from_label(text, within) is None else [])
        return format_html('{}<datalist id="{}">{}</datalist>',
                           super().render(name, text, attrs, renderer), list_id, district_options(options))


def district_options(districts) -> str:
    return format_html_join("", '<option value="{}"></option>', ((district_pick_label(d),) for d in districts))


class DistrictSearchField(forms.Field):
    """One district of `within()` (a function, so the queryset is read per form), chosen by search.
    `scope` names the same set for the suggestions endpoint: "all" or "members"."""

    def __init__(self, *, scope: str = "all", help_text: str = "", **kwargs):
        assert scope in SCOPES
        self.within = district_scope(scope)
        hint = "Type part of the name, city or CDS code, then pick from the suggestions."
        super().__init__(widget=DistrictSearchInput(scope=scope, within_fn=self.within),
                         help_text=f"{help_text} {hint}".strip(), **kwargs)

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        if len(text) > SEARCH_MAX:
            raise forms.ValidationError(f"Type at most {SEARCH_MAX} characters of the district's name, city or code.",
                                        code="too_long")
        within = self.within()
        district = district_from_label(text, within)
        if district is not None:
            return district
        matches = list(district_search(q=text, within=within, limit=DISTRICT_PICK_LIMIT))
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise forms.ValidationError(f"No district matches “{text}”. Try part of the name, the city or the CDS code.",
                                        code="no_match")
        shown = "; ".join(d.name for d in matches[:5]) + ("; …" if len(matches) > 5 else "")
        more = f"{DISTRICT_PICK_LIMIT} or more" if len(matches) >= DISTRICT_PICK_LIMIT else str(len(matches))
        raise forms.ValidationError(f"{more} districts match “{text}” ({shown}). Pick one from the suggestions.",
                                    code="ambiguous")


def district_scope(scope: str):
    """The districts a scope names, as a function giving a fresh queryset."""
    if scope == "members":
        return lambda: District.objects.filter(pk__in=member_directory().values("district_id"))
    return lambda: District.objects.all()
