"""Charts as accessible, server-rendered SVG with the same figures as a table (no JavaScript, no CDN).

Every builder returns a `Chart`: an SVG image (`role="img"`, with a `<title>` and a `<desc>` that
say in words what it shows, so a screen reader hears the finding, not the shapes) and a table of
the same figures, which `{% chart c %}` (core/templatetags/charts.py) shows beneath it under
"Show the figures as a table". Colours keep a 3:1 contrast on white (WCAG 1.4.11) and no figure
is told by colour alone: bars and points carry their values as text, series are named in a
legend and in the table.

Builders take numbers (Decimal, int or float) and a `fmt` that turns a number into the words
people read (e.g. `core.formatting.money`); scales start at zero and end at a round number.
This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Callable, Optional, Sequence

from django.utils.safestring import SafeString, mark_safe

Number = Decimal | int | float
Fmt = Callable[[Number], str]

# Dark enough for 3:1 on white (most far more): brand blue, green, amber-brown, purple, slate.
PALETTE = ("#0b5394", "#1e6b32", "#8a4b00", "#6b3fa0", "#4a5560")
INK, MUTED, LINE = "#1b1f24", "#4a5560", "#c9d1d9"
WIDTH = 640  # the viewBox width; the image scales to its box


def plain(value: Number) -> str:
    """12,345 or 12,345.5: the default way a figure is written."""
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}".rstrip("0").rstrip(".")


def money_axis(value: Number) -> str:
    """$250k, $1.5M, $900: money short enough for an axis's tick (the bars and the table keep
    the exact amount)."""
    number = float(value)
    sign, number = ("-" if number < 0 else ""), abs(number)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if number >= size:
            return f"{sign}${plain(round(number / size, 2))}{suffix}"
    return f"{sign}${plain(round(number, 2))}"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number
    note: str = ""  # e.g. "over the cap": said in the text, not only by colour


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Optional[Number]]


@dataclass(frozen=True)
class Marker:
    """A line across the chart at `value`, e.g. a share cap or a tier's breakpoint."""
    value: Number
    label: str


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str  # one sentence: what the picture shows, read first by everyone
    svg: SafeString
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def nice_max(value: float) -> float:
    """The round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at or above
    `value`: the scale's end, close enough above the largest figure to leave no empty half."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power * (1 + 1e-12):
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _key(title: str, key: str) -> str:
    return key or "chart-" + hashlib.sha1(title.encode()).hexdigest()[:8]


def _svg(key: str, title: str, summary: str, height: int, body: list[str]) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{key}-t {key}-d" class="chart-svg" '
            f'font-family="system-ui, sans-serif" font-size="13">'
            f'<title id="{key}-t">{escape(title)}</title><desc id="{key}-d">{escape(summary)}</desc>')
    return mark_safe(head + "".join(body) + "</svg>")


def _text(x: float, y: float, words: str, *, anchor: str = "start", fill: str = INK,
          weight: str = "normal", size: int = 13) -> str:
    # A white halo keeps words readable where they cross a line (e.g. a marker).
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
            f'font-size="{size}" font-weight="{weight}" paint-order="stroke" stroke="#ffffff" '
            f'stroke-width="3" stroke-linejoin="round">{escape(words)}</text>')


def _clip(words: str, limit: int) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"


def bar_chart(*, title: str, summary: str, bars: Sequence[Bar], fmt: Fmt = plain,
              marker: Optional[Marker] = None, value_header: str = "Value",
              label_header: str = "", key: str = "") -> Chart:
    """Horizontal bars, one per label, with the value written at the end of each bar; an optional
    marker line (e.g. "share cap 7%")."""
    key = _key(title, key)
    label_w, right_pad, row_h, top = 190, 110, 28, 24 if marker else 8
    scale_max = nice_max(max([float(b.value) for b in bars] + [float(marker.value) if marker else 0]))
    plot_w = WIDTH - label_w - right_pad
    height = top + row_h * max(len(bars), 1) + 24
    body = []
    for i, bar in enumerate(bars):
        y = top + i * row_h
        w = max(float(bar.value), 0) / scale_max * plot_w
        colour = PALETTE[2] if bar.note else PALETTE[0]
        body.append(_text(label_w - 8, y + 18, _clip(bar.label, 28), anchor="end"))
        body.append(f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" '
                    f'fill="{colour}"><title>{escape(bar.label)}: {escape(fmt(bar.value))}</title></rect>')
        words = fmt(bar.value) + (f" ({bar.note})" if bar.note else "")
        body.append(_text(label_w + w + 6, y + 18, words, fill=INK))
    base = top + row_h * max(len(bars), 1)
    body.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{base}" stroke="{MUTED}"/>')
    body.append(_text(label_w, base + 16, fmt(0), anchor="middle", fill=MUTED, size=11))
    body.append(_text(label_w + plot_w, base + 16, fmt(scale_max), anchor="middle", fill=MUTED, size=11))
    if marker is not None:
        x = label_w + float(marker.value) / scale_max * plot_w
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{base}" stroke="{PALETTE[3]}" '
                    f'stroke-width="2" stroke-dasharray="6 3"/>')
        body.append(_text(x, top - 8, f"{marker.label}: {fmt(marker.value)}", anchor="middle",
                          fill=PALETTE[3], weight="600", size=12))
    rows = tuple((b.label, fmt(b.value) + (f" ({b.note})" if b.note else "")) for b in bars)
    if marker is not None:
        rows += ((marker.label, fmt(marker.value)),)
    return Chart(key, title, summary, _svg(key, title, summary, height, body),
                 (label_header or "Item", value_header), rows)


def column_chart(*, title: str, summary: str, categories: Sequence[str], series: Sequence[Series],
                 fmt: Fmt = plain, category_header: str = "", key: str = "",
                 axis_fmt: Optional[Fmt] = None, whole: Optional[bool] = None) -> Chart:
    """Vertical columns per category (e.g. months), one column per series side by side, with a
    legend; values too small to label are still in the table. `axis_fmt` writes the scale's ticks
    (default `fmt`; e.g. `money_axis`, so "$250,000.00" does not run off the left edge).
    `whole`: the figures are counts, so the scale's ticks are whole numbers only (no "1.5
    contracts"); by default, when every value given is an `int`."""
    key = _key(title, key)
    left, top, bottom, height = 70, 34 if len(series) > 1 else 12, 40, 260
    plot_h, plot_w = height - top - bottom, WIDTH - left - 10
    given = [v for s in series for v in s.values if v is not None]
    values = [float(v) for v in given]
    if whole is None:
        whole = all(isinstance(v, int) and not isinstance(v, bool) for v in given)
    if whole:
        scale_max, ticks = whole_scale(max(values + [0]))
    else:
        scale_max = nice_max(max(values + [0]))
        ticks = [scale_max * i / 4 for i in range(5)]
    group_w = plot_w / max(len(categories), 1)
    col_w = min(36.0, group_w * 0.8 / max(len(series), 1))
    body = _axis_y(left, top, plot_h, plot_w, scale_max, axis_fmt or fmt, ticks)
    for si, s in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        for ci, value in enumerate(s.values):
            if value is None:
                continue
            h = max(float(value), 0) / scale_max * plot_h
            x = left + ci * group_w + (group_w - col_w * len(series)) / 2 + si * col_w
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{col_w - 2:.1f}" '
                        f'height="{h:.1f}" fill="{colour}"><title>{escape(s.name)}, '
                        f'{escape(categories[ci])}: {escape(fmt(value))}</title></rect>')
    step = max(1, math.ceil(len(categories) / 12))  # at most 12 labels under the axis
    room = max(6, int(group_w * step / 7))  # characters that fit under a label's columns (11px text)
    for ci, name in enumerate(categories):
        if ci % step == 0:
            body.append(_text(left + (ci + 0.5) * group_w, top + plot_h + 16, _clip(name, room),
                              anchor="middle", fill=MUTED, size=11))
    body += _legend(series, left, 14) if len(series) > 1 else []
    headers = (category_header or "Period",) + tuple(s.name for s in series)
    rows = tuple((name,) + tuple("—" if s.values[ci] is None else fmt(s.values[ci]) for s in series)
                 for ci, name in enumerate(categories))
    return Chart(key, title, summary, _svg(key, title, summary, height, body), headers, rows)


