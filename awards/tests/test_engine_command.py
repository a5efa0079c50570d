"""`edpool award-solve` (the award_solve management command) and the engine's independence."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "engine" / "examples"
ROOT = Path(__file__).resolve().parents[2]


def test_engine_imports_no_django() -> None:
    code = ("import sys, awards.engine, awards.engine.solve, bench.award; "
            "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def _django_ready() -> bool:
    try:
        from django.conf import settings

        return settings.configured and bool(settings.INSTALLED_APPS)
    except Exception:  # noqa: BLE001 - no Django settings in the pure engine run (-p no:django)
        return False


needs_django = pytest.mark.skipif(not _django_ready(), reason="Django settings are not loaded")


@needs_django
def test_command_prints_the_result(capsys) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("award_solve", str(EXAMPLES / "chromebooks.json"), stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["status"] == "optimal"
    assert answer["total_cost"] == "404310.00"
    assert out.getvalue().startswith("{\n  ")  # indent 2, and nothing else on stdout


@needs_django
def test_command_writes_the_output_file(tmp_path) -> None:
    from django.core.management import call_command

    target = tmp_path / "result.json"
    call_command("award_solve", str(EXAMPLES / "infeasible-share.json"), "-o", str(target), "--time-limit", "5")
    answer = json.loads(target.read_text())
    assert answer["status"] == "infeasible"
    assert "share cap of 30%" in answer["message"]


@needs_django
def test_bad_input_is_a_command_error_with_status_2(tmp_path) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    problem = json.loads((EXAMPLES / "chromebooks.json").read_text())
    problem["bids"][0]["item"] = "chromebook-13"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(problem))
    with pytest.raises(CommandError) as caught:
        call_command("award_solve", str(path))
    assert caught.value.returncode == 2
    assert "bids[0] (id 'b1').item" in str(caught.value) and "chromebook-13" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command("award_solve", str(tmp_path / "missing.json"))
    assert caught.value.returncode == 2
    path.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("award_solve", str(path))


@needs_django
def test_bench_command_runs_a_quick_award_benchmark(capsys) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("bench", "award", "--family", "base,heavy-tail", "--sizes", "8x3x2", "--seeds", "0",
                 "--time-limit", "5", "--skip-plain", stdout=out)
    printed = capsys.readouterr().out
    assert "== bench award ==" in out.getvalue()
    assert "8x3x2" in printed and "heavy-tail" in printed and "vs plain" in printed
    assert re.search(r"machine: the fixed reference workload took \d+ ms", printed)
    assert "heavy-tail 8x3x2: engine proved the target on 1/1" in printed
    with pytest.raises(CommandError, match="unknown benchmark"):
        call_command("bench", "nope")


def test_bench_repeats_the_engine_and_counts_runs_and_instances(capsys, tmp_path, monkeypatch) -> None:
    """``--repeat N``: N engine runs per instance (seed.run in the table; plain HiGHS once), the
    summary counts proven runs and the instances proven in every run; the JSON numbers the runs."""
    import json

    import bench.award as award
    from bench.award import main

    plain_runs: list[int] = []
    real_plain = award.run_plain
    monkeypatch.setattr(award, "run_plain", lambda *args: plain_runs.append(1) or real_plain(*args))
    assert main(["--family", "base", "--sizes", "8x3x2", "--seeds", "0,1", "--time-limit", "5",
                 "--repeat", "2", "--json", str(tmp_path / "runs.json")]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"^base\s+8x3x2\s+1\.2\s", printed, re.MULTILINE)
    assert "base 8x3x2: engine proved the target on 4/4 runs (2/2 instances in every run), plain HiGHS on 2/2" in printed
    runs = json.loads((tmp_path / "runs.json").read_text())["runs"]
    assert [(r["seed"], r["run"]) for r in runs] == [(0, 1), (0, 2), (1, 1), (1, 2)]
    assert len(plain_runs) == 2 and runs[0]["plain"] == runs[1]["plain"]  # once per instance
    with pytest.raises(SystemExit):
        main(["--repeat", "0"])
