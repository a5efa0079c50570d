"""Dump every UPPERCASE name Django takes from edpool.settings as JSON (a check that a refactoring
of the settings changes no value): `python tests/settings_dump.py > before.json`, change the
settings, run it again and compare. The environment decides the values, as for the server."""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from pathlib import PurePath


def plain(value, depth=0):
    """A JSON-able picture of a setting's value: objects by their class and attributes."""
    if depth > 8:
        return "..."
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, PurePath):
        return {"path": str(value)}
    if isinstance(value, dict):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v, depth + 1) for v in value]
        return {type(value).__name__: sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items}
    if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
        return {"callable": f"{getattr(value, '__module__', '?')}.{value.__qualname__}"}
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    attrs = dict(getattr(value, "__dict__", None) or {})
    for cls in type(value).__mro__:  # objects with __slots__ (structlog's processors)
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(value, slot):
                attrs[slot] = getattr(value, slot)
    return {"object": kind, "attrs": plain(attrs, depth + 1) if attrs else re.sub(" at 0x[0-9a-f]+", "", repr(value))}


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    module = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "edpool.settings"))
    names = sorted(name for name in dir(module) if name.isupper())
    json.dump({name: plain(getattr(module, name)) for name in names}, sys.stdout, indent=1, sort_keys=True)
    print()