def line_chart(*, title: str, summary: str, x_values: Sequence[Number], series: Sequence[Series],
               fmt: Fmt = plain, x_fmt: Fmt = plain, x_header: str = "", y_floor: Optional[float] = None,
               key: str = "", step: bool = False) -> Chart:
    """Lines over a numeric x axis (e.g. seconds), each series named in the legend, with a dot
    and its value at the last point. `y_floor` starts the scale above zero when the lines run
    close together (e.g. a cost and its bound). `step`: a value holds until the next point (e.g.
    the best cost found so far), so the line runs flat, then jumps."""
    key = _key(title, key)
    left, top, bottom, height = 90, 34, 40, 260
    plot_h, plot_w = height - top - bottom, WIDTH - left - 110
    ys = [float(v) for s in series for v in s.values if v is not None]
    low = y_floor if y_floor is not None else 0.0
    high = max(ys + [low + 1e-9])
    span = nice_max(high - low) if high > low else 1.0
    xs = [float(x) for x in x_values] or [0.0]
    x_low, x_high = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1

    def px(x: float) -> float:
        return left + (x - x_low) / (x_high - x_low) * plot_w

    def py(y: float) -> float:
        return top + plot_h - (y - low) / span * plot_h

    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{MUTED}"/>',
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{MUTED}"/>',
            _text(left - 6, top + 4, fmt(low + span), anchor="end", fill=MUTED, size=11),
            _text(left - 6, top + plot_h + 4, fmt(low), anchor="end", fill=MUTED, size=11),
            _text(left, top + plot_h + 18, x_fmt(x_low), anchor="middle", fill=MUTED, size=11),
            _text(left + plot_w, top + plot_h + 18, x_fmt(x_high), anchor="middle", fill=MUTED, size=11)]
    for si, s in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        points = [(px(float(x)), py(float(v))) for x, v in zip(x_values, s.values) if v is not None]
        if not points:
            continue
        drawn = points
        if step:
            drawn = [points[0]]
            for x, y in points[1:]:
                drawn += [(x, drawn[-1][1]), (x, y)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in drawn)
        dash = ' stroke-dasharray="6 3"' if si % 2 else ""
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        last = next(v for v in reversed(s.values) if v is not None)
        x, y = points[-1]
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        body.append(_text(x + 8, y + 4 + (14 if si % 2 else 0), fmt(last), fill=colour, size=12))
    body += _legend(series, left, 14)
    headers = (x_header or "At",) + tuple(s.name for s in series)
    rows = tuple((x_fmt(x),) + tuple("—" if s.values[i] is None else fmt(s.values[i]) for s in series)
                 for i, x in enumerate(x_values))
    return Chart(key, title, summary, _svg(key, title, summary, height, body), headers, rows)


