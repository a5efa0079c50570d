"""The evaluator's scoring grid: one row per responsive proposal (named as the scoring page names
it), one cell per criterion scored by evaluators, each with its points and comment inputs, the
value saved or typed, and the errors of that cell tied to its inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional


@dataclass
class GridCell:
    bid_id: int
    criterion: object
    points: str
    comment: str
    points_errors: list = field(default_factory=list)
    comment_errors: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.bid_id}-{self.criterion.pk}"

    @property
    def points_name(self) -> str:
        return f"points-{self.key}"

    @property
    def comment_name(self) -> str:
        return f"comment-{self.key}"


@dataclass
class GridRow:
    bid_id: int
    label: str
    cells: list


def score_grid(evaluations, criteria, mine: Mapping, *, posted: Optional[Mapping] = None,
               errors: Optional[Mapping] = None) -> list[GridRow]:
    """The rows of the grid. `mine` holds the evaluator's saved scores by (bid id, criterion id);
    after a refused save, `posted` are the values typed and `errors` the service's messages by
    input name."""
    errors = errors or {}
    rows = []
    for ev in evaluations:
        if not ev.responsive:
            continue
        bid_id = ev.bid.bid_id
        cells = []
        for criterion in criteria:
            saved = mine.get((bid_id, criterion.pk))
            cell = GridCell(bid_id=bid_id, criterion=criterion,
                            points="" if saved is None else _points_text(saved.points),
                            comment="" if saved is None else saved.comment)
            if posted is not None:
                cell.points = posted.get(cell.points_name, "")
                cell.comment = posted.get(cell.comment_name, "")
            cell.points_errors = list(errors.get(cell.points_name, []))
            cell.comment_errors = list(errors.get(cell.comment_name, []))
            cells.append(cell)
        rows.append(GridRow(bid_id=bid_id, label=ev.bid.vendor_name, cells=cells))
    return rows


def _points_text(points) -> str:
    text = f"{points:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def grid_cells(rows: list[GridRow], data: Mapping) -> list[tuple[int, int, str, str]]:
    """(bid id, criterion id, points, comment) of every cell of `rows` the person typed into;
    cells left empty are not scored."""
    typed = []
    for row in rows:
        for cell in row.cells:
            points = (data.get(cell.points_name) or "").strip()
            comment = data.get(cell.comment_name) or ""
            if points or comment.strip():
                typed.append((row.bid_id, cell.criterion.pk, points, comment))
    return typed


def grid_errors(rows: list[GridRow]) -> list[dict]:
    """The error summary: each refused input named by its proposal and criterion."""
    found = []
    for row in rows:
        for cell in row.cells:
            for name, messages in ((cell.points_name, cell.points_errors), (cell.comment_name, cell.comment_errors)):
                if messages:
                    what = "score" if name == cell.points_name else "comment"
                    found.append({"target": name, "label": f"{row.label}, {cell.criterion.name} ({what})",
                                  "message": " ".join(messages)})
    return found
