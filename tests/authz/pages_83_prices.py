"""Pages: outside prices and consolidation opportunities (the prices app)."""

from tests.authz.common import DISTRICT_A, DISTRICT_B, expect, only

READERS = ["staff"] + DISTRICT_A + DISTRICT_B
RECORDERS = ["staff", "buyer_a", "buyer_b"]

PAGES = {
    "prices:outside-list": (lambda c: {}, only(READERS)),
    "prices:outside-new": (lambda c: {}, only(RECORDERS)),
    "prices:outside-withdraw": (lambda c: {"outside_price_id": 999999}, only(RECORDERS, ok=404)),
    # public: the comparison itself only for staff and district people (a note for others)
    "prices:product-panel": (lambda c: {"product_id": c.product.pk}, expect(200)),
    "prices:renegotiate": (lambda c: {}, only(["staff"])),
    "prices:consolidation": (lambda c: {}, only(["staff"])),
}
