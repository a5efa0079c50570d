"""Schemathesis against a real server (tests/fuzz/run.py), as part of pytest when asked for.

Skipped unless EDPOOL_FUZZ=1 (it takes a few minutes and a free local port); `.ci/run` and
`make fuzz` run tests/fuzz/run.py directly. With DATABASE_URL pointing at PostgreSQL the run makes
its own database on that server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.fuzz


@pytest.mark.skipif(os.environ.get("EDPOOL_FUZZ") != "1",
                    reason="fuzzing the API takes minutes: set EDPOOL_FUZZ=1 (or run make fuzz)")
def test_schemathesis_finds_nothing():
    command = [sys.executable, str(Path(__file__).with_name("run.py"))]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        command += ["--postgres", url]
    result = subprocess.run(command)
    assert result.returncode == 0, "Schemathesis found failures: see its report above"
