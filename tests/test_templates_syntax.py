"""Django's {# ... #} comment is one line only: a comment spread over lines is printed on the page
as text (the catalog's product page once showed its facts panel's comment to every buyer)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "node_modules", ".git"}


def _templates():
    for path in ROOT.rglob("*.html"):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def test_no_template_comment_spans_lines():
    bad = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for opened in re.finditer(r"\{#", line):
                if "#}" not in line[opened.end():]:
                    bad.append(f"{path.relative_to(ROOT)}:{number}")
    assert not bad, "multi-line {# #} comments (use {% comment %}): " + ", ".join(bad)
