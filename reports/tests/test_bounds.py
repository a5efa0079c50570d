"""Sales report lines outside the domain bounds are refused, naming the line and field."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from tests.helpers import token
from reports.models import SalesReport
from reports.services import parse_report_csv, sales_report_submit
from reports.tests.conftest import after, line


@pytest.mark.parametrize("field,value", [
    ("quantity", 10**12), ("quantity", 99_999_999_999_999), ("quantity", 1_000_001),
    ("unit_price", "1e30"), ("unit_price", "10000000.01"), ("unit_price", "NaN"),
    ("unit_price", "1e999999999"), ("quantity", "²"), ("quantity", "١٢٣"), ("district", "²"), ("product", "²"),
    ("district", "Alpha\x00Unified"), ("district", "x" * 131_072), ("product", "Chrome\x00book"),
    ("order_number", "PO\x00-1"),
])
def test_absurd_values_in_a_report_line_name_the_field(cast, quarter, clock, field, value):
    after(clock, quarter)
    row = line("Alpha Unified", cast.device.name, 10, "300.00")
    row[field] = value
    with pytest.raises(ValidationError) as exc:
        sales_report_submit(agreement=cast.agreement, quarter=quarter, lines=[row], source="api",
                            actor=cast.actor(cast.vendor_user_a))
    assert f"lines[1].{field}" in exc.value.message_dict
    assert not SalesReport.objects.exists()


def test_absurd_quantity_through_the_api(client, cast, quarter, clock):
    after(clock, quarter)
    response = client.post(
        f"/api/v1/agreements/{cast.agreement.pk}/sales-reports",
        json.dumps({"quarter": f"{quarter.year}-Q{quarter.number}",
                    "lines": [line("Alpha Unified", cast.device.name, 10**12, "300.00")]}),
        content_type="application/json", **token(cast.vendor_user_a))
    assert response.status_code == 422, response.content
    assert "quantity" in response.content.decode()
    assert not SalesReport.objects.exists()


def test_csv_with_a_huge_field_or_nul_names_the_line(cast, quarter, clock):
    after(clock, quarter)
    for text in (f"district,product,quantity,unit_price\nAlpha Unified,{cast.device.pk},{'9' * 200_000},300\n",
                 f"district,product,quantity,unit_price\nAlpha\x00Unified,{cast.device.pk},10,300\n",
                 f"district,product,quantity,unit_price\nAlpha Unified,{cast.device.pk},10000000000000,300\n"):
        with pytest.raises(ValidationError) as exc:
            parse_report_csv(text=text, agreement=cast.agreement)
        assert any(m.startswith("line 2") for m in exc.value.message_dict["file"]), exc.value.message_dict
