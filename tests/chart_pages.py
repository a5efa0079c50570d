"""Reading a `{% chart c %}` figure back out of a rendered page, as a reader would: its caption,
the SVG (well-formed, with its summary in <desc>), the words drawn in it and its table."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class ChartOnPage:
    title: str
    summary: str
    svg: ET.Element
    texts: list[str]
    headers: list[str]
    rows: list[list[str]]

    def bars(self, size: str = "width") -> list[float]:
        """The widths (bar chart) or heights (column chart) of the SVG's data rectangles, in order."""
        return [float(r.get(size)) for r in self.svg.iter(SVG + "rect") if r.find(SVG + "title") is not None]


def _cells(row: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def chart_on(page: str, key: str) -> ChartOnPage:
    """The figure `id=key` on the page (AssertionError if it is not there)."""
    found = re.search(rf'<figure class="chart" id="{re.escape(key)}">(.*?)</figure>', page, re.S)
    assert found, f"no chart {key!r} on the page"
    figure = found.group(1)
    caption = re.search(r"<figcaption[^>]*><strong>(.*?)</strong><br><span class=\"muted\">(.*?)</span>", figure, re.S)
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", figure, re.S).group(0))
    title, summary = html.unescape(caption.group(1)), html.unescape(caption.group(2))
    assert svg.get("role") == "img"
    assert svg.find(SVG + "title").text == title and svg.find(SVG + "desc").text == summary
    head = re.search(r"<thead>(.*?)</thead>", figure, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", figure, re.S).group(1)
    return ChartOnPage(title=title, summary=summary, svg=svg,
                       texts=[t.text for t in svg.iter(SVG + "text")], headers=_cells(head),
                       rows=[_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)])


def has_chart(page: str, key: str) -> bool:
    return f'<figure class="chart" id="{key}">' in page