def progress_chart(*, title: str, summary: str, value: Number, value_label: str,
                   markers: Sequence[Marker], fmt: Fmt = plain, key: str = "") -> Chart:
    """One bar filled to `value` along a scale with a tick at each marker (e.g. pooled volume and
    the volume tiers' breakpoints, each labelled with its price)."""
    key = _key(title, key)
    left, right = 10, 10
    plot_w = WIDTH - left - right
    scale_max = nice_max(max([float(value)] + [float(m.value) for m in markers]) * 1.05)
    filled = max(float(value), 0) / scale_max * plot_w
    body = [f'<rect x="{left}" y="30" width="{plot_w}" height="22" fill="#ffffff" stroke="{MUTED}"/>',
            f'<rect x="{left}" y="30" width="{filled:.1f}" height="22" fill="{PALETTE[0]}"/>',
            _text(left, 20, f"{value_label}: {fmt(value)}", weight="600")]
    row_ends: list[float] = []  # where the last label of each row of labels ends
    for marker in sorted(markers, key=lambda m: float(m.value)):
        x = left + float(marker.value) / scale_max * plot_w
        reached = float(value) >= float(marker.value)
        words = f"{fmt(marker.value)}: {marker.label}"
        anchor = "end" if x > WIDTH - 120 else ("start" if x < 120 else "middle")
        start, end = _span(x, len(words), anchor)
        # The first row this label fits in without touching its neighbour (breakpoints close
        # together, e.g. 1, 250 and 1,000 on a scale of 25,000, stack instead of overlapping).
        row = next((r for r, row_end in enumerate(row_ends) if start >= row_end + 8), len(row_ends))
        if row == len(row_ends):
            row_ends.append(end)
        row_ends[row] = end
        y = 74 + 14 * row
        body.append(f'<line x1="{x:.1f}" y1="26" x2="{x:.1f}" y2="{y - 10}" stroke="{INK}" stroke-width="2"/>')
        body.append(_text(x, y, words, anchor=anchor, fill=INK if reached else MUTED, size=11,
                          weight="600" if reached else "normal"))
    height = 74 + 14 * max(len(row_ends) - 1, 0) + 14
    rows = ((value_label, fmt(value)),) + tuple(
        (marker.label, fmt(marker.value) + (" (reached)" if float(value) >= float(marker.value) else ""))
        for marker in markers)
    return Chart(key, title, summary, _svg(key, title, summary, height, body), ("", "Quantity"), rows)


