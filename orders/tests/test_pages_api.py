"""Orders through the pages and the API: form and CSV, approval, vendor steps, statements."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from orders.models import Order, RebateEntry
from tests.helpers import login, token


def test_order_through_the_pages(client, cast, joined):
    from tests.fixtures.orders import low_limit

    low_limit(cast.district_a)
    login(client, cast.buyer_a)
    assert "Place an order" in client.get("/my/agreements/").content.decode()
    url = f"/agreements/{cast.agreement.pk}/order/"
    assert "Price now" in client.get(url).content.decode()
    bad = client.post(url, {f"qty-{cast.device.pk}": "ten"})
    assert bad.status_code == 400 and "not a whole number" in bad.content.decode()
    response = client.post(url, {f"qty-{cast.device.pk}": "700", "reference": "PO-77"})
    assert response.status_code == 302
    order = Order.objects.get()
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "set on submission" in page
    client.post(f"/orders/{order.pk}/submit/")
    order.refresh_from_db()
    # Above the $50,000 limit: it waits for the approver and counts nothing yet.
    assert order.state == "awaiting_approval" and order.total == Decimal("210000.00")
    assert order.needs_approval and order.priced_at is None and order.lines.get().unit_price is None
    login(client, cast.vendor_user_a)
    refused = client.post(f"/orders/{order.pk}/acknowledge/", follow=True).content.decode()
    assert "approver must approve" in refused and Order.objects.get().state == "awaiting_approval"
    login(client, cast.approver_a)
    client.post(f"/orders/{order.pk}/approve/")
    login(client, cast.vendor_user_a)
    client.post(f"/orders/{order.pk}/acknowledge/")
    client.post(f"/orders/{order.pk}/fulfil/")
    assert Order.objects.get().state == "fulfilled"
    # District B crosses the tier: district A's statement shows the rebate.
    login(client, cast.buyer_b)
    csv_file = SimpleUploadedFile("o.csv", f"product,quantity\n{cast.device.pk},400\n".encode(), "text/csv")
    client.post(url, {"file": csv_file})
    b_order = Order.objects.get(district=cast.district_b)
    client.post(f"/orders/{b_order.pk}/submit/")
    login(client, cast.buyer_a)
    statement = client.get("/my/orders/").content.decode()
    assert "$7,000.00" in statement  # (300 - 290) x 700
    login(client, cast.vendor_user_a)
    assert "$7,000.00" in client.get("/vendor/orders/").content.decode()
    # A refused settlement is flashed naming the field, like every page's refusals (core.views).
    settle = f"/agreements/{cast.agreement.pk}/settlements/{cast.district_a.pk}/"
    refused = client.post(settle, {"amount": "9000.00", "method": "credit_note", "reference": "CN-8"}, follow=True)
    assert "amount: Only $7,000.00 is owed to" in refused.content.decode()
    response = client.post(settle, {"amount": "7000.00", "method": "credit_note", "reference": "CN-9"})
    assert response.status_code == 302 and response.url == "/vendor/orders/"
    assert RebateEntry.objects.filter(kind="settlement").count() == 1


def test_csv_upload_names_every_bad_row(client, cast, joined):
    login(client, cast.buyer_a)
    csv_file = SimpleUploadedFile("o.csv", b"product,quantity\nNo such thing,2\n" + str(cast.device.pk).encode()
                                  + b",-1\n", "text/csv")
    response = client.post(f"/agreements/{cast.agreement.pk}/order/", {"file": csv_file})
    body = response.content.decode()
    assert response.status_code == 400 and "line 2, product" in body and "line 3, quantity" in body
    assert not Order.objects.exists()


def test_orders_api(client, cast, joined):
    buyer = token(cast.buyer_a)
    created = client.post("/api/v1/orders", data=json.dumps({
        "agreement_id": cast.agreement.pk, "lines": [{"product_id": cast.device.pk, "quantity": 10}],
        "submit": True}), content_type="application/json", **buyer)
    assert created.status_code == 201 and created.json()["lines"][0]["unit_price"] == "300.00"
    oid = created.json()["id"]
    assert client.get(f"/api/v1/orders/{oid}", **token(cast.buyer_b)).status_code == 404
    assert client.post(f"/api/v1/orders/{oid}/acknowledge", **token(cast.vendor_user_a)).json()["state"] == "acknowledged"
    refused = client.post("/api/v1/orders", data=json.dumps({
        "agreement_id": cast.agreement.pk, "lines": [{"product_id": 999999, "quantity": 1}]}),
        content_type="application/json", **buyer)
    assert refused.status_code == 422 and "lines[1].product" in refused.json()["errors"]
    csv_response = client.post(f"/api/v1/agreements/{cast.agreement.pk}/orders/csv",
                               {"file": SimpleUploadedFile("o.csv", f"product,quantity\n\"{cast.device.name}\",5\n".encode())},
                               **buyer)
    assert csv_response.status_code == 201 and csv_response.json()["state"] == "draft"
    assert client.get("/api/v1/rebates", **buyer).json() == []


def test_hostile_csv_files_are_refused_by_line_on_the_page_and_the_api(client, cast, joined):
    """A NUL character or a field beyond csv's limit (131,072 characters) named the line, never a
    traceback; nothing is saved."""
    login(client, cast.buyer_a)
    huge = f'product,quantity\n{cast.device.pk},1\n"{"x" * 131_073}",2\n'.encode()
    nul = f"product,quantity\n{cast.device.pk},1\n{cast.device.pk}\x00,2\n".encode()
    page = f"/agreements/{cast.agreement.pk}/order/"
    for content, expected in ((huge, "line 3"), (nul, "line 3: contains a NUL character")):
        response = client.post(page, {"file": SimpleUploadedFile("o.csv", content, "text/csv")})
        assert response.status_code == 400 and expected in response.content.decode()
        api = client.post(f"/api/v1/agreements/{cast.agreement.pk}/orders/csv",
                          {"file": SimpleUploadedFile("o.csv", content)}, **token(cast.buyer_a))
        assert api.status_code == 422 and expected in " ".join(api.json()["errors"]["file"])
    assert not Order.objects.exists()
