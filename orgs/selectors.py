"""Reading organisations."""

from __future__ import annotations

from typing import Optional

from orgs.models import ConsortiumProfile, Organisation


def consortium_profile() -> Optional[ConsortiumProfile]:
    return ConsortiumProfile.objects.select_related("organisation").first()


def organisation_by_ref(ref: str) -> Optional[Organisation]:
    """Find an organisation by slug, numeric id, or exact name (case-insensitive)."""
    ref = ref.strip()
    if not ref:
        return None
    org = Organisation.objects.filter(slug=ref).first()
    if org is None and ref.isascii() and ref.isdigit():
        org = Organisation.objects.filter(pk=int(ref)).first()
    if org is None:
        matches = list(Organisation.objects.filter(name__iexact=ref)[:2])
        org = matches[0] if len(matches) == 1 else None
    return org
