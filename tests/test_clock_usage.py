"""Every calendar day in EdPool is the consortium's day (core.clock), never the server's or UTC's.

The naive forms below give the wrong day for seven or eight hours of every night in Los Angeles
(at 03:30 UTC on 2 December it is still 1 December there); this test keeps them out of the code
and the tests."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", ".git", "node_modules", "staticfiles", "var", "build", "dist"}
ALLOWED = {Path("core/clock.py"), Path("tests/test_clock_usage.py")}

FORBIDDEN = [
    (re.compile(r"\bdate\.today\("), "date.today() is the machine's day: use core.clock.today()"),
    (re.compile(r"\bdatetime\.(now|today)\("), "datetime.now()/today(): use core.clock.now() (aware)"),
    (re.compile(r"\butc(now|fromtimestamp)\("), "utcnow()/utcfromtimestamp() are naive: use core.clock.now()"),
    (re.compile(r"\bnow\(\)\.(date\(\)|year\b|month\b|day\b)"),
     "now().date()/.year/... is the UTC day: use core.clock.today() (or clock.today() in tests)"),
]


def python_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIP_DIRS.intersection(relative.parts) or relative in ALLOWED:
            continue
        yield relative, path


def test_no_naive_or_utc_calendar_days_anywhere():
    found = []
    for relative, path in python_files():
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, advice in FORBIDDEN:
                if pattern.search(text):
                    found.append(f"{relative}:{number}: {advice}\n    {text.strip()}")
    assert not found, "Calendar days must be the consortium's:\n" + "\n".join(found)
