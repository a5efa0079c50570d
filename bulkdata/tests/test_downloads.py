"""Members' bulk downloads: each district gets its own rows and never another's; staff get every
district's or one's; the files say what they hold, quote formula-like text, keep money exact and
refuse an Excel file beyond a sheet's rows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from accounts.acting import BUYER
from accounts.services import role_assign
from bulkdata import writers
from bulkdata.datasets import DATASETS
from orders.models import Order
from orders.services import order_create, order_submit, settlement_record
from tests.api_conformance import ConformingClient
from tests.cast import SYSTEM
from tests.helpers import login, token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def place(cast, buyer, district, quantity, reference=""):
    order = order_create(district=district, agreement=cast.agreement, lines=[(cast.device, quantity)],
                         reference=reference, actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


@pytest.fixture
def ordered(joined):
    """A orders 300, B 300, A 500 more: the pool crosses 1,000 and A's and B's first lines earn
    true-ups; the vendor settles part of A's."""
    cast = joined
    cast.order_a = place(cast, cast.buyer_a, cast.district_a, 300, reference="=HYPERLINK(\"http://x\")")
    cast.order_b = place(cast, cast.buyer_b, cast.district_b, 300, reference="PO-B-7")
    cast.order_a2 = place(cast, cast.buyer_a, cast.district_a, 500)
    settlement_record(agreement=cast.agreement, district=cast.district_a, amount="1000.00", method="credit_note",
                      reference="CN-1", actor=cast.actor(cast.vendor_user_a))
    return cast


def read_csv(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse), "a CSV file streams"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response):
    assert isinstance(response, FileResponse)
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def districts_in(rows) -> set[str]:
    return {r["district_id"] for r in rows}


