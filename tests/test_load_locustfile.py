"""The load test (`make load`, bench/load_http.py) is a benchmark, not run in CI: only check that
its locustfile imports and declares the user kinds, and that `edpool bench` runs it only when
named. Skipped with the reason when the optional `[load]` extra (Locust) is not installed."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from edpool.management.commands.bench import BENCHMARKS, ON_REQUEST

LOCUSTFILE = Path(__file__).resolve().parent.parent / "bench" / "load" / "locustfile.py"


def test_load_benchmark_runs_only_when_named():
    assert BENCHMARKS["load"] == "bench.load_http"
    assert "load" in ON_REQUEST


def test_locustfile_imports_and_declares_the_user_kinds():
    if importlib.util.find_spec("locust") is None:  # not imported here: see below
        pytest.skip("Locust is in the optional [load] extra (make load installs it)")
    # In a process of its own: Locust monkey-patches the standard library with gevent on import.
    probe = (f"import importlib.util as u; s = u.spec_from_file_location('lf', {str(LOCUSTFILE)!r}); "
             "m = u.module_from_spec(s); s.loader.exec_module(m); "
             "print(sorted(k for k, v in vars(m).items() if isinstance(v, type) and not k.startswith('_') "
             "and getattr(v, 'abstract', True) is False), m.RushVendor.fixed_count)")
    env = {k: v for k, v in os.environ.items() if k != "EDPOOL_LOAD_PLAN"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["['CatalogSearcher',", "'DashboardViewer',", "'NeedsMatcher',",
                                   "'OrderPlacer',", "'RushVendor']", "0"]  # no plan, no vendors


def test_reuse_refuses_a_database_without_its_saved_people(tmp_path, capsys):
    """`edpool bench load --reuse NAME` runs again on a kept database with the people and tokens
    `--keep` saved beside it; without them it says so and changes nothing."""
    from bench import load_http

    args = load_http.argparse.Namespace(reuse="edpool_bench_404", csv=str(tmp_path / "load"))
    assert load_http._reuse(args) == 1
    assert "data-edpool_bench_404.json is missing" in capsys.readouterr().out
