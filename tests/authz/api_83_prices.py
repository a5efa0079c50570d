"""API: outside prices and consolidation opportunities (the prices app)."""

from tests.authz.common import DISTRICT_A, DISTRICT_B, only

READERS = ["staff"] + DISTRICT_A + DISTRICT_B
RECORDERS = ["staff", "buyer_a", "buyer_b"]
# well-formed, refused by the service (a date in the future): nothing is stored
FUTURE = {"description": "Chromebook", "unit_price": "250.00", "quantity": 10, "seen_on": "2199-01-01",
          "source_kind": "vendor_quote", "source_name": "A quote"}

API = {
    ("GET", "/api/v1/prices/outside"): (lambda c: {}, None, None, only(READERS, anon=401)),
    ("POST", "/api/v1/prices/outside"): (lambda c: {}, "json", FUTURE, only(RECORDERS, ok=422, anon=401)),
    ("POST", "/api/v1/prices/outside/{outside_price_id}/withdraw"): (
        lambda c: {"outside_price_id": 999999}, None, None, only(RECORDERS, ok=404, anon=401)),
    ("GET", "/api/v1/prices/products/{product_id}/comparison"): (
        lambda c: {"product_id": 999999}, None, None, only(READERS, ok=404, anon=401)),
    ("GET", "/api/v1/prices/renegotiate"): (lambda c: {}, None, None, only(["staff"], anon=401)),
    ("GET", "/api/v1/prices/consolidation"): (lambda c: {}, None, None, only(["staff"], anon=401)),
}
