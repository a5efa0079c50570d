"""What the demo must show of outside prices (called by tests/test_demo.py on the built demo)."""

from decimal import Decimal


def check_prices_demo(client) -> None:
    from accounts.models import User
    from prices import selectors
    from edpool.demo.people import DEMO_PASSWORD

    rows = list(selectors.outside_prices().filter(district__isnull=False))
    above = []
    for row in rows:
        pool = selectors.pool_price_of(row.product_id)
        if pool is not None and row.unit_price > pool:
            above.append(row.district_id)
    assert len(set(above)) == 2  # two members paying more outside than the pool's price
    renegotiate = selectors.renegotiation_list()
    assert renegotiate and renegotiate[0].gap > Decimal(0)
    result = selectors.consolidation_opportunities()
    assert any(o.kind == "outside" and o.saving > 0 for o in result.opportunities)
    staff = User.objects.get(email="staff@demo.edpool.org")
    assert client.login(email=staff.email, password=DEMO_PASSWORD)
    page = client.get("/prices/consolidation/").content.decode()
    assert "outside the pool" in page and "would reach its" in page
    assert renegotiate[0].agreement.number in client.get("/prices/renegotiate/").content.decode()
    client.logout()
