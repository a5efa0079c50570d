"""The parties of a release, named as they were when its event happened (`opendata.names`):
the consortium (buyer of a framework), districts (buyers of call-offs), vendors."""

from __future__ import annotations

from typing import Any, Iterable

from opendata.names import AsOf


def party_id(organisation_id: int) -> str:
    return f"org-{organisation_id}"


def ref(party: dict[str, Any]) -> dict[str, str]:
    return {"id": party["id"], "name": party["name"]}


def consortium_party(at: AsOf, roles: Iterable[str]) -> dict[str, Any]:
    consortium = at.consortium()
    if consortium is None:
        return {"id": "org-consortium", "name": "The consortium", "roles": sorted(roles)}
    name, state, website = consortium["name"], consortium["state"], consortium["website"]
    return {"id": party_id(consortium["pk"]), "name": name, "roles": sorted(roles),
            "identifier": {"scheme": "EDPOOL-ORG", "id": str(consortium["pk"]), "legalName": name},
            "address": {"region": state, "countryName": "United States"} if state else None,
            "contactPoint": {"url": website} if website else None}


def district_party(at: AsOf, district, roles: Iterable[str]) -> dict[str, Any]:
    """A district: its NCES LEAID (scheme US-NCES) or, lacking one, its state LEA id in NCES's
    ST_LEAID form (scheme US-NCES-ST). Its address is the public directory's city, state and ZIP."""
    nces_leaid, state_leaid = at.district(district, "nces_leaid"), at.district(district, "state_leaid")
    name = at.organisation_name(district.organisation)
    if nces_leaid:
        identifier = {"scheme": "US-NCES", "id": nces_leaid}
    else:
        identifier = {"scheme": "US-NCES-ST", "id": state_leaid}
    identifier["legalName"] = name
    additional = ([{"scheme": "US-NCES-ST", "id": state_leaid}] if nces_leaid and state_leaid else None)
    return {"id": party_id(district.organisation_id), "name": name,
            "roles": sorted(roles), "identifier": identifier, "additionalIdentifiers": additional,
            "address": {"locality": at.district(district, "city"), "region": at.district(district, "state"),
                        "postalCode": at.district(district, "zip_code"), "countryName": "United States"}}


def vendor_party(at: AsOf, vendor, roles: Iterable[str]) -> dict[str, Any]:
    """A vendor: its registration with the consortium (scheme EDPOOL-VENDOR) and legal name; its
    public website, never its contact person."""
    legal_name, website = at.legal_name(vendor), at.vendor(vendor, "website")
    return {"id": party_id(vendor.organisation_id), "name": legal_name, "roles": sorted(roles),
            "identifier": {"scheme": "EDPOOL-VENDOR", "id": str(vendor.pk), "legalName": legal_name},
            "contactPoint": {"url": website} if website else None}


def vendor_ref(at: AsOf, vendor) -> dict[str, str]:
    """A vendor named in an award (its id and legal name as of the event)."""
    return {"id": party_id(vendor.organisation_id), "name": at.legal_name(vendor)}
