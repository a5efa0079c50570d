"""Pages: savings (the method, the rollups, a member's board statement)."""

from tests.authz.common import DISTRICT_A, DISTRICT_B, VENDORS, expect, only  # noqa: F401


def STATEMENT_A(c) -> dict:
    return {"district_id": c.district_a.pk, "fiscal_year": 2027}


# district A's statement: staff and district A; district B is told it does not exist
OWN_A = {**only(["staff"] + DISTRICT_A + DISTRICT_B), **{r: 404 for r in DISTRICT_B}}

PAGES = {
    "analytics:savings-method": (lambda c: {}, expect(200)),
    "analytics:savings": (lambda c: {}, only(["staff"] + DISTRICT_A + DISTRICT_B)),
    "analytics:statement": (STATEMENT_A, OWN_A),
    "analytics:statement-pdf": (STATEMENT_A, OWN_A),
}
