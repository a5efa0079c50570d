"""Charts: well-formed SVG that says what it shows, scaled right, with the same figures as a table."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template

from core import charts
from core.charts import Bar, Marker, Series
from core.formatting import money

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


@pytest.mark.parametrize("value, expected", [
    (0, 1), (0.7, 0.8), (1, 1), (1.01, 1.2), (2.2, 2.5), (3, 3), (7, 8), (12, 12), (13, 15),
    (99_000, 100_000), (520_000, 600_000), (850_000, 1_000_000)])
def test_scales_end_at_a_round_number(value, expected):
    assert charts.nice_max(value) == pytest.approx(expected)


def test_bar_chart_is_accessible_and_proportional():
    c = charts.bar_chart(title="Spend by vendor", summary="Vendor A received most of the spend.",
                         bars=[Bar("Vendor A", Decimal("400000")), Bar("Vendor <B>", Decimal("100000"),
                                                                       note="over the cap")],
                         marker=Marker(Decimal("250000"), "Share cap"), fmt=money, value_header="Spend")
    root = parse(c)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find("s:title", NS).get("id") == title_id and root.find("s:title", NS).text == "Spend by vendor"
    assert root.find("s:desc", NS).get("id") == desc_id
    rects = [r for r in root.findall("s:rect", NS)]
    assert float(rects[0].get("width")) == pytest.approx(4 * float(rects[1].get("width")))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "$400,000.00" in texts and "$100,000.00 (over the cap)" in texts
    assert "Vendor <B>" in texts  # escaped in the markup, read back as written
    assert "<B>" not in str(c.svg)
    assert c.headers == ("Item", "Spend")
    assert c.rows == (("Vendor A", "$400,000.00"), ("Vendor <B>", "$100,000.00 (over the cap)"),
                      ("Share cap", "$250,000.00"))


def test_column_chart_table_matches_series():
    c = charts.column_chart(title="Spend by month", summary="Spend rose in the autumn.",
                            categories=["Jul", "Aug", "Sep"],
                            series=[Series("Ordered", [10, 20, None]), Series("Rebates", [0, 1, 2])])
    root = parse(c)
    assert len(root.findall("s:rect", NS)) == 5  # None is left out of the picture
    assert c.rows == (("Jul", "10", "0"), ("Aug", "20", "1"), ("Sep", "—", "2"))
    assert c.headers == ("Period", "Ordered", "Rebates")


def test_line_chart_orders_points_and_labels_the_last():
    c = charts.line_chart(title="Award engine", summary="The bound rose to meet the best cost.",
                          x_values=[0, 1.5, 3], series=[Series("Best cost", [120, 110, 105]),
                                                        Series("Proven bound", [90, 100, 104.9])],
                          y_floor=80, x_fmt=lambda s: f"{float(s):.1f} s")
    root = parse(c)
    lines = root.findall("s:polyline", NS)
    assert len(lines) == 2
    points = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    assert points[0][1] < points[-1][1]  # the cost fell: its line goes down the picture (y grows)
    assert c.rows[-1] == ("3.0 s", "105", "104.9")


def test_progress_chart_marks_reached_breakpoints():
    c = charts.progress_chart(title="Pooled volume", summary="1,200 of 2,000 for the next price.",
                              value=1200, value_label="Pooled so far",
                              markers=[Marker(500, "$95.00 each"), Marker(2000, "$90.00 each")])
    assert c.rows == (("Pooled so far", "1,200"), ("$95.00 each", "500 (reached)"),
                      ("$90.00 each", "2,000"))
    root = parse(c)
    outline, fill = root.findall("s:rect", NS)[:2]
    scale = float(outline.get("width")) / charts.nice_max(2000 * 1.05)
    assert float(fill.get("width")) == pytest.approx(1200 * scale, rel=1e-3)


def test_progress_labels_close_together_stack_and_far_apart_share_a_row():
    def label_rows(value, minimums):
        c = charts.progress_chart(title="T", summary="S", value=value, value_label="Pooled volume",
                                  markers=[Marker(m, "$288.00 each") for m in minimums], fmt=charts.plain)
        root = parse(c)
        texts = {t.text.split(":")[0]: float(t.get("y")) for t in root.iter("{http://www.w3.org/2000/svg}text")}
        height = float(root.get("viewBox").split()[3])
        assert all(y < height for y in texts.values())  # nothing drawn below the picture
        return [texts[charts.plain(m)] for m in minimums]

    crowded = label_rows(20_000, [1, 250, 1000])  # 0, 10 and 40 px apart on the scale
    assert len(set(crowded)) == 3
    spread = label_rows(1200, [1, 2000, 4000])
    assert spread[0] == spread[1] == spread[2]


def test_timeline_says_what_is_done():
    today = dt.date(2026, 12, 2)
    c = charts.timeline_chart(title="Timeline", summary="Bids are due on December 9.",
                              events=[(dt.date(2026, 12, 9), "Bids due"), (dt.date(2026, 11, 20), "Published")],
                              today=today)
    assert [r[0] for r in c.rows] == ["Published", "Bids due"]
    assert [r[2] for r in c.rows] == ["done", "to come"]
    parse(c)


def test_the_tag_renders_figure_image_and_table():
    c = charts.bar_chart(title="T", summary="S", bars=[Bar("A", 1)])
    html = Template("{% load charts %}{% chart c %}").render(Context({"c": c}))
    assert html.count("<svg") == 1 and "<table>" in html and "Show the figures as a table" in html
    assert '<th scope="row">A</th>' in html


@pytest.mark.parametrize("value, expected", [(0, "$0"), (900, "$900"), (62_500, "$62.5k"), (250_000, "$250k"),
                                             (1_500_000, "$1.5M"), (-1000, "-$1k"), (12.5, "$12.5")])
def test_money_on_an_axis_is_short(value, expected):
    assert charts.money_axis(value) == expected


def test_column_axis_ticks_take_their_own_format_and_labels_use_the_room_they_have():
    c = charts.column_chart(title="Rebates", summary="s", categories=["MA-2026-001-01"],
                            series=[Series("Earned", [Decimal("250000")])], fmt=money, axis_fmt=charts.money_axis)
    texts = [t.text for t in parse(c).iter("{http://www.w3.org/2000/svg}text")]
    assert "$250k" in texts and "$250,000.00" not in texts  # the exact amount stays in the table
    assert "MA-2026-001-01" in texts  # one wide column: the label is not cut
    assert c.rows == (("MA-2026-001-01", "$250,000.00"),)
    months = charts.column_chart(title="m", summary="s", categories=[f"Month {i:02}" for i in range(12)],
                                 series=[Series("Spend", [1] * 12)])
    labels = [t.text for t in parse(months).iter("{http://www.w3.org/2000/svg}text")][5:]
    assert labels[0] == "Month…"  # twelve narrow columns: cut short rather than overlapping


def _ticks(chart) -> list[str]:
    """The words on the vertical scale (the muted 11px texts right-aligned left of the plot)."""
    return [t.text for t in parse(chart).iter("{http://www.w3.org/2000/svg}text")
            if t.get("text-anchor") == "end" and t.get("font-size") == "11"]


@pytest.mark.parametrize("top, ticks", [
    (1, ["0", "1"]), (2, ["0", "1", "2"]), (3, ["0", "1", "2", "3"]), (7, ["0", "2", "4", "6", "8"]),
    (150, ["0", "50", "100", "150"]), (999, ["0", "250", "500", "750", "1,000"])])
def test_counts_have_whole_ticks_only(top, ticks):
    """Counts (ints) never get a "0.5" or "1.5" tick: there is no half a contract."""
    c = charts.column_chart(title="Contracts ending", summary="s", categories=["2027 Q2", "2027 Q3"],
                            series=[Series("Contracts ending", [top, 1])])
    assert _ticks(c) == ticks


def test_amounts_keep_quarter_ticks():
    c = charts.column_chart(title="Spend", summary="s", categories=["Jul"],
                            series=[Series("Spend", [Decimal("2.00")])])
    assert _ticks(c) == ["0", "0.5", "1", "1.5", "2"]
    forced = charts.column_chart(title="Spend", summary="s", categories=["Jul"],
                                 series=[Series("Units", [Decimal("2")])], whole=True)
    assert _ticks(forced) == ["0", "1", "2"]
