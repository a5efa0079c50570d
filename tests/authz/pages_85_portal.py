"""Pages: the public portal (issue 17). Everyone, signed in or not, reads the same public record;
a draft, a solicitation without an award notice, or an unknown category is simply not found."""

from tests.authz.common import AGR, SOL, expect


def AWARDED(c) -> dict:
    return {"solicitation_id": c.awarded.pk}


def VENDOR(c) -> dict:
    return {"vendor_id": c.vendor_a.pk}


def CATEGORY(c) -> dict:
    return {"category": "chromebooks"}


ANYONE = expect(200)

PAGES = {
    "portal:index": (lambda c: {}, ANYONE),
    "portal:solicitations": (lambda c: {}, ANYONE),
    "portal:solicitations-csv": (lambda c: {}, ANYONE),
    "portal:solicitation": (SOL, ANYONE),
    "portal:solicitation-csv": (SOL, ANYONE),
    "portal:solicitation-ics": (SOL, ANYONE),
    "portal:feed-atom": (lambda c: {}, ANYONE),
    "portal:feed-ics": (lambda c: {}, ANYONE),
    "portal:category-atom": (CATEGORY, ANYONE),
    "portal:category-ics": (CATEGORY, ANYONE),
    "portal:awards": (lambda c: {}, ANYONE),
    "portal:awards-csv": (lambda c: {}, ANYONE),
    "portal:award": (AWARDED, ANYONE),
    "portal:award-csv": (AWARDED, ANYONE),
    "portal:agreements": (lambda c: {}, ANYONE),
    "portal:agreements-csv": (lambda c: {}, ANYONE),
    "portal:agreement": (AGR, ANYONE),
    "portal:agreement-csv": (AGR, ANYONE),
    "portal:vendors": (lambda c: {}, ANYONE),
    "portal:vendors-csv": (lambda c: {}, ANYONE),
    "portal:vendor": (VENDOR, ANYONE),
    "portal:vendor-csv": (VENDOR, ANYONE),
    "portal:members": (lambda c: {}, ANYONE),
    "portal:members-csv": (lambda c: {}, ANYONE),
    "portal:savings": (lambda c: {}, ANYONE),
    "portal:savings-csv": (lambda c: {}, ANYONE),
    "portal:search": (lambda c: {}, ANYONE),
    "portal:search-csv": (lambda c: {}, ANYONE),
}
