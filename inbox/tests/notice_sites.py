"""Every place that calls core.notify, found in the source, and a recorder that tells which of
them ran (tests of the notices' bodies: inbox/tests/test_notice_bodies.py)."""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "tests", "migrations", "node_modules", "var", "staticfiles"}

# What must never reach a person: a dict's or list's repr, a Decimal's repr, a timestamp with
# microseconds (ISO or str() of a datetime).
REPR = re.compile(r"\{'|\[|Decimal\(|\d{2}:\d{2}:\d{2}\.\d{1,6}")


def _calls(path: Path) -> list[tuple[str, int, int]]:
    """(site, first line, last line) of each notify(...) call in the file, site being
    "file:function#n" (the n-th call in that function)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []

    def visit(node, function: str):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name if function == "<module>" else function)
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "notify":
                found.append((function, child.lineno, child.end_lineno))
            visit(child, function)

    visit(tree, "<module>")
    rel = path.relative_to(ROOT).as_posix()
    counts: dict[str, int] = {}
    sites = []
    for function, start, end in sorted(found, key=lambda f: f[1]):
        counts[function] = counts.get(function, 0) + 1
        sites.append((f"{rel}:{function}#{counts[function]}", start, end))
    return sites


def call_sites() -> dict[str, list[tuple[str, int, int]]]:
    """file -> its notify call sites, for every application module (not tests, not core.notify)."""
    result = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & SKIP_DIRS or path.name.startswith("test_") or path == ROOT / "core" / "notify.py":
            continue
        text = path.read_text()
        if "notify(" not in text:
            continue
        sites = _calls(path)
        if sites:
            result[path.relative_to(ROOT).as_posix()] = sites
    return result


def all_sites() -> set[str]:
    return {site for sites in call_sites().values() for site, _, _ in sites}


class Recorder:
    """Wraps `notify` in every module that calls it; `ran` collects the sites that called it."""

    def __init__(self, monkeypatch):
        self.ran: set[str] = set()
        self._sites = call_sites()
        import core.notify

        real = core.notify.notify
        for file in self._sites:
            module = importlib.import_module(file[:-3].replace("/", "."))
            monkeypatch.setattr(module, "notify", self._wrap(real))

    def _wrap(self, real):
        def notify(**kwargs):
            caller = sys._getframe(1)
            rel = Path(caller.f_code.co_filename).resolve().relative_to(ROOT).as_posix()
            for site, start, end in self._sites.get(rel, []):
                if start <= caller.f_lineno <= end:
                    self.ran.add(site)
            return real(**kwargs)
        return notify
