"""Licence usage: import (CSV and API, all or nothing, own district only, month replacement
audited), bought vs used per fiscal year, and the staff renewal list."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from core import clock as core_clock
from core.fiscal import FiscalYear
from orders.services import order_cancel, order_create, order_submit
from tests.chart_pages import chart_on
from tests.helpers import login, token
from usage import selectors
from usage.models import UsageImport, UsageRecord
from usage.services import MAX_ROWS, usage_import


def _month(back: int = 0) -> str:
    today = core_clock.today()
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    while month > 12:
        year, month = year + 1, month - 12
    return f"{year:04d}-{month:02d}"


def _buy(cast, district, buyer, product, quantity):
    actor = cast.actor(buyer)
    order = order_create(district=district, agreement=cast.agreement, lines=[(product, quantity)], actor=actor)
    return order_submit(order=order, actor=actor)


def _upload(client, text: str, replace: bool = False, name: str = "usage.csv"):
    data = {"file": SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, "text/csv")}
    if replace:
        data["replace"] = "on"
    return client.post("/usage/import/", data)


def test_csv_import_is_all_or_nothing_with_every_problem_by_line(client, joined):
    cast = joined
    login(client, cast.buyer_a)
    future = _month(-1)
    text = ("product,month,active_users,licences_used\n"
            f"{cast.licence.pk},{_month(1)},10,12\n"             # fine
            f"999999,{_month(1)},1,1\n"                          # no such product
            f"{cast.licence.pk},{future},1,1\n"                  # future month
            f"{cast.licence.pk},2026-13,1,1\n"                   # not a month
            f"{cast.device.pk},{_month(1)},1000001,\n"           # above the bound
            f"{cast.device.pk},{_month(2)},-3,\n"                # negative
            f"{cast.device.pk},{_month(3)},,\n"                  # no figure
            f"{cast.licence.pk},{_month(1)},5,5\n")              # same product and month again
    response = _upload(client, text)
    page = response.content.decode()
    assert response.status_code == 400 and "Nothing was imported" in page
    for expected in ("line 3, product: No product with id 999999", "line 4, month:", "is in the future",
                     "line 5, month:", "is not a month", "line 6, active_users:", "1,000,000",
                     "line 7, active_users:", "line 8, licences_used: Give licences used",
                     "line 9, month: This product and month are already in line 2"):
        assert expected in page, expected
    assert not UsageRecord.objects.exists() and not UsageImport.objects.exists()


def test_csv_refuses_nul_bytes_huge_files_and_too_many_rows(client, joined):
    cast = joined
    login(client, cast.buyer_a)
    assert "NUL byte" in _upload(client, b"product,month\n1\x00,2026-01\n").content.decode()
    huge = "product,month,licences_used\n" + "x" * (600 * 1024)
    assert "larger than 512 KB" in _upload(client, huge).content.decode()
    many = "product,month,licences_used\n" + "".join(f"{cast.licence.pk},{_month(1)},1\n" for _ in range(MAX_ROWS + 1))
    assert f"At most {MAX_ROWS:,} rows" in _upload(client, many).content.decode()
    assert "not UTF-8" in _upload(client, "product,month\ncafé,2026-01\n".encode("latin-1")).content.decode()
    assert "Unknown column" in _upload(client, "product,month,district\n1,2026-01,5\n").content.decode()
    assert not UsageRecord.objects.exists()


def test_reimport_of_a_month_asks_first_then_replaces_and_is_audited(client, joined):
    cast = joined
    login(client, cast.buyer_a)
    first = f"product,month,licences_used\n{cast.licence.pk},{_month(1)},40\n{cast.licence.pk},{_month(2)},50\n"
    assert _upload(client, first).status_code == 302
    # By name (any case) this time; the same month again is refused until "replace" is ticked.
    again = f"product,month,licences_used\n\"{cast.licence.name.upper()}\",{_month(1)},45\n"
    refused = _upload(client, again).content.decode()
    assert "You already reported" in refused and _month(1) in refused
    assert UsageRecord.objects.get(month=dt.date.fromisoformat(_month(1) + "-01")).licences_used == 40
    assert _upload(client, again, replace=True).status_code == 302
    records = {f"{r.month:%Y-%m}": r.licences_used for r in UsageRecord.objects.all()}
    assert records == {_month(1): 45, _month(2): 50}  # the other month is untouched
    event = AuditEvent.objects.get(action="usage.replaced")
    assert event.before == {"figures_by_month": {_month(1): 1}}
    assert AuditEvent.objects.filter(action="usage.imported").count() == 2
    assert UsageImport.objects.order_by("pk").last().replaced == 1


def test_one_products_figures_replace_only_that_product(client, joined):
    """A review found a one-row API import for a month wiped the district's other products of that
    month: only the products and months given are replaced."""
    cast = joined
    both = {"rows": [{"product": cast.licence.pk, "month": _month(1), "licences_used": 40},
                     {"product": cast.device.pk, "month": _month(1), "licences_used": 9}]}
    headers = token(cast.buyer_a)
    assert client.post("/api/v1/usage", json.dumps(both), content_type="application/json", **headers).status_code == 201
    one = {"rows": [{"product": cast.licence.pk, "month": _month(1), "licences_used": 41}]}
    again = client.post("/api/v1/usage", json.dumps(one), content_type="application/json", **headers)
    assert again.status_code == 201 and again.json()["replaced"] == 1
    assert {r.product_id: r.licences_used for r in UsageRecord.objects.all()} == {cast.licence.pk: 41,
                                                                               cast.device.pk: 9}


def test_api_import_is_for_the_callers_district_only(client, joined):
    cast = joined
    body = {"rows": [{"product": cast.licence.pk, "month": _month(1), "licences_used": 7}]}
    ok = client.post("/api/v1/usage", json.dumps(body), content_type="application/json", **token(cast.approver_b))
    assert ok.status_code == 201, ok.content
    assert ok.json()["district_id"] == cast.district_b.pk
    assert UsageRecord.objects.get().district_id == cast.district_b.pk
    # Naming another district is not a field: refused, nothing stored.
    sneaky = {"rows": [{**body["rows"][0], "district": cast.district_a.pk}]}
    refused = client.post("/api/v1/usage", json.dumps(sneaky), content_type="application/json", **token(cast.buyer_b))
    assert refused.status_code == 422 and "rows[0].district" in refused.json()["errors"]
    # Bounds and NUL characters, each named by row and field; nothing stored.
    bad = {"rows": [{"product": cast.licence.pk, "month": _month(1), "licences_used": 10**7}]}
    refused = client.post("/api/v1/usage", json.dumps(bad), content_type="application/json", **token(cast.buyer_a))
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert "rows[0].licences_used" in errors
    bad.pop("rows")
    bad["rows"] = [{"product": "Licence\x00", "month": _month(1), "licences_used": 1},
                   {"product": cast.licence.pk, "month": "2999-01", "active_users": 1}]
    refused = client.post("/api/v1/usage", json.dumps(bad), content_type="application/json", **token(cast.buyer_a))
    errors = refused.json()["errors"]
    assert refused.status_code == 422 and "NUL" in " ".join(errors["rows[0].product"])
    future = {"rows": [{"product": cast.licence.pk, "month": "2999-01", "active_users": 1}]}
    refused = client.post("/api/v1/usage", json.dumps(future), content_type="application/json", **token(cast.buyer_a))
    assert refused.status_code == 422 and "future" in " ".join(refused.json()["errors"]["rows[0].month"])
    assert UsageRecord.objects.count() == 1
    # Evaluators read but do not import.
    denied = client.post("/api/v1/usage", json.dumps(body), content_type="application/json", **token(cast.evaluator))
    assert denied.status_code == 403


def test_service_refuses_other_districts_people_and_empty_batches(joined):
    cast = joined
    rows = [{"product": cast.licence.pk, "month": _month(1), "licences_used": 1}]
    with pytest.raises(ValidationError, match="own buyer or approver"):
        usage_import(district=cast.district_a, rows=rows, source="api", actor=cast.actor(cast.buyer_b))
    with pytest.raises(ValidationError, match="No rows"):
        usage_import(district=cast.district_a, rows=[], source="api", actor=cast.actor(cast.buyer_a))
    assert not UsageImport.objects.exists()


def test_bought_vs_used_per_fiscal_year_with_chart_and_table(client, joined):
    cast = joined
    _buy(cast, cast.district_a, cast.buyer_a, cast.licence, 1000)
    cancelled = _buy(cast, cast.district_a, cast.buyer_a, cast.licence, 500)
    order_cancel(order=cancelled, reason="Ordered twice.", actor=cast.actor(cast.buyer_a))
    _buy(cast, cast.district_b, cast.buyer_b, cast.licence, 300)  # another district's: not counted
    usage_import(district=cast.district_a, source="api", actor=cast.actor(cast.buyer_a), rows=[
        {"product": cast.licence.pk, "month": _month(0), "active_users": 380, "licences_used": 400}])
    fy = FiscalYear.of(core_clock.today())
    (row,) = selectors.bought_vs_used(district=cast.district_a, fiscal_year=fy)
    assert (row.bought, row.figures.latest_used, row.utilisation, row.unused) == (1000, 400, 40, 600)
    login(client, cast.approver_a)
    page = client.get("/usage/").content.decode()
    assert "40%" in page and "(under-used)" in page
    chart = chart_on(page, "bought-used")
    assert chart.headers == ["Product", "Bought", "Used, latest month", "Used, peak month"]
    assert chart.rows == [[cast.licence.name, "1,000", "400", "400"]]
    api = client.get(f"/api/v1/usage?fiscal_year={fy.ends_in}", **token(cast.buyer_a)).json()
    assert api["products"][0]["utilisation_percent"] == 40 and api["products"][0]["bought"] == 1000
    assert client.get("/api/v1/usage?fiscal_year=1999", **token(cast.buyer_a)).status_code == 422
    # A previous fiscal year with nothing in it says so; a malformed or future year is refused (the
    # rule of core.fiscal: 400 page with the reason, 422 in the API).
    assert "No licences bought in" in client.get(f"/usage/?fy={fy.ends_in - 1}").content.decode()
    refused = client.get("/usage/?fy=abc")
    assert refused.status_code == 400 and "is not a fiscal year" in refused.content.decode()
    future = client.get(f"/usage/?fy={fy.ends_in + 1}")
    assert future.status_code == 400 and "has not started" in future.content.decode()
    assert client.get(f"/api/v1/usage?fiscal_year={fy.ends_in + 1}", **token(cast.buyer_a)).status_code == 422
    assert client.get(f"/api/v1/usage?fiscal_year={fy.ends_in - 10}", **token(cast.buyer_a)).status_code == 200
    assert client.get("/usage/?fy=x%00").status_code == 400  # NUL in a query string: refused site-wide


def test_renewal_list_puts_the_worst_used_first(client, joined):
    cast = joined
    today = core_clock.today()
    cast.agreement.end_date = today + dt.timedelta(days=90)
    cast.agreement.save(update_fields=["end_date"])
    _buy(cast, cast.district_a, cast.buyer_a, cast.licence, 1000)
    _buy(cast, cast.district_b, cast.buyer_b, cast.licence, 500)
    _buy(cast, cast.district_b, cast.buyer_b, cast.device, 20)  # a device: not a licence
    usage_import(district=cast.district_a, source="api", actor=cast.actor(cast.buyer_a), rows=[
        {"product": cast.licence.pk, "month": _month(1), "licences_used": 300},
        {"product": cast.licence.pk, "month": _month(0), "licences_used": 250}])
    usage_import(district=cast.district_b, source="api", actor=cast.actor(cast.buyer_b), rows=[
        {"product": cast.licence.pk, "month": _month(0), "licences_used": 350}])
    (renewal,) = [r for r in selectors.renewal_list() if r.agreement.pk == cast.agreement.pk]
    (line,) = renewal.lines
    assert (line.bought, line.used, line.peak, line.buying_districts, line.reporting_districts) == (1500, 600, 650, 2, 2)
    assert line.utilisation == 40 and renewal.days_left == 90 and line.price_now is not None
    login(client, cast.staff)
    page = client.get("/usage/renewals/").content.decode()
    assert cast.agreement.number in page and "40%" in page and "(under-used)" in page
    assert chart_on(page, "renewal-utilisation").rows[0][1] == "40%"
    api = client.get("/api/v1/usage/renewals", **token(cast.staff))
    assert api.status_code == 200
    first = api.json()["renewals"][0]
    assert first["agreement_id"] == cast.agreement.pk and first["worst_utilisation_percent"] == 40
    assert first["lines"][0]["bought_reporting"] == 1500 and first["lines"][0]["prices"][0]["version"] == 1
    # An agreement ending in more than 180 days is not on the list.
    cast.agreement.end_date = today + dt.timedelta(days=181)
    cast.agreement.save(update_fields=["end_date"])
    assert cast.agreement.pk not in [r.agreement.pk for r in selectors.renewal_list()]


def test_template_lists_the_licences_bought(client, joined):
    cast = joined
    _buy(cast, cast.district_a, cast.buyer_a, cast.licence, 10)
    login(client, cast.buyer_a)
    text = client.get("/usage/template.csv").content.decode()
    assert text.splitlines()[0] == "product,month,active_users,licences_used"
    assert text.splitlines()[1].startswith(f"{cast.licence.pk},{_month(0)}")


def test_month_boundary_is_the_consortiums_calendar(joined, clock):
    """At 23:59 on 30 November in Los Angeles (07:59 UTC on 1 December) December has not begun."""
    from django.utils import timezone

    cast = joined
    rows = [{"product": cast.licence.pk, "month": "2026-12", "licences_used": 1}]
    clock.set(timezone.make_aware(dt.datetime(2026, 11, 30, 23, 59)))
    with pytest.raises(ValidationError, match="in the future"):
        usage_import(district=cast.district_a, rows=rows, source="api", actor=cast.actor(cast.buyer_a))
    clock.set(timezone.make_aware(dt.datetime(2026, 12, 1, 0, 0)))
    assert usage_import(district=cast.district_a, rows=rows, source="api", actor=cast.actor(cast.buyer_a)).rows == 1


def test_api_refuses_true_as_a_product_and_absurd_numbers(client, joined):
    cast = joined
    for row in ({"product": True, "month": _month(1), "licences_used": 1},
                {"product": cast.licence.pk, "month": _month(1), "licences_used": 10**30},
                {"product": "9" * 30, "month": _month(1), "licences_used": 1}):
        response = client.post("/api/v1/usage", json.dumps({"rows": [row]}), content_type="application/json",
                               **token(cast.buyer_a))
        assert response.status_code == 422, row
    assert not UsageRecord.objects.exists()


def test_usage_far_above_what_was_bought_is_refused_and_above_bought_is_flagged(client, joined):
    """A review found 40,000% utilisation accepted silently. Over 10x both the licences bought and
    the enrolment is refused as a typo (CSV and API alike); above bought but plausible is stored,
    flagged on the page and in the API."""
    cast = joined
    cast.district_a.enrollment = 100
    cast.district_a.save(update_fields=["enrollment"])
    _buy(cast, cast.district_a, cast.buyer_a, cast.licence, 50)
    login(client, cast.buyer_a)
    typo = f"product,month,licences_used\n{cast.licence.pk},{_month(0)},20000\n"
    refused = _upload(client, typo)
    assert refused.status_code == 400
    assert "line 2, licences_used: 20,000 licences used is more than 10 times" in refused.content.decode()
    body = {"rows": [{"product": cast.licence.pk, "month": _month(0), "active_users": 1001}]}
    api = client.post("/api/v1/usage", json.dumps(body), content_type="application/json", **token(cast.buyer_a))
    assert api.status_code == 422 and "rows[0].active_users" in api.json()["errors"]
    assert not UsageRecord.objects.exists()
    # 80 used of 50 bought (enrolment 100): kept, and said.
    ok = _upload(client, f"product,month,licences_used\n{cast.licence.pk},{_month(0)},80\n")
    assert ok.status_code == 302
    page = client.get("/usage/").content.decode()
    assert "above licences bought" in page and "160%" in page
    assert "are above the licences your district bought" in page  # the import's warning, shown once
    got = client.get("/api/v1/usage", **token(cast.buyer_a)).json()
    assert got["products"][0]["above_bought"] is True
    # The same figure by API says how many figures are above what was bought (exactly 1000 = 10x enrolment: kept).
    body = {"rows": [{"product": cast.licence.pk, "month": _month(0), "licences_used": 1000}]}
    api = client.post("/api/v1/usage", json.dumps(body), content_type="application/json", **token(cast.buyer_a))
    assert api.status_code == 201 and api.json()["above_bought"] == 1