def _span(x: float, characters: int, anchor: str, size: int = 11) -> tuple[float, float]:
    """Where a label of so many characters runs, roughly (a character is about 0.6 em wide)."""
    width = characters * size * 0.6
    start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return start, start + width


def timeline_chart(*, title: str, summary: str, events: Sequence[tuple[dt.date, str]],
                   today: dt.date, key: str = "") -> Chart:
    """Dated steps on one line, the past filled and the future hollow, with a "today" mark."""
    key = _key(title, key)
    events = sorted(events, key=lambda e: e[0])
    left, right, height = 20, 20, 70 + 16 * min(len(events), 4)
    plot_w = WIDTH - left - right
    days = [e[0] for e in events] + [today]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def px(day: dt.date) -> float:
        return left + (day - first).days / span * plot_w

    body = [f'<line x1="{left}" y1="30" x2="{left + plot_w}" y2="30" stroke="{MUTED}" stroke-width="2"/>']
    for i, (day, label) in enumerate(events):
        x, past = px(day), day <= today
        fill = PALETTE[0] if past else "#ffffff"
        body.append(f'<circle cx="{x:.1f}" cy="30" r="6" fill="{fill}" stroke="{PALETTE[0]}" stroke-width="2"/>')
        y = 54 + 16 * (i % 4)
        anchor = "end" if x > WIDTH - 140 else ("start" if x < 140 else "middle")
        body.append(_text(x, y, f"{label}: {day:%b} {day.day}", anchor=anchor, size=11,
                          fill=INK if past else MUTED))
    x = px(today)
    body.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="40" stroke="{PALETTE[2]}" stroke-width="2"/>')
    body.append(_text(x, 11, "today", anchor="middle", fill=PALETTE[2], size=11, weight="600"))
    rows = tuple((label, f"{day:%A} {day:%B} {day.day}, {day:%Y}", "done" if day <= today else "to come")
                 for day, label in events)
    return Chart(key, title, summary, _svg(key, title, summary, height, body), ("Step", "Date", ""), rows)


def whole_scale(value: float) -> tuple[int, list[int]]:
    """A scale for counts: its end and at most five whole-number ticks from 0, evenly spaced by
    1, 2 or 5 times a power of ten (or 25, 250 ...), the end at or above `value`."""
    top = max(math.ceil(value - 1e-9), 1)
    if top <= 4:
        return top, list(range(top + 1))
    power = 1
    while True:
        for step in (power, 2 * power, (5 * power) // 2 if power >= 10 else 0, 5 * power):
            if step and step * 4 >= top:
                end = step * math.ceil(top / step)
                return end, list(range(0, end + 1, step))
        power *= 10


def _axis_y(left: int, top: int, plot_h: int, plot_w: int, scale_max: float, fmt: Fmt,
            ticks: Optional[Sequence[Number]] = None) -> list[str]:
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{MUTED}"/>']
    ticks = ticks if ticks is not None else [scale_max * i / 4 for i in range(5)]
    for i, value in enumerate(ticks):
        y = top + plot_h - plot_h * float(value) / scale_max
        if i:
            body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{LINE}"/>')
        body.append(_text(left - 6, y + 4, fmt(value), anchor="end", fill=MUTED, size=11))
    return body


def _legend(series: Sequence[Series], x: int, y: int) -> list[str]:
    body, at = [], x
    for si, s in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        dash = ' stroke-dasharray="6 3"' if si % 2 else ""
        body.append(f'<line x1="{at}" y1="{y - 4}" x2="{at + 22}" y2="{y - 4}" stroke="{colour}" '
                    f'stroke-width="6"{dash}/>')
        body.append(_text(at + 28, y, _clip(s.name, 30), size=12))
        at += 40 + 7 * min(len(s.name), 30)
    return body
