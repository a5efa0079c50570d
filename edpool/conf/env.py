"""The environment every other part reads: the .env file, where EdPool lives (BASE_DIR), where its
local data lives (VAR_DIR) and whether this is a development machine (DEBUG)."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent.parent
# `make` writes .env (DEBUG=true) so that `.venv/bin/edpool ...` works outside make as the README
# shows; production has no .env and sets its environment. The environment wins over the file.
_ENV_FILE = os.environ.get("EDPOOL_ENV_FILE", str(BASE_DIR / ".env"))
if _ENV_FILE:
    load_dotenv(_ENV_FILE, override=False)
VAR_DIR = Path(os.environ.get("EDPOOL_VAR_DIR", BASE_DIR / "var")).resolve()

DEBUG = env_bool("DEBUG", False)
