"""Sales report pages and API end to end, and who sees what: a vendor only its own, districts
nothing, staff everything."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import FeeInvoice, ReconciliationItem, SalesReport
from reports.tests.conftest import after, place
from tests.helpers import login, token


def post_json(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_vendor_reports_through_the_pages_and_staff_reconcile(client, cast, quarter, clock):
    order = place(cast, "a", [(cast.device, 10)])
    place(cast, "b", [(cast.licence, 5)])
    after(clock, quarter)
    login(client, cast.vendor_user_a)
    page = client.get("/vendor/sales-reports/").content.decode()
    assert quarter.label in page and "Report due" in page and f"{quarter.due:%Y-%m-%d}" in page
    url = f"/vendor/sales-reports/{cast.agreement.pk}/{quarter.year}-q{quarter.number}/"
    assert "Upload a CSV file" in client.get(url).content.decode()

    # A CSV with a bad row: the page names the line and field; nothing is saved.
    bad = SimpleUploadedFile("q.csv", f"district,product,quantity,unit_price\nAlpha Unified,{cast.device.pk},x,300\n"
                             .encode())
    response = client.post(url + "upload/", {"file": bad})
    assert response.status_code == 400
    assert "line 2, quantity: &#x27;x&#x27; is not a whole number" in response.content.decode()
    assert not SalesReport.objects.exists()

    # The form: one line with a wrong price (a mismatch), errors on the row first.
    form = {"rows": 3, "district_1": "Alpha Unified", "product_1": cast.device.pk, "quantity_1": "10",
            "unit_price_1": "295.00", "order_number_1": order.number,
            "district_2": "Nowhere", "product_2": cast.licence.pk, "quantity_2": "5", "unit_price_2": "30.00"}
    response = client.post(url, form)
    assert response.status_code == 400 and "is not a district EdPool knows" in response.content.decode()
    assert 'id="id_district_2_error"' in response.content.decode()
    form["district_2"] = "Beta Unified"
    response = client.post(url, form)
    assert response.status_code == 302
    report = SalesReport.objects.get()
    assert report.current.source == "form" and report.current.line_count == 2
    detail = client.get(f"/sales-reports/{report.pk}/").content.decode()
    assert "Price mismatch" in detail and "Resolve</button>" not in detail  # the vendor reads, staff resolve

    login(client, cast.vendor_user_b)
    assert client.get(f"/sales-reports/{report.pk}/").status_code == 404
    assert client.get(url).status_code == 404
    login(client, cast.buyer_a)
    assert client.get(f"/sales-reports/{report.pk}/").status_code == 403

    login(client, cast.staff)
    assert f"/sales-reports/{report.pk}/" in client.get("/sales-reports/?open=1").content.decode()
    item = report.items.get(state="open")
    response = client.post(f"/sales-reports/{report.pk}/items/{item.pk}/resolve/", {f"item-{item.pk}-note": ""})
    assert response.status_code == 400
    response = client.post(f"/sales-reports/{report.pk}/items/{item.pk}/resolve/",
                           {f"item-{item.pk}-note": "Discount agreed with the district."})
    assert response.status_code == 302
    assert client.post(f"/sales-reports/{report.pk}/invoice/").status_code == 302
    invoice = FeeInvoice.objects.get()
    assert invoice.fee_amount == invoice.sales_amount * 2 / 100  # 2% of 3,100.00 = 62.00
    assert str(invoice.fee_amount) == "62.00"
    response = client.post(f"/invoices/{invoice.pk}/paid/", {"payment_reference": ""})
    assert response.status_code == 400 and "Payment reference" in response.content.decode()
    assert client.post(f"/invoices/{invoice.pk}/paid/", {"payment_reference": "ACH-77"}).status_code == 302
    assert "ACH-77" in client.get(f"/sales-reports/{report.pk}/").content.decode()
    assert invoice.number in client.get("/invoices/").content.decode()

    login(client, cast.vendor_user_a)
    assert invoice.number in client.get("/invoices/").content.decode()
    assert "Fee paid" in client.get("/vendor/sales-reports/").content.decode()
    login(client, cast.vendor_user_b)
    assert invoice.number not in client.get("/invoices/").content.decode()


def test_staff_see_overdue_reports(client, cast, quarter, clock):
    after(clock, quarter, days=50)
    login(client, cast.staff)
    page = client.get("/sales-reports/overdue/").content.decode()
    assert cast.agreement.number in page and "2 overdue reports" in page


def test_the_api(client, cast, quarter, clock):
    order = place(cast, "a", [(cast.device, 10)])
    after(clock, quarter)
    vendor, staff = token(cast.vendor_user_a), token(cast.staff)
    url = f"/api/v1/agreements/{cast.agreement.pk}/sales-reports"
    bad = post_json(client, url, {"quarter": quarter.key, "lines": [
        {"district": "Alpha Unified", "product": cast.device.pk, "quantity": 0, "unit_price": "300.00"}]}, vendor)
    assert bad.status_code == 422 and "lines[1].quantity" in bad.json()["errors"]
    assert post_json(client, url, {"quarter": "2026Q9", "lines": []}, vendor).status_code == 422
    response = post_json(client, url, {"quarter": quarter.key, "lines": [
        {"district": cast.district_a.state_leaid, "product": cast.device.name, "quantity": 10,
         "unit_price": "300.00", "amount": "3000.00", "order_number": order.number},
        {"district": cast.district_b.pk, "product": cast.licence.pk, "quantity": 2, "unit_price": 30}]}, vendor)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1 and body["total_amount"] == "3060.00" and body["open_items"] == 1
    assert body["lines"][0]["district"] == "Alpha Unified"
    report_id = body["id"]
    assert post_json(client, url, {"quarter": quarter.key, "lines": []}, token(cast.vendor_user_b)).status_code == 403
    assert client.get(f"/api/v1/sales-reports/{report_id}", **token(cast.vendor_user_b)).status_code == 404
    assert client.get(f"/api/v1/sales-reports/{report_id}", **token(cast.buyer_a)).status_code == 403
    assert client.get("/api/v1/sales-reports", **token(cast.vendor_user_b)).json() == []
    assert [r["id"] for r in client.get("/api/v1/sales-reports", **staff).json()] == [report_id]

    rec = client.get(f"/api/v1/sales-reports/{report_id}/reconciliation", **vendor).json()
    assert rec["counts"] == {"matched": 1, "reported_not_ordered": 1} and rec["fee_amount"] == "61.20"
    item = next(i for i in rec["items"] if i["state"] == "open")
    resolve = f"/api/v1/sales-reports/{report_id}/items/{item['id']}/resolve"
    assert post_json(client, resolve, {"note": "x"}, vendor).status_code == 403
    assert post_json(client, f"/api/v1/sales-reports/{report_id}/invoice", {}, staff).status_code == 422
    response = post_json(client, resolve, {"note": "Sold at a conference; fine."}, staff)
    assert response.status_code == 200 and response.json()["state"] == "resolved"
    response = post_json(client, f"/api/v1/sales-reports/{report_id}/invoice", {}, staff)
    assert response.status_code == 201 and response.json()["fee_amount"] == "61.20"
    invoice_id = response.json()["id"]
    assert [i["id"] for i in client.get("/api/v1/invoices", **vendor).json()] == [invoice_id]
    assert client.get("/api/v1/invoices", **token(cast.vendor_user_b)).json() == []
    response = post_json(client, f"/api/v1/invoices/{invoice_id}/paid", {"payment_reference": "WIRE-1"}, staff)
    assert response.status_code == 200 and response.json()["state"] == "paid"
    quarters = client.get(f"/api/v1/agreements/{cast.agreement.pk}/sales-quarters", **vendor).json()
    assert {"quarter": quarter.key, "status": "paid"}.items() <= quarters[-1].items()
    assert client.get(f"/api/v1/agreements/{cast.agreement.pk}/sales-quarters",
                      **token(cast.vendor_user_b)).status_code == 404
    assert client.get("/api/v1/sales-reports/overdue", **staff).json() == []
    assert ReconciliationItem.objects.filter(state="open").count() == 0


def test_a_csv_with_a_nul_character_is_refused_by_line(client, cast, quarter, clock):
    """A NUL character reached the district lookup (a database error on PostgreSQL)."""
    after(clock, quarter)
    login(client, cast.vendor_user_a)
    url = f"/vendor/sales-reports/{cast.agreement.pk}/{quarter.year}-q{quarter.number}/upload/"
    nul = SimpleUploadedFile("q.csv", f"district,product,quantity,unit_price\nAlpha\x00 Unified,{cast.device.pk},1,300\n"
                             .encode())
    response = client.post(url, {"file": nul})
    assert response.status_code == 400 and "line 2: contains a NUL character" in response.content.decode()
    assert not SalesReport.objects.exists()


def test_a_large_upload_is_stored_and_reconciled_in_the_background(client, cast, quarter, clock, settings):
    from audit.models import AuditEvent
    from jobs.models import Job, JobState
    from jobs.tests.helpers import run_queued_jobs

    settings.SALES_REPORT_BACKGROUND_ROWS = 1  # "large": more than one line
    after(clock, quarter)
    login(client, cast.vendor_user_a)
    url = f"/vendor/sales-reports/{cast.agreement.pk}/{quarter.year}-q{quarter.number}/upload/"
    text = (f"district,product,quantity,unit_price\nAlpha Unified,{cast.device.pk},10,300\n"
            f"Beta Unified,{cast.device.pk},5,300\n")
    posted = client.post(url, {"file": SimpleUploadedFile("q.csv", text.encode())})
    job = Job.objects.get()
    assert posted.status_code == 302 and posted.url == f"/jobs/{job.pk}/"
    assert not SalesReport.objects.exists()
    queued = AuditEvent.objects.get(object_type="jobs.job", action="job.queued")
    assert queued.after["params"]["csv"] == f"({len(text)} characters)"  # not the file in the trail

    run_queued_jobs()
    job.refresh_from_db()
    report = SalesReport.objects.get()
    assert job.state == JobState.DONE and job.result_url == f"/sales-reports/{report.pk}/"
    assert report.current.source == "csv" and report.current.line_count == 2
    assert report.current.submitted_by == cast.vendor_user_a
    page = client.get(posted.url).content.decode()
    assert f"Report for {quarter} uploaded (2 lines)." in page and "See the result" in page

    # A small file is still handled at once.
    settings.SALES_REPORT_BACKGROUND_ROWS = 2000
    posted = client.post(url, {"file": SimpleUploadedFile("q.csv", text.encode())})
    assert posted.url == f"/sales-reports/{report.pk}/" and Job.objects.count() == 1