def test_a_district_downloads_its_own_orders_and_nobody_elses(client, ordered):
    cast = ordered
    login(client, cast.buyer_a)
    response = client.get("/downloads/orders.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="edpool-orders-district-{cast.district_a.pk}.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert districts_in(rows) == {str(cast.district_a.pk)}
    assert [r["order_number"] for r in rows] == [cast.order_a.number, cast.order_a2.number]
    row = rows[0]
    assert row["order_reference"] == "'=HYPERLINK(\"http://x\")"  # read as text, not a formula
    assert row["order_status"] == "Submitted" and row["quantity"] == "300"
    assert row["unit_price"] == "300.00" and row["line_amount"] == "90000.00"
    assert row["order_total"] == "90000.00" and row["vendor"] == "Vendor A, Inc."
    assert "." not in row["submitted_at"] and row["submitted_at"][19:] in ("-08:00", "-07:00")
    # another district's id, an id that does not exist, and nonsense
    assert client.get(f"/downloads/orders.csv?district={cast.district_b.pk}").status_code == 404
    assert client.get("/downloads/orders.csv?district=999999").status_code == 404
    assert client.get("/downloads/orders.xlsx?district=abc").status_code == 400
    assert client.get(f"/downloads/orders.csv?district={cast.district_a.pk}").status_code == 200


def test_every_file_of_a_district_holds_only_its_rows(client, ordered):
    cast = ordered
    login(client, cast.buyer_b)
    for key in DATASETS:
        rows = read_csv(client.get(f"/downloads/{key}.csv"))
        assert rows and districts_in(rows) == {str(cast.district_b.pk)}, key
        assert list(rows[0]) == DATASETS[key].header


def test_staff_download_every_district_or_one(client, ordered):
    cast = ordered
    login(client, cast.staff)
    rows = read_csv(client.get("/downloads/orders.csv"))
    assert districts_in(rows) == {str(cast.district_a.pk), str(cast.district_b.pk)}
    rows = read_csv(client.get(f"/downloads/rebates.csv?district={cast.district_b.pk}"))
    assert districts_in(rows) <= {str(cast.district_b.pk)}
    assert client.get("/downloads/orders.csv?district=999999").status_code == 404
    assert client.get("/downloads/everything.csv").status_code == 404
    assert client.get("/downloads/orders.pdf").status_code == 404
    html = client.get(f"/downloads/?district={cast.district_b.pk}").content.decode()
    assert f"/downloads/orders.csv?district={cast.district_b.pk}" in html
    assert client.get("/downloads/?district=abc").status_code == 400
    assert client.get("/downloads/?district=999999").status_code == 404


def test_staff_choose_a_district_by_typing_not_from_a_drop_down(client, ordered):
    """13,000 members at the national shape: a search field (with suggestions), not an <option> each."""
    cast = ordered
    login(client, cast.staff)
    html = client.get("/downloads/").content.decode()
    assert "<select" not in html and "Beta Unified" not in html
    assert 'type="search"' in html and 'name="district"' in html and 'aria-describedby="district-help"' in html
    assert '<label for="district">' in html and 'id="district-help"' in html
    # a unique name typed is taken: the links carry its id, the field shows it
    page = client.get("/downloads/", {"district": "Beta Unified"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/downloads/orders.csv?district={cast.district_b.pk}" in html and "<strong>Beta Unified</strong>" in html
    # an id (the page's own links) still works, and the field shows the district's name
    html = client.get(f"/downloads/?district={cast.district_a.pk}").content.decode()
    assert 'value="Alpha Unified' in html
    # several matches, or none: a clear error (400), the typed text kept
    for typed, says in (("Unified", "districts match “Unified”"), ("Nowhere Valley", "No district matches")):
        page = client.get("/downloads/", {"district": typed})
        assert page.status_code == 400
        html = page.content.decode()
        assert says in html and f'value="{typed}"' in html and 'aria-invalid="true"' in html


def test_vendors_evaluators_and_anonymous_get_nothing(client, ordered):
    cast = ordered
    for who in (cast.vendor_user_a, cast.evaluator):
        login(client, who)
        assert client.get("/downloads/").status_code == 403
        assert client.get("/downloads/orders.csv").status_code == 403
        assert client.get(f"/downloads/orders.csv?district={cast.district_a.pk}").status_code == 403
    client.logout()
    assert client.get("/downloads/orders.csv").status_code == 302
    assert client.get("/downloads/").status_code == 302


def test_acting_for_one_district_gives_only_that_districts_rows(client, ordered):
    """A person who buys for both districts gets the rows of the one they act for."""
    cast = ordered
    b_role, _ = role_assign(user=cast.buyer_a, organisation=cast.district_b.organisation, role=BUYER, actor=SYSTEM)
    login(client, cast.buyer_a)
    a_role = cast.buyer_a.role_assignments.exclude(pk=b_role.pk).get()
    client.post("/account/act-as/", {"assignment": a_role.pk, "next": ""})
    assert districts_in(read_csv(client.get("/downloads/orders.csv"))) == {str(cast.district_a.pk)}
    assert client.get(f"/downloads/orders.csv?district={cast.district_b.pk}").status_code == 404
    client.post("/account/act-as/", {"assignment": b_role.pk, "next": ""})
    assert districts_in(read_csv(client.get("/downloads/orders.csv"))) == {str(cast.district_b.pk)}
    assert client.get(f"/downloads/orders.csv?district={cast.district_a.pk}").status_code == 404


def test_rebates_file_is_the_ledger(client, ordered):
    cast = ordered
    login(client, cast.approver_a)
    rows = read_csv(client.get("/downloads/rebates.csv"))
    kinds = {r["kind"] for r in rows}
    assert "True-up: a better tier was reached" in kinds and "Settled by the vendor" in kinds
    true_up = next(r for r in rows if r["kind"].startswith("True-up"))
    assert true_up["order_number"] == cast.order_a.number and Decimal(true_up["amount"]) > 0
    assert (true_up["unit_price_from"], true_up["unit_price_to"]) == ("300.00", "290.00")
    settled = next(r for r in rows if r["kind"] == "Settled by the vendor")
    assert settled["amount"] == "-1000.00" and settled["settlement_method"] == "Credit note"
    assert settled["settlement_reference"] == "CN-1"


def test_participations_and_decisions_files(client, ordered):
    cast = ordered
    login(client, cast.buyer_a)
    parts = read_csv(client.get("/downloads/participations.csv"))
    assert len(parts) == 1 and parts[0]["agreement_number"] == cast.agreement.number
    assert parts[0]["status"] == "Countersigned: active" and parts[0]["dpa_in_force_today"] in ("yes", "no")
    assert parts[0]["estimated_value"] == "1000.00"
    decisions = read_csv(client.get("/downloads/decisions.csv"))
    ids = parts[0]["compliance_decision_ids"].split()
    assert ids and set(ids) <= {d["decision_id"] for d in decisions}
    assert all(d["verdict"] in ("Allowed", "Allowed after steps", "Not researched", "Blocked") for d in decisions)


def test_the_workbook_has_typed_cells_and_a_column_guide(client, ordered):
    cast = ordered
    Order.objects.filter(pk=cast.order_a.pk).update(reference="bad\x0bchar =x")  # a control character
    login(client, cast.buyer_a)
    response = client.get("/downloads/orders.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = read_xlsx(response)
    assert book.sheetnames == ["Orders", "Columns"]
    sheet = book["Orders"]
    header = [c.value for c in sheet[1]]
    assert header == DATASETS["orders"].header
    row = dict(zip(header, sheet[2]))
    assert row["order_reference"].value == "badchar =x"
    assert row["line_amount"].value == 90000 and row["line_amount"].number_format == '"$"#,##0.00'
    assert row["submitted_at"].value.tzinfo is None and row["quantity"].value == 300
    guide = [r[0].value for r in book["Columns"].iter_rows(min_row=2, max_row=len(header) + 1)]
    assert guide == header


def test_an_excel_file_beyond_a_sheets_rows_is_refused_with_a_way_out(client, ordered, monkeypatch):
    cast = ordered
    monkeypatch.setattr(writers, "XLSX_ROW_LIMIT", 3)  # a header and two rows: A has two, all three
    login(client, cast.staff)
    response = client.get("/downloads/orders.xlsx")
    assert response.status_code == 400
    assert "more than an Excel sheet holds" in response.content.decode() and "CSV" in response.content.decode()
    assert client.get(f"/downloads/orders.xlsx?district={cast.district_a.pk}").status_code == 200
    assert len(read_csv(client.get("/downloads/orders.csv"))) == 3
    api = ConformingClient().get("/api/v1/bulk/orders?format=xlsx", **token(cast.staff))
    assert api.status_code == 422 and "Download it as CSV" in api.json()["detail"]


def test_the_page_says_what_each_file_holds(client, ordered):
    cast = ordered
    login(client, cast.buyer_a)
    page = client.get("/downloads/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alpha Unified: download your data" in html
    for key, dataset in DATASETS.items():
        assert f"/downloads/{key}.csv" in html and f"/downloads/{key}.xlsx" in html
        assert all(c.name in html for c in dataset.columns)
    assert "Beta Unified" not in html
    assert "/downloads/" in client.get("/home/").content.decode()  # reachable from the workspace


def test_api_serves_the_same_files(ordered):
    cast = ordered
    api = ConformingClient()
    headers = token(cast.buyer_a)
    listing = api.get("/api/v1/bulk", **headers)
    assert listing.status_code == 200 and [f["key"] for f in listing.json()] == list(DATASETS)
    rows = read_csv(api.get("/api/v1/bulk/orders?format=csv", **headers))
    assert districts_in(rows) == {str(cast.district_a.pk)}
    book = read_xlsx(api.get("/api/v1/bulk/orders", HTTP_ACCEPT=XLSX, **headers))
    assert book.sheetnames == ["Orders", "Columns"]
    assert api.get("/api/v1/bulk/rebates", **headers)["Content-Type"].startswith("text/csv")
    assert api.get(f"/api/v1/bulk/orders?district={cast.district_b.pk}", **headers).status_code == 404
    assert api.get("/api/v1/bulk/orders?format=pdf", **headers).status_code == 422
    assert api.get("/api/v1/bulk/secrets", **headers).status_code == 422
    assert api.get("/api/v1/bulk/orders", **token(cast.vendor_user_a)).status_code == 403
    assert api.get("/api/v1/bulk/orders").status_code == 401
    staff = token(cast.staff)
    rows = read_csv(api.get(f"/api/v1/bulk/orders?district={cast.district_b.pk}", **staff))
    assert districts_in(rows) == {str(cast.district_b.pk)}
