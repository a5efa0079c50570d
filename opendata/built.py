"""What a release builder returns: the process's ocid, the release's tags and its body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Built:
    ocid: str
    tags: list[str]
    body: dict[str, Any]
