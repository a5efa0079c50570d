"""A job survives a worker restart: a worker process is killed in the middle of a job; the next
worker picks the same task up again and runs it, and its effect happens once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=f"sqlite:///{database}", DEBUG="true", EDPOOL_VAR_DIR=str(database.parent))
    return env


def _run(env, *args, timeout=300) -> str:
    done = subprocess.run([sys.executable, "-m", "jobs.tests.worker_main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _query(database: Path, sql: str, *params):
    with sqlite3.connect(database, timeout=20) as db:
        return db.execute(sql, params).fetchall()


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_a_killed_workers_job_is_picked_up_again_and_its_effect_happens_once(tmp_path):
    database = tmp_path / "restart.sqlite3"
    env = _env(database)
    migrate = subprocess.run([sys.executable, "-m", "edpool.cli", "migrate", "--no-input"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=600)
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    started_file = tmp_path / "started.txt"
    job_id = int(_run(env, "enqueue", "3", str(started_file)).strip())

    first = subprocess.Popen([sys.executable, "-m", "jobs.tests.worker_main", "work", "--interval", "0.2"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # Mid-job: started, and reporting progress.
        _wait_for(lambda: _query(database, "SELECT state, progress_text FROM jobs_job WHERE id = ?",
                                 job_id) == [("running", "Working")], 120, "the first worker to start the job")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    [(task_id,)] = _query(database, "SELECT task_id FROM jobs_job WHERE id = ?", job_id)
    assert _query(database, "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
                  task_id.replace("-", "")) == [("RUNNING",)]
    assert not _query(database, "SELECT id FROM orgs_organisation WHERE name = ?", f"effect of job {job_id}")

    # A new worker: it gives the dead worker's job back to the queue and runs it (--batch: until
    # the queue is empty), then a third finds nothing left to do.
    _run(env, "work", "--batch", "--interval", "0")
    _run(env, "work", "--batch", "--interval", "0")

    assert _query(database, "SELECT state, attempts FROM jobs_job WHERE id = ?", job_id) == [("done", 2)]
    assert started_file.read_text().splitlines() == ["attempt 1", "attempt 2"]
    assert len(_query(database, "SELECT id FROM orgs_organisation WHERE name = ?",
                      f"effect of job {job_id}")) == 1
    # The same task, picked up again by a second worker; no other task was queued.
    [(status, worker_ids)] = _query(database, "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult")
    assert status == "SUCCESSFUL" and worker_ids.count(",") == 1
    actions = [a for (a,) in _query(database, "SELECT action FROM audit_auditevent WHERE object_type = "
                                    "'jobs.job' AND object_id = ? ORDER BY seq", str(job_id))]
    assert actions == ["job.queued", "job.started", "job.requeued", "job.started", "job.done"]
